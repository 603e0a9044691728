// Typed owners for GLib/GStreamer references: one owner per object, handed over with std::move.
#pragma once

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <json-glib/json-glib.h>

#include <memory>
#include <string>

namespace rp {

struct GObjectUnref {
    void operator()(gpointer p) const {
        if (p) g_object_unref(p);
    }
};
struct GstObjectUnref {
    void operator()(gpointer p) const {
        if (p) gst_object_unref(p);
    }
};
struct GFreeDeleter {
    void operator()(gpointer p) const { g_free(p); }
};
struct GErrorFree {
    void operator()(GError* e) const {
        if (e) g_error_free(e);
    }
};
struct GstCapsUnref {
    void operator()(GstCaps* c) const {
        if (c) gst_caps_unref(c);
    }
};
struct SdpMessageFree {
    void operator()(GstSDPMessage* m) const {
        if (m) gst_sdp_message_free(m);
    }
};
struct JsonNodeFree {
    void operator()(JsonNode* n) const {
        if (n) json_node_unref(n);
    }
};
struct GstPromiseUnref {
    void operator()(GstPromise* p) const {
        if (p) gst_promise_unref(p);
    }
};
struct WebRTCDescFree {
    void operator()(GstWebRTCSessionDescription* d) const {
        if (d) gst_webrtc_session_description_free(d);
    }
};

template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;
template <typename T>
using GstPtr = std::unique_ptr<T, GstObjectUnref>;
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;
using CapsPtr = std::unique_ptr<GstCaps, GstCapsUnref>;
using SdpPtr = std::unique_ptr<GstSDPMessage, SdpMessageFree>;
using JsonPtr = std::unique_ptr<JsonNode, JsonNodeFree>;
using PromisePtr = std::unique_ptr<GstPromise, GstPromiseUnref>;
using WebRTCDescPtr = std::unique_ptr<GstWebRTCSessionDescription, WebRTCDescFree>;

inline std::string take_string(gchar* s) {
    GCharPtr owner(s);
    return s ? std::string(s) : std::string();
}

}  // namespace rp
