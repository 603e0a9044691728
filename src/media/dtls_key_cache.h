// GStreamer 1.22's dtls elements make a new RSA-2048 key in every process, on the first call's
// critical path: 300-700 ms of CPU on a 2-core machine (perf: BN_* in libcrypto is 43% of the
// joiner's samples before its first frame). roompeer keeps that key in a private file and hands
// it back on the next start, by providing the one OpenSSL function the dtls plugin calls to make
// it (RSA_generate_key_ex, exported from the executable: see src/meson.build).
#pragma once

#include <string>

struct rsa_st;  // OpenSSL's RSA

namespace rp::media {

// Where the key is kept unless --dtls-key-cache says otherwise: $CACHE_DIRECTORY (systemd's
// CacheDirectory=), else $XDG_CACHE_HOME/roompeer, else ~/.cache/roompeer. Empty if none.
std::string default_dtls_key_cache_path();

// From now on, the dtls plugin's key comes from `path` (made there on first use, 0600, renewed
// after a week). An empty path turns the cache off: every process makes its own key again.
void use_dtls_key_cache(const std::string& path);

// True when the last key handed to the dtls plugin came from the cache file.
bool dtls_key_came_from_cache();

// The pieces, for tests. Both return false and say why instead of touching a bad file.
bool load_rsa_key(const std::string& path, rsa_st* into, int bits, std::string* why);
bool store_rsa_key(const std::string& path, const rsa_st* key, std::string* why);

}  // namespace rp::media
