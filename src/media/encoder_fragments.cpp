#include "media/encoder_fragments.h"

#include "media/hw_encoder.h"
#include "media/pi_camera.h"
#include "media/pipeline_parts.h"

namespace rp::media {

std::string h264_level(const Options& cfg) {
    return static_cast<long>(cfg.width) * cfg.height * cfg.fps <= 1280L * 720 * 30 ? "3.1" : "4";
}

std::string hardware_h264_fragment(const Options& cfg) {
    // repeat_sequence_header: SPS/PPS in front of every IDR, so a member that joins late (or
    // lost the first keyframe) can start decoding; h264parse makes sure of it either way.
    return "v4l2h264enc name=venc extra-controls=\"controls,repeat_sequence_header=1,"
           "video_bitrate=" +
           std::to_string(cfg.video_bitrate_kbps * 1000) +
           ",h264_i_frame_period=" + std::to_string(cfg.fps * 2) +
           "\" ! video/x-h264,profile=constrained-baseline,level=(string)" + h264_level(cfg) +
           " ! h264parse config-interval=-1 ! "
           "video/x-h264,stream-format=byte-stream,alignment=au";
}

// libvpx's rate-control buffer in ms (its default is 6 s): short, so that a new target from
// congestion control holds within about a second instead of after seconds of overshoot. And
// at most 15 % over the target, as libwebrtc's VP8 (libvpx allows 100 % by default): measured
// on a 1 Mbit/s link, a textured 240x240 picture at 800 kbit/s went out at 940.
const std::string kRealtimeBuffer =
    "buffer-size=1000 buffer-initial-size=500 buffer-optimal-size=600 undershoot=95 overshoot=15 ";

std::string video_encoder_fragment(const Options& cfg) {
    int kbps = cfg.video_bitrate_kbps;
    int gop = cfg.fps * 2;  // a keyframe at least every 2 s even if nobody asks
    switch (cfg.codec) {
        case VideoCodec::VP9:
            return "vp9enc name=venc deadline=1 cpu-used=8 lag-in-frames=0 end-usage=cbr "
                   "threads=1 " +
                   kRealtimeBuffer + "keyframe-max-dist=" + std::to_string(gop) +
                   " target-bitrate=" + std::to_string(kbps * 1000);
        case VideoCodec::H264:
            if (!hardware_h264_encoder().empty())
                return "videoconvert ! video/x-raw,format=I420 ! " + hardware_h264_fragment(cfg);
            // Constrained baseline with SPS/PPS before every keyframe: what browsers decode.
            return "x264enc name=venc tune=zerolatency speed-preset=ultrafast threads=2 bitrate=" +
                   std::to_string(kbps) + " key-int-max=" + std::to_string(gop) +
                   " ! video/x-h264,profile=constrained-baseline ! h264parse config-interval=-1 "
                   "! capsfilter caps=\"video/x-h264,stream-format=byte-stream,alignment=au\"";
        case VideoCodec::VP8:
            break;
    }
    // One thread: libvpx's VP8 threads spin-wait on each other, and with two such encoders
    // on two cores (or a busy Pi) they starve each other down to a few frames per second.
    // Keyframes at most twice a frame's budget (max-intra-bitrate, in percent): libvpx made
    // them 5 to 10 times the frames around them, and with no pacer in GStreamer 1.22 each
    // went out at once; on a 1 Mbit/s link a 20 kB keyframe every 2 s held the picture for
    // 170 ms behind the frame before it, a freeze, and overflowed the link's queue. libvpx
    // overshoots the cap (keyframes come out at 2.5 to 5 times an average frame).
    return "vp8enc name=venc deadline=1 cpu-used=8 lag-in-frames=0 end-usage=cbr threads=1 "
           "max-intra-bitrate=200 " +
           kRealtimeBuffer + "error-resilient=partitions keyframe-max-dist=" + std::to_string(gop) +
           " target-bitrate=" + std::to_string(kbps * 1000);
}

std::string video_encoder_element(const Options& cfg) {
    switch (cfg.codec) {
        case VideoCodec::VP9:
            return "vp9enc";
        case VideoCodec::H264:
            return hardware_h264_encoder().empty() ? "x264enc" : "v4l2h264enc";
        case VideoCodec::VP8:
            break;
    }
    return "vp8enc";
}

std::map<std::string, std::string> video_placeholders(const Options& cfg, const SourceSpec& src) {
    std::string caps = "video/x-raw,width=" + std::to_string(cfg.width) +
                       ",height=" + std::to_string(cfg.height) +
                       ",framerate=" + std::to_string(cfg.fps) + "/1";
    bool libcamera = src.kind == "libcamera";  // issue 13 (Pi): camera modules
    std::string device = pipeline_property(libcamera ? "camera-name" : "device", src.device);
    return {
        {"width", std::to_string(cfg.width)},
        {"height", std::to_string(cfg.height)},
        {"fps", std::to_string(cfg.fps)},
        {"bitrate", std::to_string(cfg.video_bitrate_kbps)},
        {"bitrate_bps", std::to_string(cfg.video_bitrate_kbps * 1000)},
        {"gop", std::to_string(cfg.fps * 2)},
        {"h264_level", h264_level(cfg)},
        {"device", device},
        {"test",
         "videotestsrc name=vtest is-live=true pattern=ball motion=sweep "
         "background-color=0xff204080 ! " +
             caps + ",format=I420"},
        {"camera", libcamera
                       ? libcamera_source(src.device, caps)
                       : "v4l2src " + device +
                             " ! videoconvert ! videoscale ! videorate drop-only=true ! " + caps},
        // vraw: where congestion control's low encoding branches off (media/low_encoding.h).
        {"encoder",
         "tee name=vraw allow-not-linked=true ! queue max-size-buffers=2 "
         "leaky=downstream ! " +
             video_encoder_fragment(cfg)},
        {"hw_h264_encoder", hardware_h264_fragment(cfg)},
    };
}

}  // namespace rp::media
