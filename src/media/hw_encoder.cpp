#include "media/hw_encoder.h"

#include "util/gobj.h"

#include <gst/gst.h>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>

namespace rp::media {

namespace {

bool encodes_h264(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    v4l2_capability cap{};
    bool ok = false;
    if (ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
        uint32_t caps =
            (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
        bool m2m = caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE);
        // An encoder's CAPTURE queue is where the compressed stream comes out.
        for (auto type : {V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE}) {
            for (uint32_t i = 0; m2m && !ok; ++i) {
                v4l2_fmtdesc fmt{};
                fmt.index = i;
                fmt.type = type;
                if (ioctl(fd, VIDIOC_ENUM_FMT, &fmt) != 0) break;
                ok = fmt.pixelformat == V4L2_PIX_FMT_H264;
            }
        }
    }
    ::close(fd);
    return ok;
}

std::string probe() {
    if (!GstPtr<GstElementFactory>(gst_element_factory_find("v4l2h264enc"))) return {};
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
        std::string name = entry.path().filename().string();
        if (name.rfind("video", 0) == 0 && encodes_h264(entry.path().string()))
            return entry.path().string();
    }
    return {};
}

}  // namespace

const std::string& hardware_h264_encoder() {
    static const std::string found = probe();
    return found;
}

}  // namespace rp::media
