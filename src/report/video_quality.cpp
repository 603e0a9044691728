#include "report/video_quality.h"

#include <algorithm>
#include <cstdlib>

namespace rp {

namespace {

constexpr int kPsnrBins = 1001;  // 0.1 dB each, 0..100 dB
constexpr double kPsnrMax = 100;

}  // namespace

double mean_luma(const std::vector<std::uint8_t>& grid) {
    if (grid.empty()) return 0;
    std::uint64_t sum = 0;
    for (auto v : grid) sum += v;
    return static_cast<double>(sum) / static_cast<double>(grid.size());
}

bool nearly_same(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    if (a.size() != b.size() || a.empty()) return false;
    size_t changed = 0;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::abs(static_cast<int>(a[i]) - static_cast<int>(b[i])) > VideoQuality::kStillDelta)
            ++changed;
    return static_cast<double>(changed) <=
           VideoQuality::kStillShare * static_cast<double>(a.size());
}

std::int64_t VideoQuality::on_frame(const FrameFacts& f) {
    bool black = !f.grid.empty() && mean_luma(f.grid) <= kBlackLuma;
    std::int64_t froze = 0;
    std::lock_guard<std::mutex> lock(mutex_);
    if (frames_++ == 0) {
        first_us_ = f.arrival_us;
    } else {
        std::int64_t gap = std::max<std::int64_t>(0, f.arrival_us - last_us_);
        max_gap_us_ = std::max(max_gap_us_, gap);
        if (gap > kPauseUs) {
            ++pauses_;
        } else if (gap_count_ > 0) {
            std::int64_t mean = gap_sum_ / gap_count_;
            if (gap >= std::max(3 * mean, mean + 150'000)) {
                ++freezes_;
                freeze_us_ += gap;
                froze = gap;
            }
        }
        if (gap_count_ == kFreezeWindow)
            gap_sum_ -= gaps_[gap_next_];
        else
            ++gap_count_;
        gaps_[gap_next_] = gap;
        gap_sum_ += gap;
        gap_next_ = (gap_next_ + 1) % kFreezeWindow;
        if (last_black_) black_us_ += gap;
        if (f.grid_w == last_grid_w_ && f.grid_h == last_grid_h_ && nearly_same(last_grid_, f.grid))
            still_us_ += gap;
    }
    last_us_ = std::max(last_us_, f.arrival_us);
    last_black_ = black;
    last_grid_ = f.grid;
    last_grid_w_ = f.grid_w;
    last_grid_h_ = f.grid_h;

    if (!f.stamped) return froze;
    ++stamped_;
    if (f.sender_tag != 0) {
        ++tagged_;
        if (f.sender_tag != f.expected_tag) ++foreign_;
    }
    // Frame numbers count up by one per frame the sender sent, modulo 2^16. A step back (or a
    // jump of half the range) is another numbering, and so is another sender's: start over
    // from it without counting.
    if (f.sender_tag != last_tag_) last_number_.reset();
    last_tag_ = f.sender_tag;
    if (last_number_) {
        auto step = static_cast<std::uint16_t>(f.frame_number - *last_number_);
        if (step == 0) {
            // the same frame again
        } else if (step < 0x8000) {
            lost_ += step - 1;
        }
    }
    last_number_ = f.frame_number;
    if (f.psnr_db) {
        double db = std::clamp(*f.psnr_db, 0.0, kPsnrMax);
        if (psnr_bins_.empty()) psnr_bins_.assign(kPsnrBins, 0);
        ++psnr_bins_[static_cast<size_t>(db * 10)];
        ++psnr_n_;
        psnr_sum_ += db;
    }
    return froze;
}

VideoFigures VideoQuality::figures(std::int64_t) const {
    std::lock_guard<std::mutex> lock(mutex_);
    VideoFigures out;
    if (frames_ == 0) return out;
    std::int64_t span = last_us_ - first_us_;
    if (frames_ >= 2 && span > 0)
        out.fps = static_cast<double>(frames_ - 1) * 1e6 / static_cast<double>(span);
    out.freeze_count = freezes_;
    out.total_freeze_ms = static_cast<double>(freeze_us_) / 1000;
    out.pause_count = pauses_;
    out.max_gap_ms = static_cast<double>(max_gap_us_) / 1000;
    if (span > 0) {
        out.black = static_cast<double>(black_us_) / static_cast<double>(span);
        out.still = static_cast<double>(still_us_) / static_cast<double>(span);
    } else {
        // One frame (or all at once): the picture as it was, and it never changed.
        out.black = last_black_ ? 1.0 : 0.0;
        out.still = 1.0;
    }
    if (stamped_ > 0) out.frames_lost = lost_;
    if (tagged_ > 0) out.from_expected_sender = foreign_ * 100 <= tagged_;
    if (psnr_n_ > 0) {
        out.psnr_mean_db = psnr_sum_ / static_cast<double>(psnr_n_);
        std::uint64_t want = (psnr_n_ * 5 + 99) / 100;  // the 5th percentile, at least one frame
        std::uint64_t seen = 0;
        for (size_t i = 0; i < psnr_bins_.size(); ++i) {
            seen += psnr_bins_[i];
            if (seen >= want) {
                out.psnr_p5_db = static_cast<double>(i) / 10;
                break;
            }
        }
    }
    return out;
}

}  // namespace rp
