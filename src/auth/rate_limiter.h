#pragma once
// Per-key rate limits: requests per minute and tokens per minute, each a token bucket that
// holds a minute's allowance and refills continuously. A request takes one request token at
// admission; its tokens (prompt + completion) are charged when it ends, so the bucket may go
// below zero, and a key in debt is refused until it has refilled. A refusal says how many
// seconds until the request would pass (HTTP `retry-after`). Limits are per server process:
// replicas each enforce them (documented). Thread-safe; the clock is injectable.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/api_key.h"

namespace slipway::auth {

using SteadyMs = std::function<int64_t()>;  // a monotonic clock in milliseconds
int64_t steady_now_ms();

struct RateDecision {
  bool allowed = true;
  int64_t retry_after_seconds = 0;  // >= 1 when refused
  std::string limit;                // refused by: "requests_per_minute" | "tokens_per_minute"
  int64_t limit_value = 0;
};

class RateLimiter {
 public:
  explicit RateLimiter(SteadyMs clock = steady_now_ms);
  // limits with 0 for a field: that field is not limited.
  RateDecision admit(const std::string& key_id, const KeyLimits& limits);
  void charge_tokens(const std::string& key_id, const KeyLimits& limits, int64_t tokens);
  // Remaining allowance now (for x-ratelimit-remaining-* headers); -1 when not limited.
  int64_t remaining_requests(const std::string& key_id, const KeyLimits& limits);
  int64_t remaining_tokens(const std::string& key_id, const KeyLimits& limits);

 private:
  struct Bucket {
    double level = 0;
    int64_t at_ms = 0;
    bool started = false;
  };
  struct KeyBuckets {
    Bucket requests, tokens;
  };
  void refill(Bucket& bucket, int64_t per_minute, int64_t now_ms);
  int64_t remaining(const std::string& key_id, int64_t per_minute, Bucket KeyBuckets::*which);
  SteadyMs clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, KeyBuckets> keys_;
};

// Model requests in flight per key. acquire() returns a lease (released on destruction) or
// nothing when the key already has `max` in flight (max 0: unlimited).
class StreamCounter {
 public:
  class Lease {
   public:
    Lease() = default;
    Lease(StreamCounter* owner, std::string key_id);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

   private:
    StreamCounter* owner_ = nullptr;
    std::string key_id_;
  };
  std::optional<Lease> acquire(const std::string& key_id, int64_t max);
  int64_t in_flight(const std::string& key_id) const;

 private:
  void release(const std::string& key_id);
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> counts_;
};

}  // namespace slipway::auth
