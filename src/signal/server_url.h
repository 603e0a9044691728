// Turns the user's --server URL into the Engine.IO WebSocket endpoint. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rp {

// ws:// and wss:// pass through, http:// and https:// map to them. When the URL has no path
// (or just "/"), "/socket.io/?EIO=4&transport=websocket" is appended.
std::optional<std::string> websocket_url(std::string_view url, std::string* error);

}  // namespace rp
