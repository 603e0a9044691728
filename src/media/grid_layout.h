// The video wall's geometry and display, as pure functions: where each member's tile goes in
// the window (a grid that keeps every picture's aspect, letterboxed), what --window-size
// means, and which display sink a machine gets (X11, Wayland, or KMS on a kiosk without a
// desktop). No GStreamer here: media/video_wall.cpp applies these.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rp::media {

struct Rect {
    int x = 0;
    int y = 0;
    int w = 0;
    int h = 0;
    bool operator==(const Rect&) const = default;
};

struct GridShape {
    int cols = 0;
    int rows = 0;
};

// Columns and rows for `n` tiles: as square as can be, wider than tall (1x1, 2x1, 2x2, 2x2,
// 3x2, 3x2, 3x3...). 0x0 for none.
GridShape grid_shape(int n);

// The cell of each of `n` tiles (row-major, in join order) in a `width` x `height` window.
// Cells tile the window without gaps; an incomplete last row is centred.
std::vector<Rect> grid_cells(int n, int width, int height);

// The largest rectangle of `src_w`:`src_h` aspect centred in `cell` (letterboxed or
// pillarboxed); the whole cell when the source size is unknown (0).
Rect fit_aspect(const Rect& cell, int src_w, int src_h);

// "WxH" (each 16..7680, even) into width and height; nullopt and *error otherwise.
std::optional<std::pair<int, int>> parse_window_size(const std::string& text, std::string* error);

// What the process sees of the machine's displays.
struct DisplayEnv {
    std::string wayland_display;  // $WAYLAND_DISPLAY
    std::string x11_display;      // $DISPLAY
    bool dri = false;             // /dev/dri exists (a KMS device for kmssink)
};

// The display sink, as gst-launch text (sync=false: the compositor already paces its frames,
// and a late one is shown, not dropped): waylandsink under Wayland, ximagesink under X11 (it
// also works without the XVideo extension, e.g. under Xvfb), kmssink on the console when
// /dev/dri is there. Empty and *error when there is no display at all.
std::string display_sink_description(const DisplayEnv& env, bool fullscreen, std::string* error);

// The environment of this process (getenv, /dev/dri).
DisplayEnv current_display_env();

}  // namespace rp::media
