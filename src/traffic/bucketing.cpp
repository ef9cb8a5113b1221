#include "traffic/bucketing.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "traffic/traffic_error.h"

namespace slipway::traffic {

int32_t user_bucket(std::string_view salt, std::string_view user) {
  std::string input;
  input.reserve(salt.size() + 1 + user.size());
  input.append(salt);
  input.push_back('\0');  // "ab"+"c" and "a"+"bc" must differ
  input.append(user);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  uint64_t head = 0;
  for (int i = 0; i < 8; ++i) head = (head << 8) | digest[i];
  return static_cast<int32_t>(head % kBuckets);
}

namespace {
std::mt19937_64& thread_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}
}  // namespace

std::string new_salt() {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(thread_rng()()));
  return text;
}

int32_t random_bucket() {
  std::uniform_int_distribution<int32_t> dist(0, kBuckets - 1);
  return dist(thread_rng());
}

int32_t percent_to_bp(double percent) {
  if (!std::isfinite(percent) || percent < 0 || percent > 100) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", percent);
    throw TrafficError(
        TrafficError::Code::Invalid,
        std::string("A weight must be a percentage from 0 to 100, got ") + shown + ".");
  }
  return static_cast<int32_t>(std::lround(percent * 100));
}

double bp_to_percent(int32_t bp) {
  return bp / 100.0;
}

}  // namespace slipway::traffic
