#include "http/request_id.h"

#include <cstdint>
#include <random>

namespace slipway::http {

std::string make_request_id(backends::Endpoint endpoint) {
  // One generator per I/O thread: no lock, and ids need uniqueness, not secrecy.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const char* prefix = "tok-";
  if (endpoint == backends::Endpoint::ChatCompletions) prefix = "chatcmpl-";
  if (endpoint == backends::Endpoint::Completions) prefix = "cmpl-";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = prefix;
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = rng();
    for (int i = 0; i < 12; ++i, bits >>= 4) id.push_back(kHex[bits & 0xF]);
  }
  return id;
}

}  // namespace slipway::http
