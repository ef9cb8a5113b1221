#pragma once
// The sticky split. A user id is hashed with the rollout's salt into one of 10,000 buckets;
// buckets below the canary weight (in basis points) go to the canary. Raising the weight only
// moves users from stable to canary, never back, and a new salt per rollout reshuffles users
// so the same people are not always the first canaries.
#include <cstdint>
#include <string>
#include <string_view>

namespace slipway::traffic {

constexpr int32_t kBuckets = 10'000;  // one bucket is 0.01% of traffic

// Deterministic across processes, platforms and releases (SHA-256 of salt, a separator and
// the user, first 8 bytes big-endian, modulo kBuckets).
int32_t user_bucket(std::string_view salt, std::string_view user);
// True when a request in `bucket` goes to the canary at `weight_bp` (0..10,000).
inline bool bucket_in_canary(int32_t bucket, int32_t weight_bp) {
  return bucket < weight_bp;
}
// A fresh random salt (16 hex digits) for a new rollout.
std::string new_salt();
// A uniformly random bucket for requests without a user id (thread-safe, no lock).
int32_t random_bucket();

// Percent as users write it (0-100, up to two decimals) to basis points; throws
// TrafficError(Invalid) outside 0-100 or for NaN.
int32_t percent_to_bp(double percent);
double bp_to_percent(int32_t bp);

}  // namespace slipway::traffic
