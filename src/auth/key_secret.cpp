// Random key secrets and ids (OpenSSL RAND_bytes) and the SHA-256 a secret is stored as.
#include "auth/key_secret.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace slipway::auth {

namespace {

constexpr std::string_view kSecretPrefix = "slp_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kSecretChars = 43;  // 32 bytes in unpadded base64url
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kHexDigits = "0123456789abcdef";

template <std::size_t N>
std::array<unsigned char, N> random_bytes() {
  std::array<unsigned char, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("cannot generate an API key: the system random source failed");
  }
  return bytes;
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string text;
  text.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    text += kHexDigits[bytes[i] >> 4];
    text += kHexDigits[bytes[i] & 0x0f];
  }
  return text;
}

// Unpadded base64url: every 3 bytes become 4 characters, a tail of 1 or 2 bytes 2 or 3.
std::string base64url(const unsigned char* bytes, std::size_t size) {
  std::string text;
  text.reserve((size * 4 + 2) / 3);
  for (std::size_t i = 0; i < size; i += 3) {
    const std::size_t left = size - i;
    uint32_t group = static_cast<uint32_t>(bytes[i]) << 16;
    if (left > 1) group |= static_cast<uint32_t>(bytes[i + 1]) << 8;
    if (left > 2) group |= bytes[i + 2];
    const std::size_t chars = left >= 3 ? 4 : left + 1;
    for (std::size_t c = 0; c < chars; ++c) text += kBase64Url[(group >> (18 - 6 * c)) & 0x3f];
  }
  return text;
}

}  // namespace

std::string generate_secret() {
  const auto bytes = random_bytes<kSecretBytes>();
  std::string secret(kSecretPrefix);
  secret.append(base64url(bytes.data(), bytes.size()));
  return secret;
}

std::string hash_secret(std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("cannot hash an API key: OpenSSL SHA-256 failed");
  }
  return hex(digest.data(), size);
}

std::string generate_key_id() {
  const auto bytes = random_bytes<8>();
  std::string id = "key_";
  id.append(hex(bytes.data(), bytes.size()));
  return id;
}

bool looks_like_secret(std::string_view text) {
  if (text.size() != kSecretPrefix.size() + kSecretChars) return false;
  if (text.substr(0, kSecretPrefix.size()) != kSecretPrefix) return false;
  return text.find_first_not_of(kBase64Url, kSecretPrefix.size()) == std::string_view::npos;
}

}  // namespace slipway::auth
