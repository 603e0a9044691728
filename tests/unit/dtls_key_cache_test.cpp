#define OPENSSL_SUPPRESS_DEPRECATED
#include "media/dtls_key_cache.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

namespace {

using namespace rp::media;

struct TempDir {
    std::string path;
    TempDir() {
        char* p = g_dir_make_tmp("dtls-key-XXXXXX", nullptr);
        path = p;
        g_free(p);
    }
    ~TempDir() {
        std::string cmd = "rm -rf '" + path + "'";
        EXPECT_EQ(system(cmd.c_str()), 0);
    }
};

// What the dtls plugin does: RSA_generate_key_ex(rsa, 2048, 65537), which lands in ours.
struct Generated {
    RSA* rsa = RSA_new();
    bool ok = false;
    Generated(int bits = 2048) {
        BIGNUM* e = BN_new();
        BN_set_word(e, RSA_F4);
        ok = RSA_generate_key_ex(rsa, bits, e, nullptr) == 1;
        BN_free(e);
    }
    ~Generated() { RSA_free(rsa); }
    std::string modulus() const {
        char* hex = BN_bn2hex(RSA_get0_n(rsa));
        std::string s = hex;
        OPENSSL_free(hex);
        return s;
    }
};

mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 0777;
}

TEST(DtlsKeyCache, SecondKeyComesFromTheFileTheFirstOneMade) {
    TempDir dir;
    std::string file = dir.path + "/sub/dtls.pem";
    use_dtls_key_cache(file);
    Generated first;
    ASSERT_TRUE(first.ok);
    EXPECT_FALSE(dtls_key_came_from_cache());
    EXPECT_EQ(mode_of(file), 0600u) << "the key file is private";
    EXPECT_EQ(mode_of(dir.path + "/sub"), 0700u);
    Generated second;
    ASSERT_TRUE(second.ok);
    EXPECT_TRUE(dtls_key_came_from_cache());
    EXPECT_EQ(first.modulus(), second.modulus());
    EXPECT_EQ(RSA_check_key(second.rsa), 1) << "a whole, consistent private key";
    use_dtls_key_cache("");
}

TEST(DtlsKeyCache, AFileOthersCanReadIsReplaced) {
    TempDir dir;
    std::string file = dir.path + "/dtls.pem";
    use_dtls_key_cache(file);
    Generated first;
    ASSERT_TRUE(first.ok);
    ASSERT_EQ(chmod(file.c_str(), 0644), 0);
    Generated second;
    ASSERT_TRUE(second.ok);
    EXPECT_FALSE(dtls_key_came_from_cache());
    EXPECT_NE(first.modulus(), second.modulus());
    EXPECT_EQ(mode_of(file), 0600u);
    use_dtls_key_cache("");
}

TEST(DtlsKeyCache, GarbageInTheFileMeansANewKey) {
    TempDir dir;
    std::string file = dir.path + "/dtls.pem";
    {
        std::ofstream out(file);
        out << "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
    }
    ASSERT_EQ(chmod(file.c_str(), 0600), 0);
    std::string why;
    RSA* rsa = RSA_new();
    EXPECT_FALSE(load_rsa_key(file, rsa, 2048, &why));
    EXPECT_NE(why.find("not an RSA-2048 private key"), std::string::npos) << why;
    RSA_free(rsa);
    use_dtls_key_cache(file);
    Generated key;
    ASSERT_TRUE(key.ok);
    EXPECT_FALSE(dtls_key_came_from_cache());
    RSA* again = RSA_new();
    EXPECT_TRUE(load_rsa_key(file, again, 2048, &why)) << why;
    RSA_free(again);
    use_dtls_key_cache("");
}

TEST(DtlsKeyCache, OtherKeySizesAndAnOffCacheAreLeftAlone) {
    TempDir dir;
    std::string file = dir.path + "/dtls.pem";
    use_dtls_key_cache(file);
    Generated small(1024);
    ASSERT_TRUE(small.ok);
    EXPECT_EQ(mode_of(file), 0u) << "only the dtls plugin's 2048-bit key is kept";
    use_dtls_key_cache("");
    Generated off;
    ASSERT_TRUE(off.ok);
    EXPECT_EQ(mode_of(file), 0u);
}

TEST(DtlsKeyCache, DefaultPlaceFollowsSystemdThenXdg) {
    auto saved = [](const char* name) {
        const char* v = g_getenv(name);
        return std::string(v ? v : "");
    };
    std::string saved_cache = saved("CACHE_DIRECTORY"), saved_xdg = saved("XDG_CACHE_HOME");
    g_setenv("CACHE_DIRECTORY", "/var/cache/roompeer:/other", TRUE);
    EXPECT_EQ(default_dtls_key_cache_path(), "/var/cache/roompeer/dtls-rsa2048.pem");
    g_unsetenv("CACHE_DIRECTORY");
    g_setenv("XDG_CACHE_HOME", "/tmp/xdg", TRUE);
    EXPECT_EQ(default_dtls_key_cache_path(), "/tmp/xdg/roompeer/dtls-rsa2048.pem");
    g_unsetenv("XDG_CACHE_HOME");
    if (!saved_cache.empty()) g_setenv("CACHE_DIRECTORY", saved_cache.c_str(), TRUE);
    if (!saved_xdg.empty()) g_setenv("XDG_CACHE_HOME", saved_xdg.c_str(), TRUE);
}

}  // namespace
