// Model requests in flight per key, released by a lease's destructor.
#include <utility>

#include "auth/rate_limiter.h"

namespace slipway::auth {

StreamCounter::Lease::Lease(StreamCounter* owner, std::string key_id)
    : owner_(owner), key_id_(std::move(key_id)) {}

StreamCounter::Lease::Lease(Lease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), key_id_(std::move(other.key_id_)) {}

StreamCounter::Lease& StreamCounter::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->release(key_id_);
    owner_ = std::exchange(other.owner_, nullptr);
    key_id_ = std::move(other.key_id_);
  }
  return *this;
}

StreamCounter::Lease::~Lease() {
  if (owner_ != nullptr) owner_->release(key_id_);
}

std::optional<StreamCounter::Lease> StreamCounter::acquire(const std::string& key_id, int64_t max) {
  std::lock_guard lock(mutex_);
  int64_t& count = counts_[key_id];
  if (max > 0 && count >= max) {
    if (count == 0) counts_.erase(key_id);
    return std::nullopt;
  }
  ++count;
  return Lease(this, key_id);
}

int64_t StreamCounter::in_flight(const std::string& key_id) const {
  std::lock_guard lock(mutex_);
  const auto found = counts_.find(key_id);
  return found == counts_.end() ? 0 : found->second;
}

void StreamCounter::release(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  const auto found = counts_.find(key_id);
  if (found == counts_.end()) return;
  if (--found->second <= 0) counts_.erase(found);
}

}  // namespace slipway::auth
