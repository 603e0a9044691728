#include "media/sdp_info.h"

#include "util/gobj.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace rp::media {

std::optional<SdpInfo> parse_sdp(const std::string& text, std::string* error) {
    GstSDPMessage* raw = nullptr;
    gst_sdp_message_new(&raw);
    SdpPtr msg(raw);
    if (gst_sdp_message_parse_buffer(reinterpret_cast<const guint8*>(text.data()),
                                     static_cast<guint>(text.size()), msg.get()) != GST_SDP_OK ||
        gst_sdp_message_medias_len(msg.get()) == 0) {
        if (error) *error = "unparseable SDP or no media";
        return std::nullopt;
    }
    if (gst_sdp_message_medias_len(msg.get()) > 64) {
        if (error) *error = "more than 64 m-lines";
        return std::nullopt;
    }
    SdpInfo info;
    for (guint i = 0; i < gst_sdp_message_attributes_len(msg.get()); ++i) {
        const GstSDPAttribute* a = gst_sdp_message_get_attribute(msg.get(), i);
        if (a->key && strcmp(a->key, "group") == 0 && a->value &&
            g_str_has_prefix(a->value, "BUNDLE"))
            info.bundled = true;
    }
    for (guint i = 0; i < gst_sdp_message_medias_len(msg.get()); ++i) {
        const GstSDPMedia* m = gst_sdp_message_get_media(msg.get(), i);
        MediaLine line;
        const char* media = gst_sdp_media_get_media(m);
        if (media && strcmp(media, "video") == 0) line.kind = Kind::Video;
        if (media && strcmp(media, "audio") == 0) line.kind = Kind::Audio;
        line.rejected =
            gst_sdp_media_get_port(m) == 0 && !gst_sdp_media_get_attribute_val(m, "bundle-only");
        line.sends = line.receives = true;  // sendrecv is the default
        if (gst_sdp_media_get_attribute_val(m, "sendonly")) line.receives = false;
        if (gst_sdp_media_get_attribute_val(m, "recvonly")) line.sends = false;
        if (gst_sdp_media_get_attribute_val(m, "inactive")) line.sends = line.receives = false;
        if (const char* mid = gst_sdp_media_get_attribute_val(m, "mid")) line.mid = mid;
        for (guint k = 0; k < gst_sdp_media_attributes_len(m); ++k) {
            const GstSDPAttribute* a = gst_sdp_media_get_attribute(m, k);
            if (!a->key || !a->value) continue;
            if (strcmp(a->key, "extmap") == 0 && strstr(a->value, kTwccUri)) {
                int id = atoi(a->value);  // "7 URI" or "7/sendrecv URI"
                if (id >= 1 && id <= 255) line.twcc_ext_id = id;
                continue;
            }
            if (strcmp(a->key, "rtpmap") == 0) {
                char* end = nullptr;
                long pt = strtol(a->value, &end, 10);
                if (end == a->value || pt < 0 || pt > 127 || *end != ' ') continue;
                std::string rest(end + 1);
                std::string enc = rest.substr(0, rest.find('/'));
                std::transform(enc.begin(), enc.end(), enc.begin(),
                               [](unsigned char c) { return std::toupper(c); });
                int rate = 0;
                if (auto slash = rest.find('/'); slash != std::string::npos)
                    rate = atoi(rest.c_str() + slash + 1);
                line.formats.push_back({static_cast<int>(pt), enc, rate, ""});
            }
        }
        for (guint k = 0; k < gst_sdp_media_attributes_len(m); ++k) {
            const GstSDPAttribute* a = gst_sdp_media_get_attribute(m, k);
            if (!a->key || !a->value || strcmp(a->key, "fmtp") != 0) continue;
            int pt = atoi(a->value);
            const char* params = strchr(a->value, ' ');
            for (auto& f : line.formats)
                if (f.pt == pt && params) f.fmtp = params + 1;
        }
        info.media.push_back(std::move(line));
    }
    return info;
}

int find_payload(const MediaLine& m, const SendCodec& codec) {
    int best = -1, best_score = -1;
    for (const auto& f : m.formats) {
        if (f.encoding != codec.encoding_name) continue;
        int score = 0;
        if (codec.encoding_name == "H264") {
            if (f.fmtp.find("packetization-mode=1") == std::string::npos) continue;
            if (f.fmtp.find("profile-level-id=42e01f") != std::string::npos)
                score = 2;
            else if (f.fmtp.find("profile-level-id=42") != std::string::npos)
                score = 1;
        }
        if (score > best_score) {
            best = f.pt;
            best_score = score;
        }
    }
    return best;
}

std::vector<RtpMap> decodable_formats(const MediaLine& m, const Decoders& d) {
    std::vector<RtpMap> out;
    for (const auto& f : m.formats)
        if (d.can_decode(f.encoding)) out.push_back(f);
    return out;
}

std::string undecodable(const SdpInfo& offer, const Decoders& d) {
    // Helpers that ride along a codec, not codecs of their own.
    static const char* const helpers[] = {"RTX",        "RED", "ULPFEC",
                                          "FLEXFEC-03", "CN",  "TELEPHONE-EVENT"};
    for (const auto& m : offer.media) {
        if (!m.kind || m.rejected || !m.sends || !decodable_formats(m, d).empty()) continue;
        std::string why;
        for (const auto& f : m.formats) {
            if (std::find_if(std::begin(helpers), std::end(helpers),
                             [&](const char* h) { return f.encoding == h; }) != std::end(helpers))
                continue;
            std::string line = d.why_not(f.encoding);
            if (why.find(line) == std::string::npos) why += (why.empty() ? "" : "; ") + line;
        }
        if (why.empty()) why = std::string("its ") + kind_name(*m.kind) + " has no codec we decode";
        return why;
    }
    return {};
}

}  // namespace rp::media
