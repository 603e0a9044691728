#include "media/preset.h"

#include <glib.h>
#include <toml++/toml.h>

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
    toml::table root;
    try {
        root = toml::parse(text);
    } catch (const toml::parse_error& e) {
        if (error)
            *error = "line " + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description());
        return false;
    }
    // In file order, so the first mistake in the file is the one reported.
    std::vector<std::pair<const toml::key*, const toml::node*>> keys;
    for (const auto& [k, v] : root) keys.emplace_back(&k, &v);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
        const auto &x = a.first->source().begin, &y = b.first->source().begin;
        return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    out.test_source = "{test}";
    out.source = "{camera}";
    bool has_encode = false;
    for (const auto& [k, v] : keys) {
        const std::string key(k->str());
        auto fail = [&](const std::string& why) {
            if (error) *error = "line " + std::to_string(k->source().begin.line) + ": " + why;
            return false;
        };
        if (key == "requires") {
            out.required.clear();
            if (const auto* one = v->as_string()) {
                out.required.push_back(one->get());
                continue;
            }
            const toml::array* names = v->as_array();
            if (!names) return fail("'requires' takes an array of element names");
            for (const toml::node& n : *names) {
                if (!n.is_string()) return fail("'requires' takes an array of element names");
                out.required.push_back(n.as_string()->get());
            }
            continue;
        }
        if (key != "codec" && key != "source" && key != "test-source" && key != "encode")
            return fail("unknown key '" + key +
                        "' (a preset has codec, requires, source, test-source, encode)");
        const auto* value = v->as_string();
        if (!value) return fail("'" + key + "' takes one string");
        const std::string& s = value->get();
        if (key == "codec") {
            if (s != "vp8" && s != "vp9" && s != "h264")
                return fail("codec '" + s + "' is not one of vp8, vp9, h264");
            out.codec = s;
        } else if (key == "source") {
            out.source = s;
        } else if (key == "test-source") {
            out.test_source = s;
        } else {
            out.encode = s;
            has_encode = true;
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
