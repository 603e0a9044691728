// Issue 13, section 2, in a real pipeline: the mixed output runs with nobody in it, mixes two
// live inputs, keeps one going while the other is released (no state change of the mixer),
// and finalizes its WAV file on finish().
#include "media/audio_output.h"
#include "util/gobj.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace {

using rp::BinElement;
using rp::GstPtr;
using rp::PipelinePtr;
using rp::RequestPad;
using rp::media::AudioOutput;

bool spin_until(const std::function<bool()>& done, int timeout_ms) {
    gint64 until = g_get_monotonic_time() + timeout_ms * 1000LL;
    while (!done() && g_get_monotonic_time() < until) g_main_context_iteration(nullptr, FALSE);
    return done();
}

// The WAV's samples, channels averaged; empty when it is not a finalized 16-bit WAV.
std::vector<float> read_wav(const std::string& path, int* rate) {
    std::ifstream f(path, std::ios::binary);
    std::vector<char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto u32 = [&](size_t at) {
        return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) |
               static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8 |
               static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 16 |
               static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3])) << 24;
    };
    if (b.size() < 44 || std::string(b.data(), 4) != "RIFF" || u32(4) != b.size() - 8) return {};
    int channels = 0;
    for (size_t at = 12; at + 8 <= b.size(); at += 8 + u32(at + 4)) {
        std::string id(b.data() + at, 4);
        if (id == "fmt ") {
            channels = static_cast<uint8_t>(b[at + 10]);
            *rate = static_cast<int>(u32(at + 12));
        }
        if (id != "data" || channels == 0) continue;
        if (at + 8 + u32(at + 4) != b.size()) return {};
        std::vector<float> out;
        const auto* s = reinterpret_cast<const int16_t*>(b.data() + at + 8);
        for (size_t i = 0; i + channels <= u32(at + 4) / 2; i += channels) {
            float sum = 0;
            for (int c = 0; c < channels; ++c) sum += s[i + c];
            out.push_back(sum / channels / 32768.0f);
        }
        return out;
    }
    return {};
}

double amplitude(const std::vector<float>& x, size_t from, size_t n, double hz, int rate) {
    double coeff = 2 * std::cos(2 * M_PI * hz / rate), s1 = 0, s2 = 0;
    for (size_t i = from; i < from + n; ++i) {
        double s0 = x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return 2 * std::sqrt(std::max(0.0, s1 * s1 + s2 * s2 - coeff * s1 * s2)) / n;
}

// A live tone into one mixer input.
struct Input {
    BinElement src, caps;
    RequestPad pad;
    Input(GstElement* pipeline, AudioOutput& out, int hz) {
        GstPtr<GstElement> s = rp::make_element("audiotestsrc"), c = rp::make_element("capsfilter");
        g_object_set(s.get(), "is-live", TRUE, "freq", static_cast<double>(hz), "volume", 0.3,
                     "samplesperbuffer", 960, nullptr);
        rp::CapsPtr caps(gst_caps_from_string("audio/x-raw,format=S16LE,rate=48000,channels=2"));
        g_object_set(c.get(), "caps", caps.get(), nullptr);
        src = BinElement(GST_BIN(pipeline), std::move(s));
        this->caps = BinElement(GST_BIN(pipeline), std::move(c));
        pad = out.add_input();
        GstPtr<GstPad> from(gst_element_get_static_pad(this->caps.get(), "src"));
        EXPECT_TRUE(gst_element_link(src.get(), this->caps.get()));
        EXPECT_EQ(gst_pad_link(from.get(), pad.get()), GST_PAD_LINK_OK);
        gst_element_sync_state_with_parent(this->caps.get());
        gst_element_sync_state_with_parent(src.get());
    }
    // As RemoteStreams does: the branch stops and leaves, then the mixer input goes.
    void release() {
        src.reset();
        caps.reset();
        pad.reset();
    }
};

TEST(AudioOutputPipeline, MixesKeepsPlayingAndFinalizes) {
    gst_init(nullptr, nullptr);
    char dir_template[] = "/tmp/rp-audio-out-XXXXXX";
    ASSERT_NE(g_mkdtemp(dir_template), nullptr);
    const std::string path = std::string(dir_template) + "/mix.wav";
    rp::media::Options cfg;
    cfg.audio_out = "file:" + path;
    PipelinePtr pipeline(gst_pipeline_new(nullptr));
    AudioOutput out(pipeline.get(), cfg);
    std::string err;
    ASSERT_TRUE(out.build(&err)) << err;
    GstPtr<GstElement> sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), "rp_audio_out_queue"));
    ASSERT_TRUE(sink);
    std::atomic<int> buffers{0};
    GstPtr<GstPad> counted(gst_element_get_static_pad(sink.get(), "src"));
    gst_pad_add_probe(
        counted.get(), GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo*, gpointer p) -> GstPadProbeReturn {
            static_cast<std::atomic<int>*>(p)->fetch_add(1);
            return GST_PAD_PROBE_OK;
        },
        &buffers, nullptr);
    ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    auto after = [&](int more) {
        int target = buffers.load() + more;  // 10 ms buffers
        return spin_until([&] { return buffers.load() >= target; }, 10000);
    };
    ASSERT_TRUE(after(30)) << "the mixer runs with nobody in it";
    Input a(pipeline.get(), out, 600);
    ASSERT_TRUE(after(100));
    Input b(pipeline.get(), out, 1500);
    ASSERT_TRUE(after(100));
    b.release();
    ASSERT_TRUE(after(100));
    bool finished = false;
    out.finish(3000, [&] { finished = true; });
    ASSERT_TRUE(spin_until([&] { return finished; }, 5000));
    a.release();
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);

    int rate = 0;
    std::vector<float> x = read_wav(path, &rate);
    ASSERT_FALSE(x.empty()) << path << " is a finalized WAV file";
    ASSERT_EQ(rate, 48000);
    const size_t n = rate / 50;  // 20 ms windows: 50 a second, two buffers each
    std::vector<bool> on_a, on_b;
    for (size_t from = 0; from + n <= x.size(); from += n) {
        on_a.push_back(amplitude(x, from, n, 600, rate) > 0.05);
        on_b.push_back(amplitude(x, from, n, 1500, rate) > 0.05);
    }
    auto first = [](const std::vector<bool>& v) { return std::find(v.begin(), v.end(), true); };
    auto last = [](const std::vector<bool>& v) {
        return std::find(v.rbegin(), v.rend(), true).base();
    };
    std::string trace;
    for (size_t i = 0; i < on_a.size(); ++i)
        trace += on_a[i] ? (on_b[i] ? 'M' : 'a') : (on_b[i] ? 'b' : '.');
    std::printf("20 ms windows (a: 600 Hz, b: 1500 Hz, M: both): %s\n", trace.c_str());
    ASSERT_NE(first(on_a), on_a.end()) << "600 Hz is in the mix";
    ASSERT_NE(first(on_b), on_b.end()) << "1500 Hz is in the mix";
    EXPECT_GE(first(on_a) - on_a.begin(), 10) << "silence first (0.3 s), while nobody was in";
    EXPECT_GT(first(on_b) - on_b.begin(), first(on_a) - on_a.begin() + 40) << "b a second after a";
    EXPECT_LT(last(on_b) - on_b.begin(), last(on_a) - on_a.begin() - 40) << "a a second after b";
    EXPECT_GE(std::count(on_b.begin(), on_b.end(), true), 40) << "b for about a second";
    // a has no gap from its start to its end, through b's joining and leaving.
    EXPECT_EQ(std::count(first(on_a), last(on_a), false), 0);
    std::remove(path.c_str());
    g_rmdir(dir_template);
}

}  // namespace
