#include "store/notification_hub.h"

namespace slipway::store::detail {

namespace {
// The subscriber whose callback runs on this thread, so that unsubscribing from inside the
// callback does not wait for itself.
thread_local const NotificationHub::Subscriber* running_here = nullptr;
}  // namespace

std::shared_ptr<NotificationHub::Subscriber> NotificationHub::add(std::string channel,
                                                                  Callback callback,
                                                                  int64_t after_id) {
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->channel = std::move(channel);
  subscriber->callback = std::move(callback);
  subscriber->after_id = after_id;
  std::lock_guard lock(mutex_);
  subscribers_.emplace(subscriber->channel, subscriber);
  return subscriber;
}

void NotificationHub::remove(const std::shared_ptr<Subscriber>& subscriber) {
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = subscribers_.equal_range(subscriber->channel);
    for (auto it = begin; it != end; ++it) {
      if (it->second == subscriber) {
        subscribers_.erase(it);
        break;
      }
    }
  }
  if (running_here == subscriber.get()) {
    subscriber->active = false;
    return;
  }
  std::lock_guard wait_for_callback(subscriber->running);
  subscriber->active = false;
}

std::vector<std::string> NotificationHub::channels() const {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (auto it = subscribers_.begin(); it != subscribers_.end();
       it = subscribers_.upper_bound(it->first)) {
    out.push_back(it->first);
  }
  return out;
}

void NotificationHub::deliver(const std::string& channel, const std::string& payload, int64_t id) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = subscribers_.equal_range(channel);
    for (auto it = begin; it != end; ++it) targets.push_back(it->second);
  }
  for (const auto& subscriber : targets) {
    if (id >= 0 && id <= subscriber->after_id) continue;
    std::lock_guard lock(subscriber->running);
    if (!subscriber->active) continue;
    running_here = subscriber.get();
    try {
      subscriber->callback(payload);
    } catch (...) {
      // A failing subscriber must not stop the others.
    }
    running_here = nullptr;
  }
}

}  // namespace slipway::store::detail
