#include "media/pipeline_parts.h"

#include "util/gobj.h"
#include "util/log.h"

namespace rp::media {

std::string pipeline_value(const std::string& value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string pipeline_property(const std::string& name, const std::string& value) {
    return value.empty() ? std::string() : name + "=" + pipeline_value(value);
}

GstPtr<GstElement> make_bin(const std::string& description, std::string* error) {
    GError* err = nullptr;
    GstElement* made = gst_parse_bin_from_description(description.c_str(), TRUE, &err);
    GErrorPtr owner(err);
    GstPtr<GstElement> bin(made ? GST_ELEMENT(gst_object_ref_sink(made)) : nullptr);
    // A bin may come back with an error set: without an element it lacks it would never run.
    if (bin && err && g_error_matches(err, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT))
        bin.reset();
    if (bin && err) log::debug("'%s': %s", description.c_str(), err->message);
    if (!bin) {
        if (error)
            *error =
                std::string("cannot build '") + description + "': " + (err ? err->message : "?");
        return nullptr;
    }
    return bin;
}

GstPtr<GstElement> make_element(const char* factory, const char* name, std::string* error) {
    GstElement* e = gst_element_factory_make(factory, name);
    if (!e) {
        if (error) *error = std::string("GStreamer element '") + factory + "' is missing";
        return nullptr;
    }
    return GstPtr<GstElement>(GST_ELEMENT(gst_object_ref_sink(e)));
}

}  // namespace rp::media
