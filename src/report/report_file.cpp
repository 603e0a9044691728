#include "report/report_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace rp {

// A regular file is replaced atomically (FILE.tmp, then rename), so a reader never sees half a
// report; anything else is written in place, never replaced.
bool write_report_file(const std::string& path, const std::string& text, std::string* error) {
    auto fail = [&] {
        if (error) *error = std::strerror(errno ? errno : EIO);
        return false;
    };
    errno = 0;
    if (path == "-") {
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) return fail();
        return std::fflush(stdout) == 0 || fail();
    }
    struct stat st {};
    bool special = stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    if (special) {
        std::ofstream out(path, std::ios::binary);
        out << text;
        return static_cast<bool>(out.flush()) || fail();
    }
    std::string tmp = path + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return fail();
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        std::remove(tmp.c_str());
        errno = saved;
        return fail();
    }
    return true;
}

}  // namespace rp
