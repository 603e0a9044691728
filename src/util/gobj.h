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

struct JsonArrayUnref {
    void operator()(JsonArray* a) const {
        if (a) json_array_unref(a);
    }
};
struct JsonObjectUnref {
    void operator()(JsonObject* o) const {
        if (o) json_object_unref(o);
    }
};
struct GstStructureFree {
    void operator()(GstStructure* s) const {
        if (s) gst_structure_free(s);
    }
};
struct GstMessageUnref {
    void operator()(GstMessage* m) const {
        if (m) gst_message_unref(m);
    }
};
struct GMainLoopUnref {
    void operator()(GMainLoop* l) const {
        if (l) g_main_loop_unref(l);
    }
};
// A top-level pipeline goes to NULL before its last reference goes, so that no streaming
// thread outlives it.
struct PipelineRelease {
    void operator()(GstElement* p) const {
        if (!p) return;
        gst_element_set_state(p, GST_STATE_NULL);
        gst_object_unref(p);
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
using JsonArrayPtr = std::unique_ptr<JsonArray, JsonArrayUnref>;
using JsonObjectPtr = std::unique_ptr<JsonObject, JsonObjectUnref>;
using MessagePtr = std::unique_ptr<GstMessage, GstMessageUnref>;
using StructurePtr = std::unique_ptr<GstStructure, GstStructureFree>;
using MainLoopPtr = std::unique_ptr<GMainLoop, GMainLoopUnref>;
using PipelinePtr = std::unique_ptr<GstElement, PipelineRelease>;

// A main-context source (timeout, idle, unix signal) that is removed with its owner.
class SourceId {
  public:
    SourceId() = default;
    explicit SourceId(guint id) : id_(id) {}
    ~SourceId() { reset(); }
    SourceId(SourceId&& o) noexcept : id_(o.release()) {}
    SourceId& operator=(SourceId&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = o.release();
        }
        return *this;
    }
    SourceId(const SourceId&) = delete;
    SourceId& operator=(const SourceId&) = delete;

    void reset(guint id = 0) {
        if (id_) g_source_remove(id_);
        id_ = id;
    }
    // The source ended by itself (its callback returned G_SOURCE_REMOVE): forget the id.
    guint release() {
        guint id = id_;
        id_ = 0;
        return id;
    }
    explicit operator bool() const { return id_ != 0; }

  private:
    guint id_ = 0;
};

// An element owned while it sits in a running bin: reset() (or the destructor) sets it to NULL
// and takes it out of its bin. Holds a reference of its own besides the bin's.
class BinElement {
  public:
    BinElement() = default;
    // Adds `element` (a reference the caller owns, e.g. from make_element) to `bin`.
    BinElement(GstBin* bin, GstPtr<GstElement> element) : element_(std::move(element)) {
        if (element_) gst_bin_add(bin, element_.get());
    }
    ~BinElement() { reset(); }
    BinElement(BinElement&&) noexcept = default;
    BinElement& operator=(BinElement&& o) noexcept {
        if (this != &o) {
            reset();
            element_ = std::move(o.element_);
        }
        return *this;
    }
    BinElement(const BinElement&) = delete;
    BinElement& operator=(const BinElement&) = delete;

    void reset() {
        if (!element_) return;
        gst_element_set_state(element_.get(), GST_STATE_NULL);
        GstPtr<GstObject> parent(gst_object_get_parent(GST_OBJECT(element_.get())));
        if (parent) gst_bin_remove(GST_BIN(parent.get()), element_.get());
        element_.reset();
    }
    GstElement* get() const { return element_.get(); }
    explicit operator bool() const { return element_ != nullptr; }

  private:
    GstPtr<GstElement> element_;
};

// A new element from `factory`, its floating reference sunk; null when the factory is missing.
inline GstPtr<GstElement> make_element(const char* factory) {
    GstElement* e = gst_element_factory_make(factory, nullptr);
    return GstPtr<GstElement>(e ? GST_ELEMENT(gst_object_ref_sink(e)) : nullptr);
}

// A request pad, released from its element and unreffed with its owner.
class RequestPad {
  public:
    RequestPad() = default;
    // Takes `pad` (transfer full, as gst_element_request_pad returns it; may be null).
    RequestPad(GstElement* element, GstPad* pad)
        : element_(pad ? GST_ELEMENT(gst_object_ref(element)) : nullptr), pad_(pad) {}
    ~RequestPad() { reset(); }
    RequestPad(RequestPad&&) noexcept = default;
    RequestPad& operator=(RequestPad&& o) noexcept {
        if (this != &o) {
            reset();
            element_ = std::move(o.element_);
            pad_ = std::move(o.pad_);
        }
        return *this;
    }
    RequestPad(const RequestPad&) = delete;
    RequestPad& operator=(const RequestPad&) = delete;

    void reset() {
        if (element_ && pad_) gst_element_release_request_pad(element_.get(), pad_.get());
        pad_.reset();
        element_.reset();
    }
    GstPad* get() const { return pad_.get(); }
    explicit operator bool() const { return pad_ != nullptr; }

  private:
    GstPtr<GstElement> element_;
    GstPtr<GstPad> pad_;
};

// A pad probe, removed with its owner (which also holds a reference on the pad).
class PadProbe {
  public:
    PadProbe() = default;
    PadProbe(GstPad* pad, gulong id)
        : pad_(id ? GST_PAD(gst_object_ref(pad)) : nullptr), id_(pad_ ? id : 0) {}
    ~PadProbe() { reset(); }
    PadProbe(PadProbe&& o) noexcept : pad_(std::move(o.pad_)), id_(o.id_) { o.id_ = 0; }
    PadProbe& operator=(PadProbe&& o) noexcept {
        if (this != &o) {
            reset();
            pad_ = std::move(o.pad_);
            id_ = o.id_;
            o.id_ = 0;
        }
        return *this;
    }
    PadProbe(const PadProbe&) = delete;
    PadProbe& operator=(const PadProbe&) = delete;

    void reset() {
        if (pad_ && id_) gst_pad_remove_probe(pad_.get(), id_);
        pad_.reset();
        id_ = 0;
    }
    GstPad* pad() const { return pad_.get(); }
    explicit operator bool() const { return id_ != 0; }

  private:
    GstPtr<GstPad> pad_;
    gulong id_ = 0;
};

inline std::string take_string(gchar* s) {
    GCharPtr owner(s);
    return s ? std::string(s) : std::string();
}

// A GList of GstObject references (gst_device_monitor_get_devices, gst_bin_iterate...).
struct GstObjectListFree {
    void operator()(GList* l) const { g_list_free_full(l, gst_object_unref); }
};
using ObjectListPtr = std::unique_ptr<GList, GstObjectListFree>;

struct GstIteratorFree {
    void operator()(GstIterator* it) const {
        if (it) gst_iterator_free(it);
    }
};
using IteratorPtr = std::unique_ptr<GstIterator, GstIteratorFree>;

// A main-context source held by reference rather than by id: it can be destroyed from its
// owner whether or not it has fired, without the risk of a stale id naming another source.
struct GSourceDestroy {
    void operator()(GSource* s) const {
        if (!s) return;
        g_source_destroy(s);
        g_source_unref(s);
    }
};
using GSourcePtr = std::unique_ptr<GSource, GSourceDestroy>;

}  // namespace rp
