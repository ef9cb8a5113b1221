#pragma once
// Internal: the subscribers of one store and the delivery of notifications to them. Both
// stores feed it from their own thread (SQLite: a poller; PostgreSQL: a LISTEN connection).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace slipway::store::detail {

class NotificationHub {
 public:
  using Callback = std::function<void(const std::string& payload)>;

  struct Subscriber {
    std::string channel;
    Callback callback;
    int64_t after_id = -1;  // deliver only notifications with a larger id (SQLite)
    std::mutex running;     // held while the callback runs
    std::atomic<bool> active{true};
  };

  std::shared_ptr<Subscriber> add(std::string channel, Callback callback, int64_t after_id);
  // Stops delivery to `subscriber`; waits for its running callback unless called from it.
  void remove(const std::shared_ptr<Subscriber>& subscriber);
  std::vector<std::string> channels() const;
  // Runs the callbacks of one notification on the calling thread; `id` -1: no id filter.
  // A callback's exception is swallowed (it must not stop delivery to the others).
  void deliver(const std::string& channel, const std::string& payload, int64_t id = -1);

 private:
  mutable std::mutex mutex_;
  std::multimap<std::string, std::shared_ptr<Subscriber>> subscribers_;
};

// The Subscription handed to callers: removes its subscriber when destroyed. Holds the hub
// by shared_ptr so it may outlive the store.
class HubSubscription : public Subscription {
 public:
  HubSubscription(std::shared_ptr<NotificationHub> hub,
                  std::shared_ptr<NotificationHub::Subscriber> subscriber)
      : hub_(std::move(hub)), subscriber_(std::move(subscriber)) {}
  ~HubSubscription() override { hub_->remove(subscriber_); }

 private:
  std::shared_ptr<NotificationHub> hub_;
  std::shared_ptr<NotificationHub::Subscriber> subscriber_;
};

}  // namespace slipway::store::detail
