// Hands work from GStreamer threads to the one GLib main loop that owns all state.
#pragma once

#include <glib.h>

#include <functional>
#include <memory>

namespace rp {

void invoke_on_main(std::function<void()> fn);

// Owners hold a Lifetime; work posted from other threads checks it on the main loop, where the
// owner is also destroyed, so the check cannot race with the destruction.
using Lifetime = std::shared_ptr<int>;
using LifetimeRef = std::weak_ptr<int>;
inline Lifetime make_lifetime() {
    return std::make_shared<int>(0);
}

}  // namespace rp
