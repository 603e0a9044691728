#define OPENSSL_SUPPRESS_DEPRECATED  // the RSA_* calls below are the ones GStreamer 1.22 makes

#include "media/dtls_key_cache.h"

#include "util/log.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace rp::media {
namespace {

// A week: long enough that restarts and CI runs reuse it, short enough that a leaked file
// stops mattering soon.
constexpr time_t kKeyLifetimeS = 7 * 24 * 3600;

std::mutex g_mutex;
std::string g_path;  // guarded by g_mutex; empty: cache off
std::atomic<bool> g_from_cache{false};

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

using GenerateFn = int (*)(RSA*, int, BIGNUM*, BN_GENCB*);

GenerateFn openssl_generate() {
    static GenerateFn fn = [] {
        void* p = dlvsym(RTLD_NEXT, "RSA_generate_key_ex", "OPENSSL_3.0.0");
        if (!p) p = dlsym(RTLD_NEXT, "RSA_generate_key_ex");
        return reinterpret_cast<GenerateFn>(p);
    }();
    return fn;
}

bool copy_rsa(const RSA* from, RSA* to) {
    const BIGNUM *n, *e, *d, *p, *q, *dmp1, *dmq1, *iqmp;
    RSA_get0_key(from, &n, &e, &d);
    RSA_get0_factors(from, &p, &q);
    RSA_get0_crt_params(from, &dmp1, &dmq1, &iqmp);
    if (!n || !e || !d || !p || !q || !dmp1 || !dmq1 || !iqmp) return false;
    return RSA_set0_key(to, BN_dup(n), BN_dup(e), BN_dup(d)) &&
           RSA_set0_factors(to, BN_dup(p), BN_dup(q)) &&
           RSA_set0_crt_params(to, BN_dup(dmp1), BN_dup(dmq1), BN_dup(iqmp));
}

int generate_or_load(RSA* rsa, int bits, BIGNUM* e, BN_GENCB* cb) {
    GenerateFn generate = openssl_generate();
    std::string path;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        path = g_path;
    }
    g_from_cache = false;
    if (path.empty() || bits != 2048 || !e || !BN_is_word(e, RSA_F4))
        return generate ? generate(rsa, bits, e, cb) : 0;
    std::string why;
    if (load_rsa_key(path, rsa, bits, &why)) {
        g_from_cache = true;
        log::debug("DTLS key from %s", path.c_str());
        return 1;
    }
    log::debug("DTLS key: %s; making a new one", why.c_str());
    if (!generate || !generate(rsa, bits, e, cb)) return 0;
    if (!store_rsa_key(path, rsa, &why)) log::debug("DTLS key not cached: %s", why.c_str());
    return 1;
}

}  // namespace

std::string default_dtls_key_cache_path() {
    const char* file = "dtls-rsa2048.pem";
    if (const char* dir = g_getenv("CACHE_DIRECTORY"); dir && *dir) {
        // systemd may list several, separated by ':'; the first is ours.
        std::string first(dir);
        first = first.substr(0, first.find(':'));
        return first + "/" + file;
    }
    const char* home = g_get_home_dir();
    const char* xdg = g_getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/') return std::string(xdg) + "/roompeer/" + file;
    if (home && *home == '/') return std::string(home) + "/.cache/roompeer/" + file;
    return {};
}

void use_dtls_key_cache(const std::string& path) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_path = path;
}

bool dtls_key_came_from_cache() {
    return g_from_cache;
}

bool load_rsa_key(const std::string& path, RSA* into, int bits, std::string* why) {
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        *why = path + ": " + g_strerror(errno);
        return false;
    }
    struct stat st {};
    // A private key others could read or write is no longer private: make a new one.
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) != 0) {
        close(fd);
        *why = path + ": not a private file of this user";
        return false;
    }
    if (time(nullptr) - st.st_mtime > kKeyLifetimeS) {
        close(fd);
        *why = path + ": older than a week";
        return false;
    }
    FILE* f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        *why = path + ": " + g_strerror(errno);
        return false;
    }
    PkeyPtr pkey(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
    fclose(f);
    const RSA* key = pkey ? EVP_PKEY_get0_RSA(pkey.get()) : nullptr;
    bool ok = key && RSA_bits(key) == bits && copy_rsa(key, into);
    if (!ok) *why = path + ": not an RSA-" + std::to_string(bits) + " private key";
    return ok;
}

bool store_rsa_key(const std::string& path, const RSA* key, std::string* why) {
    std::string dir = path.substr(0, path.rfind('/'));
    if (!dir.empty() && g_mkdir_with_parents(dir.c_str(), 0700) != 0) {
        *why = dir + ": " + g_strerror(errno);
        return false;
    }
    std::string tmp = path + ".tmp" + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        *why = tmp + ": " + g_strerror(errno);
        return false;
    }
    FILE* f = fdopen(fd, "w");
    PkeyPtr pkey(EVP_PKEY_new());
    bool ok = f && pkey && EVP_PKEY_set1_RSA(pkey.get(), const_cast<RSA*>(key)) &&
              PEM_write_PrivateKey(f, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) &&
              fflush(f) == 0 && fsync(fd) == 0;
    if (f)
        fclose(f);
    else
        close(fd);
    // Atomic: a concurrent roompeer reads the old key or the new one, never half of one.
    if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
        *why = path + ": " + (ok ? g_strerror(errno) : "cannot write the key");
        g_unlink(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace rp::media

// The dtls plugin's call lands here rather than in libcrypto: the executable exports this
// symbol, and the dynamic linker searches the executable first.
extern "C" int RSA_generate_key_ex(RSA* rsa, int bits, BIGNUM* e, BN_GENCB* cb) {
    return rp::media::generate_or_load(rsa, bits, e, cb);
}
