// Key secrets, their stored hash and key ids.
#include "auth/key_secret.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace slipway::auth {
namespace {

bool only(const std::string& text, std::size_t from, const char* alphabet) {
  return text.find_first_not_of(alphabet, from) == std::string::npos;
}

constexpr const char* kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

TEST(AuthSecret, IsSlpAnd43Base64UrlCharacters) {
  const std::string secret = generate_secret();
  ASSERT_EQ(secret.size(), 47u) << secret;
  EXPECT_EQ(secret.substr(0, 4), "slp_");
  EXPECT_TRUE(only(secret, 4, kBase64Url)) << secret;
  EXPECT_TRUE(looks_like_secret(secret));
}

TEST(AuthSecret, EverySecretAndIdIsNew) {
  std::set<std::string> secrets, ids;
  for (int i = 0; i < 200; ++i) {
    secrets.insert(generate_secret());
    ids.insert(generate_key_id());
  }
  EXPECT_EQ(secrets.size(), 200u);
  EXPECT_EQ(ids.size(), 200u);
}

TEST(AuthSecret, HashIsTheSha256OfTheWholeSecretInLowercaseHex) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_secret(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string secret = generate_secret();
  EXPECT_EQ(hash_secret(secret), hash_secret(secret));
  EXPECT_NE(hash_secret(secret), hash_secret(secret.substr(0, 46)));
}

TEST(AuthSecret, IdIsKeyAnd16HexCharacters) {
  const std::string id = generate_key_id();
  ASSERT_EQ(id.size(), 20u) << id;
  EXPECT_EQ(id.substr(0, 4), "key_");
  EXPECT_TRUE(only(id, 4, "0123456789abcdef")) << id;
}

TEST(AuthSecret, LooksLikeSecretTellsOurFormatFromOthers) {
  const std::string secret = generate_secret();
  EXPECT_FALSE(looks_like_secret(""));
  EXPECT_FALSE(looks_like_secret(secret.substr(0, 46)));
  EXPECT_FALSE(looks_like_secret(secret + "A"));
  EXPECT_FALSE(looks_like_secret("sk-" + secret.substr(3)));
  std::string bad = secret;
  bad[10] = '+';
  EXPECT_FALSE(looks_like_secret(bad));
}

}  // namespace
}  // namespace slipway::auth
