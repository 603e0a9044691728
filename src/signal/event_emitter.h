// Where a room dialect sends its outgoing Socket.IO events; the transport implements it.
#pragma once

#include <json-glib/json-glib.h>

#include <string_view>

namespace rp {

class EventEmitter {
  public:
    virtual ~EventEmitter() = default;
    virtual void emit(std::string_view name, JsonArray* args) = 0;
};

}  // namespace rp
