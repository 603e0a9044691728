#include "cli/paths.h"

#include "util/gobj.h"

#include <gio/gio.h>

#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace rp::cli {

namespace fs = std::filesystem;

// GLib's GTlsFileDatabase takes only absolute paths (with a relative one it warns and trusts
// nothing), and no path we keep should depend on where the process is when it is finally used.
std::string absolute_path(const std::string& path) {
    if (path.empty()) return path;
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    if (ec) return path;
    fs::path out;
    for (const auto& part : abs)
        if (part != ".") out /= part;
    return out.string();
}

std::string unwritable_file(const std::string& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (fs::exists(st)) {
        if (fs::is_directory(st)) return "it is a directory";
        if (access(path.c_str(), W_OK) != 0) return g_strerror(errno);
        return {};
    }
    std::string dir = fs::path(path).parent_path().string();
    if (!fs::is_directory(dir, ec)) return "there is no directory " + dir;
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        return "cannot create a file in " + dir + " (" + g_strerror(errno) + ")";
    return {};
}

// It exists and is writable, or roompeer can create it in its parent, which exists.
std::string unwritable_dir(const std::string& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (fs::exists(st)) {
        if (!fs::is_directory(st)) return "it is not a directory";
        if (access(path.c_str(), W_OK | X_OK) != 0) return g_strerror(errno);
        return {};
    }
    return unwritable_file(path);
}

// GLib's own messages ("Error while reading file", or a GLib-Net warning) name no option.
std::string unusable_ca_file(const std::string& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st)) return "no such file";
    if (fs::is_directory(st)) return "it is a directory, not a PEM file";
    if (access(path.c_str(), R_OK) != 0) return std::string("cannot read it: ") + g_strerror(errno);
    GError* raw = nullptr;
    GObjectPtr<GTlsDatabase> db(g_tls_file_database_new(path.c_str(), &raw));
    GErrorPtr err(raw);
    if (!db)
        return std::string("no PEM certificate could be read from it (") +
               (err ? err->message : "unknown error") + ")";
    return {};
}

}  // namespace rp::cli
