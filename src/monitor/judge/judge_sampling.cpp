// Deterministic sampling: a hash of the id, so replicas and re-runs agree on which answers the
// judge sees.
#include "monitor/judge/judge_sampling.h"

#include <openssl/evp.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace slipway::monitor {

namespace {

// The first 8 bytes of SHA-256("slipway-judge\0" + id), big-endian.
uint64_t id_hash(std::string_view response_id) {
  std::string input("slipway-judge", sizeof("slipway-judge"));  // keeps the trailing NUL
  input.append(response_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed while sampling answers for the judge");
  }
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  return value;
}

}  // namespace

bool sampled_for_judge(std::string_view response_id, double rate) {
  if (!(rate > 0)) return false;  // also NaN
  if (rate >= 1) return true;
  constexpr long double kTwoTo64 = 18446744073709551616.0L;
  return static_cast<long double>(id_hash(response_id)) < static_cast<long double>(rate) * kTwoTo64;
}

}  // namespace slipway::monitor
