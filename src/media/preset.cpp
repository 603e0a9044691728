#include "media/preset.h"

#include "cli/toml.h"

#include <glib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#ifndef ROOMPEER_PRESETS_SOURCE_DIR
#define ROOMPEER_PRESETS_SOURCE_DIR ""
#endif
#ifndef ROOMPEER_BUILD_DIR
#define ROOMPEER_BUILD_DIR ""
#endif
#ifndef ROOMPEER_PRESETS_INSTALL_DIR
#define ROOMPEER_PRESETS_INSTALL_DIR "/usr/local/share/roompeer/pipelines/presets"
#endif

namespace rp::media {

namespace fs = std::filesystem;

bool parse_preset(const std::string& text, VideoPreset& out, std::string* error) {
    std::vector<toml::Entry> entries;
    if (!toml::parse(text, entries, error)) return false;
    out.test_source = "{test}";
    out.source = "{camera}";
    bool has_encode = false;
    for (const auto& e : entries) {
        auto fail = [&](const std::string& why) {
            if (error) *error = "line " + std::to_string(e.line) + ": " + why;
            return false;
        };
        if (e.key == "requires") {
            out.required = e.values;
            continue;
        }
        if (e.array) return fail("'" + e.key + "' takes one string");
        const std::string& v = e.values.front();
        if (e.key == "codec") {
            if (v != "vp8" && v != "vp9" && v != "h264")
                return fail("codec '" + v + "' is not one of vp8, vp9, h264");
            out.codec = v;
        } else if (e.key == "source") {
            out.source = v;
        } else if (e.key == "test-source") {
            out.test_source = v;
        } else if (e.key == "encode") {
            out.encode = v;
            has_encode = true;
        } else {
            return fail("unknown key '" + e.key +
                        "' (a preset has codec, requires, source, test-source, encode)");
        }
    }
    if (!has_encode || out.encode.empty()) {
        if (error) *error = "no 'encode' fragment";
        return false;
    }
    return true;
}

std::vector<std::string> preset_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = g_getenv("ROOMPEER_PIPELINES"); env && *env)
        dirs.push_back(std::string(env));
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::string build = ROOMPEER_BUILD_DIR;
    // A binary inside the build tree runs with the presets next to its sources, so a fresh
    // checkout works without `meson install`.
    if (!ec && !build.empty() && exe.string().rfind(build, 0) == 0)
        dirs.push_back(ROOMPEER_PRESETS_SOURCE_DIR);
    dirs.push_back(ROOMPEER_PRESETS_INSTALL_DIR);
    return dirs;
}

std::optional<VideoPreset> find_preset(const std::string& name, std::string* error) {
    std::string path;
    if (name.find('/') != std::string::npos) {
        path = name;
    } else {
        for (const auto& dir : preset_dirs()) {
            std::string candidate = dir + "/" + name + ".preset";
            if (fs::is_regular_file(candidate)) {
                path = candidate;
                break;
            }
        }
    }
    if (path.empty() || !fs::is_regular_file(path)) {
        if (error) {
            std::string names;
            for (const auto& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
            std::string dirs;
            for (const auto& d : preset_dirs()) dirs += (dirs.empty() ? "" : ", ") + d;
            *error = "no preset '" + name + "' (available: " + (names.empty() ? "none" : names) +
                     "; looked in " + dirs + ")";
        }
        return std::nullopt;
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    VideoPreset preset;
    std::string why;
    if (!in || !parse_preset(text.str(), preset, &why)) {
        if (error) *error = path + ": " + (why.empty() ? "cannot read it" : why);
        return std::nullopt;
    }
    preset.name = fs::path(path).stem().string();
    preset.path = path;
    return preset;
}

std::vector<std::string> preset_names() {
    std::set<std::string> names;
    for (const auto& dir : preset_dirs()) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.path().extension() == ".preset") names.insert(entry.path().stem().string());
    }
    return {names.begin(), names.end()};
}

bool expand(const std::string& fragment, const std::map<std::string, std::string>& vars,
            std::string& out, std::string* error) {
    out.clear();
    size_t pos = 0;
    while (pos < fragment.size()) {
        size_t open = fragment.find('{', pos);
        if (open == std::string::npos) break;
        size_t close = fragment.find('}', open);
        if (close == std::string::npos) break;
        std::string name = fragment.substr(open + 1, close - open - 1);
        auto it = vars.find(name);
        bool placeholder = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || c == '_';
        });
        out += fragment.substr(pos, open - pos);
        if (!placeholder) {
            out += '{';
            pos = open + 1;
            continue;
        }
        if (it == vars.end()) {
            if (error) *error = "unknown placeholder {" + name + "}";
            return false;
        }
        out += it->second;
        pos = close + 1;
    }
    out += fragment.substr(pos);
    return true;
}

}  // namespace rp::media
