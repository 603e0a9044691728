#include "media/grid_layout.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace rp::media {

GridShape grid_shape(int n) {
    if (n <= 0) return {};
    int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    int rows = (n + cols - 1) / cols;
    return {cols, rows};
}

std::vector<Rect> grid_cells(int n, int width, int height) {
    std::vector<Rect> out;
    GridShape g = grid_shape(n);
    if (g.cols == 0 || width <= 0 || height <= 0) return out;
    for (int i = 0; i < n; ++i) {
        int row = i / g.cols;
        int col = i % g.cols;
        int y0 = row * height / g.rows;
        int y1 = (row + 1) * height / g.rows;
        int in_row = row == g.rows - 1 ? n - row * g.cols : g.cols;
        // An incomplete last row keeps the cell width of the others, centred.
        int cell_w = width / g.cols;
        int offset = (width - in_row * cell_w) / 2;
        int x0 = in_row == g.cols ? col * width / g.cols : offset + col * cell_w;
        int x1 = in_row == g.cols ? (col + 1) * width / g.cols : x0 + cell_w;
        out.push_back({x0, y0, x1 - x0, y1 - y0});
    }
    return out;
}

Rect fit_aspect(const Rect& cell, int src_w, int src_h) {
    if (src_w <= 0 || src_h <= 0 || cell.w <= 0 || cell.h <= 0) return cell;
    // Compare cell.w/cell.h with src_w/src_h without rounding.
    long long lhs = static_cast<long long>(cell.w) * src_h;
    long long rhs = static_cast<long long>(cell.h) * src_w;
    Rect r = cell;
    if (lhs > rhs) {  // the cell is wider: bars left and right
        r.w = static_cast<int>(rhs / src_h);
        r.x = cell.x + (cell.w - r.w) / 2;
    } else {  // taller (or the same): bars above and below
        r.h = static_cast<int>(lhs / src_w);
        r.y = cell.y + (cell.h - r.h) / 2;
    }
    return r;
}

std::optional<std::pair<int, int>> parse_window_size(const std::string& text, std::string* error) {
    auto fail = [&]() -> std::optional<std::pair<int, int>> {
        if (error)
            *error = "--window-size '" + text +
                     "': want WIDTHxHEIGHT, each even and from 16 to 7680, e.g. 1280x720";
        return std::nullopt;
    };
    auto x = text.find('x');
    if (x == std::string::npos || x == 0 || x + 1 >= text.size()) return fail();
    auto number = [](const std::string& s) -> int {
        if (s.empty() || s.size() > 5) return -1;
        for (char c : s)
            if (c < '0' || c > '9') return -1;
        return std::atoi(s.c_str());
    };
    int w = number(text.substr(0, x));
    int h = number(text.substr(x + 1));
    if (w < 16 || h < 16 || w > 7680 || h > 7680 || w % 2 || h % 2) return fail();
    return std::make_pair(w, h);
}

std::string display_sink_description(const DisplayEnv& env, bool fullscreen, std::string* error) {
    if (!env.wayland_display.empty())
        return fullscreen ? "waylandsink sync=false fullscreen=true" : "waylandsink sync=false";
    // ximagesink has no full-screen mode: --window-size then sets the window to the screen's
    // size (see README, "Kiosk").
    if (!env.x11_display.empty()) return "ximagesink sync=false";
    // The console of a kiosk without a desktop: KMS always fills the screen, scaled to fit.
    if (env.dri) return "kmssink sync=false";
    if (error)
        *error =
            "--sink window: no display (neither WAYLAND_DISPLAY nor DISPLAY is set, and no "
            "/dev/dri for kmssink)";
    return {};
}

DisplayEnv current_display_env() {
    DisplayEnv env;
    if (const char* w = std::getenv("WAYLAND_DISPLAY")) env.wayland_display = w;
    if (const char* d = std::getenv("DISPLAY")) env.x11_display = d;
    std::error_code ec;
    env.dri = std::filesystem::exists("/dev/dri", ec);
    return env;
}

}  // namespace rp::media
