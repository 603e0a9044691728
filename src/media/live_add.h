// Elements added to the PLAYING pipeline while it runs.
#pragma once

#include <gst/gst.h>

namespace rp::media {

// A sink that prerolls asynchronously makes a running pipeline lose its state: the whole
// pipeline, capture included, drops to PAUSED until that one sink gets its first buffer.
// Sinks and bins added at run time therefore complete their state changes on their own.
inline void never_lose_state(GstElement* element) {
    GObjectClass* klass = G_OBJECT_GET_CLASS(element);
    if (g_object_class_find_property(klass, "async"))
        g_object_set(element, "async", FALSE, nullptr);
    else if (GST_IS_BIN(element))
        g_object_set(element, "async-handling", TRUE, nullptr);
}

}  // namespace rp::media
