// Named capture+encode presets (pipelines/presets/NAME.preset) and their placeholders.
// Parsing and expansion are pure; only find_preset() looks at the file system.
#pragma once

#include "media/options.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rp::media {

// Parses a preset file's text (TOML: codec, source, test-source, encode, requires).
bool parse_preset(const std::string& text, VideoPreset& out, std::string* error);

// Directories searched for NAME.preset, in order: $ROOMPEER_PIPELINES, the source tree when
// this binary runs from its build directory, then the installed datadir.
std::vector<std::string> preset_dirs();
// NAME, or a path to a .preset file; nullopt and *error when missing or malformed.
std::optional<VideoPreset> find_preset(const std::string& name, std::string* error);
// Names of every preset in preset_dirs(), sorted, without duplicates.
std::vector<std::string> preset_names();

// Replaces every {name} in `fragment` with vars[name]; *error names an unknown placeholder.
bool expand(const std::string& fragment, const std::map<std::string, std::string>& vars,
            std::string& out, std::string* error);

}  // namespace rp::media
