// --sink window: one window for the whole room. Every member's decoded video goes into one
// `compositor`, tiled in a grid (media/grid_layout.h) at --window-size, each tile labelled
// with the member's name (or id) and kept at its aspect. A member whose video is not flowing
// (connecting, frozen for a second, gone) shows a card saying so instead of its last frame.
// Main-loop object; streaming threads only stamp the time of a member's last frame.
#pragma once

#include "media/grid_layout.h"
#include "util/gobj.h"

#include <gst/gst.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace rp::media {

class VideoWall {
  public:
    struct Config {
        int width = 1280;
        int height = 720;
        int fps = 30;
        int latency_ms = 50;  // the receivers' jitter buffer: frames arrive this late
        // The display sink as gst-launch text; empty: display_sink_description() of this
        // machine. Tests give an appsink here.
        std::string sink;
        bool fullscreen = false;
    };
    enum class TileState { Connecting, Live, Frozen, Gone, NoVideo };  // in this order: kCardText

    // Main loop: the compositor, its background and the display sink, added to `pipeline`
    // (which outlives the wall) and started with it. Null and *error (what is missing, its
    // Debian package) when they cannot be made.
    static std::shared_ptr<VideoWall> create(GstElement* pipeline, const Config& cfg,
                                             std::string* error);
    ~VideoWall();
    VideoWall(const VideoWall&) = delete;
    VideoWall& operator=(const VideoWall&) = delete;

    // Main loop. A tile for `peer` labelled `label` (a card "connecting" until video flows);
    // the grid re-lays itself out. Again for a member already there: only takes the label and
    // brings a gone member back.
    void add_member(const std::string& peer, const std::string& label);
    // The member's name became known: the tile's label, when it has one.
    void set_label(const std::string& peer, const std::string& label);
    // Its call is up and it sends video or not (then the card says "no video").
    void set_sends_video(const std::string& peer, bool sends);
    // Its call ended: the card says "gone" and the tile leaves after a few seconds unless the
    // member comes back (add_member).
    void member_gone(const std::string& peer);
    // The tile leaves now; the others take its place.
    void remove_member(const std::string& peer);
    // Links `src` (raw video, any size) into the member's tile (adding the member if needed);
    // *token names this attachment for detach_video. False and *error when an element is
    // missing or the link fails.
    bool attach_video(const std::string& peer, GstPad* src, std::string* error,
                      unsigned* token = nullptr);
    // Unlinks the member's video (the attachment `token` names, when not 0: a newer call's
    // video stays); `src`'s element must be stopped or gone. Its card shows.
    void detach_video(const std::string& peer, unsigned token = 0);

    // For tests and logs: the tiles in layout order, their cells, their states.
    std::vector<std::string> members() const;
    std::vector<Rect> cells() const {
        return grid_cells(static_cast<int>(tiles_.size()), cfg_.width, cfg_.height);
    }
    TileState state(const std::string& peer) const;
    GstElement* sink() const { return sink_.get(); }

  private:
    struct Tile;
    VideoWall(GstElement* pipeline, const Config& cfg);
    bool build(std::string* error);
    GstElement* add(std::vector<BinElement>& owner, const char* factory, std::string* error);
    Tile* find(const std::string& peer) const;
    void relayout();
    void check_tiles();  // every 250 ms: live or frozen
    void show(Tile& t, TileState s);
    void drop(const std::string& peer);

    GstElement* pipeline_;  // borrowed
    Config cfg_;
    std::vector<BinElement> base_;  // background, compositor, caps, display
    GstElement* compositor_ = nullptr;
    BinElement sink_;
    RequestPad background_pad_;
    std::vector<std::unique_ptr<Tile>> tiles_;  // in join order: the grid's order
    SourceId timer_;
};

const char* tile_state_name(VideoWall::TileState s);

}  // namespace rp::media
