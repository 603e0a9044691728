// The pipeline's bus, watched on the main loop: a capture source that fails after it ran is
// reopened (media/source_guard.h); any other failure of our own capture ends the run, a
// failure inside one member's call is that member's problem, latency and clock changes are
// handled here, routine messages are logged at -v.
#pragma once

#include "media/local_media.h"
#include "util/gobj.h"

#include <gst/gst.h>

#include <functional>
#include <string>
#include <vector>

namespace rp::app {

class BusWatch {
  public:
    // `local_failure` runs on the main loop when our own capture or encoder fails.
    BusWatch(GstElement* pipeline, media::LocalMedia& local,
             std::function<void(const std::string& why)> local_failure);
    ~BusWatch() = default;
    BusWatch(const BusWatch&) = delete;
    BusWatch& operator=(const BusWatch&) = delete;

    // After a failed state change: the errors already on the bus, "element: message" each.
    static std::vector<std::string> pending_errors(GstElement* pipeline);

  private:
    bool on_message(GstMessage* msg);
    bool is_local_element(GstObject* obj) const;

    GstElement* pipeline_;  // borrowed: its owner outlives this watch
    media::LocalMedia& local_;
    std::function<void(const std::string&)> local_failure_;
    SourceId watch_;
};

}  // namespace rp::app
