#include "media/devices.h"

#include "media/hw_encoder.h"
#include "util/gobj.h"
#include "util/json.h"

#include <sstream>

namespace rp::media {

namespace {

std::string fraction(const GValue* v) {
    return std::to_string(gst_value_get_fraction_numerator(v)) + "/" +
           std::to_string(gst_value_get_fraction_denominator(v));
}

// One field as display strings: a value, a list of values, or a "min-max" range.
std::vector<std::string> field_values(const GstStructure* s, const char* name) {
    const GValue* v = gst_structure_get_value(s, name);
    if (!v) return {};
    auto one = [](const GValue* x) -> std::string {
        if (G_VALUE_HOLDS_INT(x)) return std::to_string(g_value_get_int(x));
        if (G_VALUE_HOLDS_STRING(x)) return g_value_get_string(x);
        if (GST_VALUE_HOLDS_FRACTION(x)) return fraction(x);
        if (GST_VALUE_HOLDS_INT_RANGE(x))
            return std::to_string(gst_value_get_int_range_min(x)) + "-" +
                   std::to_string(gst_value_get_int_range_max(x));
        if (GST_VALUE_HOLDS_FRACTION_RANGE(x))
            return fraction(gst_value_get_fraction_range_min(x)) + "-" +
                   fraction(gst_value_get_fraction_range_max(x));
        GCharPtr text(gst_value_serialize(x));
        return text ? text.get() : "";
    };
    if (GST_VALUE_HOLDS_LIST(v) || GST_VALUE_HOLDS_ARRAY(v)) {
        std::vector<std::string> out;
        guint n =
            GST_VALUE_HOLDS_LIST(v) ? gst_value_list_get_size(v) : gst_value_array_get_size(v);
        for (guint i = 0; i < n; ++i)
            out.push_back(one(GST_VALUE_HOLDS_LIST(v) ? gst_value_list_get_value(v, i)
                                                      : gst_value_array_get_value(v, i)));
        return out;
    }
    return {one(v)};
}

std::string first(const std::vector<std::string>& v) {
    return v.empty() ? std::string() : v.front();
}

std::string device_id(GstDevice* dev) {
    StructurePtr props(gst_device_get_properties(dev));
    if (!props) return {};
    for (const char* key :
         {"device.path", "api.v4l2.path", "api.libcamera.path", "api.alsa.path", "device.string"})
        if (const char* v = gst_structure_get_string(props.get(), key)) return v;
    int card = -1, device = -1;
    if (gst_structure_get_int(props.get(), "alsa.card", &card) &&
        gst_structure_get_int(props.get(), "alsa.device", &device))
        return "hw:" + std::to_string(card) + "," + std::to_string(device);
    return {};
}

std::string property(GstDevice* dev, const char* key) {
    StructurePtr props(gst_device_get_properties(dev));
    const char* v = props ? gst_structure_get_string(props.get(), key) : nullptr;
    return v ? v : "";
}

// What --video takes for this camera.
std::string video_value(const DeviceInfo& d) {
    if (d.api == "libcamera") return "libcamera:" + d.device;
    return d.device.empty() ? "(no device path)" : d.device;
}

bool pi_internal_node(const DeviceInfo& d) {
    for (const char* driver : {"unicam", "rp1-cfe", "bcm2835-isp", "bcm2835-codec", "pispbe",
                               "bcm2835-unicam", "rpivid"})
        if (d.driver == driver) return true;
    return false;
}

void text_section(std::ostringstream& out, const char* title, const char* none,
                  const std::vector<DeviceInfo>& devices, bool video) {
    out << title << ":\n";
    if (devices.empty()) out << "  " << none << "\n";
    for (const auto& d : devices) {
        out << "  "
            << (video              ? video_value(d)
                : d.device.empty() ? "(no device path)"
                                   : d.device)
            << "  \"" << d.name << "\"\n";
        for (const auto& f : d.formats) {
            out << "    " << f.media << (f.format.empty() ? "" : " " + f.format);
            if (video) {
                if (!f.width.empty()) out << " " << f.width << "x" << f.height;
                if (!f.rates.empty()) {
                    out << " @";
                    for (size_t i = 0; i < f.rates.size(); ++i)
                        out << (i ? ", " : " ") << f.rates[i];
                    out << " fps";
                }
            } else {
                if (!f.rates.empty()) {
                    for (size_t i = 0; i < f.rates.size(); ++i)
                        out << (i ? ", " : " ") << f.rates[i];
                    out << " Hz";
                }
                if (!f.channels.empty()) out << ", " << f.channels << " channels";
            }
            out << "\n";
        }
    }
}

void json_section(json::Writer& w, const std::vector<DeviceInfo>& devices) {
    w.begin_array();
    for (const auto& d : devices) {
        w.begin_object();
        w.key("name").string(d.name);
        w.key("device").string(d.device);
        w.key("api").string(d.api);
        w.key("formats").begin_array();
        for (const auto& f : d.formats) {
            w.begin_object();
            w.key("media").string(f.media);
            w.key("format").string(f.format);
            w.key("width").string(f.width);
            w.key("height").string(f.height);
            w.key("rates").begin_array();
            for (const auto& r : f.rates) w.string(r);
            w.end_array();
            w.key("channels").string(f.channels);
            w.end_object();
        }
        w.end_array().end_object();
    }
    w.end_array();
}

}  // namespace

std::vector<DeviceFormat> describe_caps(const GstCaps* caps) {
    std::vector<DeviceFormat> out;
    if (!caps || gst_caps_is_any(caps)) return out;
    for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
        const GstStructure* s = gst_caps_get_structure(caps, i);
        DeviceFormat f;
        f.media = gst_structure_get_name(s);
        bool audio = f.media.rfind("audio/", 0) == 0;
        auto formats = field_values(s, "format");
        f.width = first(field_values(s, "width"));
        f.height = first(field_values(s, "height"));
        f.rates = field_values(s, audio ? "rate" : "framerate");
        f.channels = first(field_values(s, "channels"));
        // A camera lists each pixel format as its own structure, but some list several.
        if (formats.empty()) formats.push_back("");
        for (const auto& fmt : formats) {
            f.format = fmt;
            out.push_back(f);
        }
    }
    return out;
}

std::string devices_text(const DeviceList& list) {
    std::ostringstream out;
    text_section(out, "Cameras (--video v4l2:DEVICE or libcamera:ID)", "no cameras found",
                 list.video, true);
    text_section(out, "Audio capture (--audio alsa:DEVICE)", "no audio capture devices found",
                 list.audio, false);
    out << "Hardware H.264 encoder: "
        << (list.hardware_h264_encoder.empty() ? "none (--video-codec h264 uses x264)"
                                               : list.hardware_h264_encoder)
        << "\n";
    return out.str();
}

std::string devices_json(const DeviceList& list) {
    // The listing and its sections a line each, every device on one line.
    json::Writer w = json::Writer::pretty(2);
    w.begin_object();
    w.key("video");
    json_section(w, list.video);
    w.key("audio");
    json_section(w, list.audio);
    w.key("hardware_h264_encoder").string_or_null(list.hardware_h264_encoder);
    w.end_object();
    return w.str() + "\n";
}

std::vector<DeviceInfo> capture_devices(const char* klass) {
    std::vector<DeviceInfo> out;
    GstPtr<GstDeviceMonitor> mon(gst_device_monitor_new());
    gst_device_monitor_add_filter(mon.get(), klass, nullptr);
    if (!gst_device_monitor_start(mon.get())) return out;
    ObjectListPtr devices(gst_device_monitor_get_devices(mon.get()));
    for (GList* l = devices.get(); l; l = l->next) {
        GstDevice* dev = GST_DEVICE(l->data);  // the list holds the reference
        DeviceInfo info;
        info.name = take_string(gst_device_get_display_name(dev));
        info.device = device_id(dev);
        info.api = property(dev, "device.api");
        // libcamera's own provider names the camera by its id and sets no properties.
        if (std::string(G_OBJECT_TYPE_NAME(dev)).find("Libcamera") != std::string::npos) {
            info.api = "libcamera";
            if (info.device.empty()) info.device = info.name;
        }
        info.driver = property(dev, "v4l2.device.driver");
        info.bus = property(dev, "v4l2.device.bus_info");
        CapsPtr caps(gst_device_get_caps(dev));
        if (caps) info.formats = describe_caps(caps.get());
        out.push_back(std::move(info));
    }
    gst_device_monitor_stop(mon.get());
    return out;
}

std::optional<SourceSpec> auto_source(const char* kind, const std::vector<DeviceInfo>& devices) {
    if (devices.empty()) return std::nullopt;
    // No device id (a provider that gives none): the element's own default device, not the
    // display name, which v4l2src and alsasrc would not open.
    return SourceSpec{kind, devices.front().device};
}

std::optional<SourceSpec> auto_video_source(const std::vector<DeviceInfo>& devices) {
    for (const auto& d : devices)
        if (d.api == "libcamera") return SourceSpec{"libcamera", d.device};
    for (const auto& d : devices)
        if (d.api != "libcamera" && d.bus.rfind("usb", 0) == 0) return SourceSpec{"v4l2", d.device};
    for (const auto& d : devices)
        if (d.api != "libcamera" && !pi_internal_node(d)) return SourceSpec{"v4l2", d.device};
    return std::nullopt;
}

DeviceList list_devices() {
    DeviceList list;
    list.video = capture_devices("Video/Source");
    list.audio = capture_devices("Audio/Source");
    list.hardware_h264_encoder = hardware_h264_encoder();
    return list;
}

}  // namespace rp::media
