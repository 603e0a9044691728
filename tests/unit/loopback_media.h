// What the unit tests that run real calls share: small test-source media options for a
// loopback-only call, and a way to run the main context until something happened.
#pragma once

#include "media/options.h"

#include <glib.h>

#include <functional>

namespace rp::media::testing {

// Video test source at 160x120, no audio, fake sinks, ICE on 127.0.0.1 only, no key cache.
inline Options loopback_options() {
    Options opts;
    opts.audio = {"none", ""};
    opts.stun.clear();
    opts.ice_addresses = {"127.0.0.1"};
    opts.sinks = {{"fake", ""}};
    opts.width = 160;
    opts.height = 120;
    opts.dtls_key_cache = "none";
    return opts;
}

// Runs the default main context until `done` holds or `timeout_ms` passed.
inline bool spin_until(const std::function<bool()>& done, int timeout_ms) {
    gint64 until = g_get_monotonic_time() + timeout_ms * 1000LL;
    while (!done() && g_get_monotonic_time() < until) g_main_context_iteration(nullptr, FALSE);
    return done();
}

}  // namespace rp::media::testing
