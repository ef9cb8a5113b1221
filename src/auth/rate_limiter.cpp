// Token buckets per key: a minute's allowance, refilled continuously.
#include "auth/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace slipway::auth {

namespace {

constexpr double kMsPerMinute = 60'000.0;
// Refills are floating point: a bucket within this of the threshold has reached it.
constexpr double kSlack = 1e-9;

double refill_ms(double missing, int64_t per_minute) {
  return missing * kMsPerMinute / static_cast<double>(per_minute);
}

RateDecision refused(const char* limit, int64_t limit_value, int64_t retry_after_seconds) {
  return RateDecision{false, std::max<int64_t>(1, retry_after_seconds), limit, limit_value};
}

int64_t whole_remaining(double level) {
  return std::max<int64_t>(0, static_cast<int64_t>(std::floor(level + kSlack)));
}

}  // namespace

int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RateLimiter::RateLimiter(SteadyMs clock) : clock_(std::move(clock)) {}

void RateLimiter::refill(Bucket& bucket, int64_t per_minute, int64_t now_ms) {
  const double capacity = static_cast<double>(per_minute);
  if (!bucket.started) {  // a key's first request finds a full minute's allowance
    bucket = Bucket{capacity, now_ms, true};
    return;
  }
  const int64_t elapsed_ms = std::max<int64_t>(0, now_ms - bucket.at_ms);
  bucket.level =
      std::min(capacity, bucket.level + static_cast<double>(elapsed_ms) * capacity / kMsPerMinute);
  bucket.at_ms = std::max(bucket.at_ms, now_ms);
}

RateDecision RateLimiter::admit(const std::string& key_id, const KeyLimits& limits) {
  if (limits.requests_per_minute <= 0 && limits.tokens_per_minute <= 0) return {};
  const int64_t now_ms = clock_();
  std::lock_guard lock(mutex_);
  KeyBuckets& buckets = keys_[key_id];
  if (limits.requests_per_minute > 0) {
    refill(buckets.requests, limits.requests_per_minute, now_ms);
    if (buckets.requests.level < 1 - kSlack) {
      const double wait_ms = refill_ms(1 - buckets.requests.level, limits.requests_per_minute);
      return refused("requests_per_minute", limits.requests_per_minute,
                     static_cast<int64_t>(std::ceil(wait_ms / 1000 - kSlack)));
    }
  }
  if (limits.tokens_per_minute > 0) {
    refill(buckets.tokens, limits.tokens_per_minute, now_ms);
    if (buckets.tokens.level <= kSlack) {
      // Allowed only once the debt is paid and a little more: strictly after reaching zero.
      const double wait_ms = refill_ms(-buckets.tokens.level, limits.tokens_per_minute);
      return refused("tokens_per_minute", limits.tokens_per_minute,
                     static_cast<int64_t>(std::floor(wait_ms / 1000 + kSlack)) + 1);
    }
  }
  if (limits.requests_per_minute > 0) buckets.requests.level -= 1;
  return {};
}

void RateLimiter::charge_tokens(const std::string& key_id, const KeyLimits& limits,
                                int64_t tokens) {
  if (limits.tokens_per_minute <= 0 || tokens <= 0) return;
  const int64_t now_ms = clock_();
  std::lock_guard lock(mutex_);
  Bucket& bucket = keys_[key_id].tokens;
  refill(bucket, limits.tokens_per_minute, now_ms);
  bucket.level -= static_cast<double>(tokens);
}

int64_t RateLimiter::remaining(const std::string& key_id, int64_t per_minute,
                               Bucket KeyBuckets::*which) {
  if (per_minute <= 0) return -1;
  const int64_t now_ms = clock_();
  std::lock_guard lock(mutex_);
  Bucket& bucket = keys_[key_id].*which;
  refill(bucket, per_minute, now_ms);
  return whole_remaining(bucket.level);
}

int64_t RateLimiter::remaining_requests(const std::string& key_id, const KeyLimits& limits) {
  return remaining(key_id, limits.requests_per_minute, &KeyBuckets::requests);
}

int64_t RateLimiter::remaining_tokens(const std::string& key_id, const KeyLimits& limits) {
  return remaining(key_id, limits.tokens_per_minute, &KeyBuckets::tokens);
}

}  // namespace slipway::auth
