// What the wiring layer needs: which room service to use and how, how long to run and what to
// expect, and how to be watched. It extends the media options, as an rpicam-apps app's options
// extend the base ones; src/cli fills it, nothing below src/app sees it.
#pragma once

#include "media/options.h"

#include <string>
#include <vector>

namespace rp::app {

// The room service and this member's identity in it.
struct ServerOptions {
    std::string server;                // the first --server, as given
    std::string ws_url;                // its normalized WebSocket endpoint
    std::vector<std::string> servers;  // every --server, as given, in order
    std::vector<std::string> ws_urls;  // their WebSocket endpoints, same order
    std::string room;
    std::string name = "roompeer";
    std::string user_json = "{}";
    std::string auth_json;
    std::string ca_file;    // PEM CA trusted for wss:// besides the system store (absolute)
    bool insecure = false;  // no TLS certificate verification at all
};

// How long the run lasts and what it must show.
struct RunOptions {
    double duration_s = 0;
    double connect_timeout_s = 0;  // first connection only; 0: keep trying while the run lasts
    std::string report_path;
    int expect_peers = -1;            // -1: no expectation
    int expect_frames = -1;           // -1: derived (1 with --expect-peers, else none)
    std::vector<std::string> expect;  // --expect 'FIELD OP NUMBER', checked by the cli layer
    std::string junit_path;           // --junit FILE: JUnit XML at exit; empty: none
};

// The terminal status line, --stats lines and the /metrics endpoint.
struct WatchOptions {
    std::string stats_path;         // --stats: JSON lines to FILE, "-" for stdout; empty: off
    double stats_interval_s = 1.0;  // between two --stats lines
    int metrics_port = -1;          // -1: no metrics endpoint; 0: any free port
    std::string metrics_address = "127.0.0.1";
    bool status_line = true;  // on a terminal only; --quiet turns it off
};

struct Options : ServerOptions, media::Options, RunOptions, WatchOptions {};

}  // namespace rp::app
