// Per received audio stream from a test-tone sender: is the tone the one its id gives, how
// many gaps it had, and audio/video sync from the once-a-second marks. Fed from the streaming
// thread; read by the main loop. Pure: no GStreamer.
#pragma once

#include "report/quality.h"

#include <cstdint>
#include <mutex>

namespace rp {

class AudioQuality {
  public:
    // Streaming thread API: see the implementation (helper-owned).
    // Main loop: the figures so far.
    AudioFigures figures() const;

  private:
    mutable std::mutex mutex_;
};

}  // namespace rp
