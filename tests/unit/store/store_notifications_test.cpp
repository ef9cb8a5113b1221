// Change notifications on both dialects.
#include <gtest/gtest.h>

#include <thread>

#include "store_test_support.h"

namespace slipway::store::test {
namespace {

using namespace std::chrono_literals;

class StoreNotificationsTest : public StoreTest {};

TEST_P(StoreNotificationsTest, DeliveredAfterCommitOnlyAndInOrder) {
  Inbox inbox;
  auto subscription = store_->subscribe("models", inbox.callback());
  EXPECT_THROW(store_->write([](Transaction& tx) {
    tx.notify("models", "rolled back");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  store_->write([](Transaction& tx) {
    tx.notify("models", "one");
    tx.notify("other", "not mine");
    tx.notify("models", "two");
  });
  store_->write([](Transaction& tx) { tx.notify("models", "three"); });
  const auto got = inbox.wait_for(3);
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
  std::this_thread::sleep_for(200ms);  // nothing else trickles in
  EXPECT_EQ(inbox.payloads().size(), 3u);
}

TEST_P(StoreNotificationsTest, NotDeliveredBeforeCommit) {
  Inbox inbox;
  auto subscription = store_->subscribe("c", inbox.callback());
  store_->write([&](Transaction& tx) {
    tx.notify("c", "pending");
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(inbox.payloads().empty());
  });
  EXPECT_EQ(inbox.wait_for(1), (std::vector<std::string>{"pending"}));
}

TEST_P(StoreNotificationsTest, ReachOtherStoresOnTheSameDatabase) {
  auto other = open_again();  // stands for another process
  Inbox here;
  Inbox there;
  auto sub_here = store_->subscribe("ch", here.callback());
  auto sub_there = other->subscribe("ch", there.callback());
  for (int i = 0; i < 20; ++i) {
    store_->write(
        [&](Transaction& tx) { tx.notify("ch", std::string("m").append(std::to_string(i))); });
  }
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) expected.push_back(std::string("m").append(std::to_string(i)));
  EXPECT_EQ(there.wait_for(20), expected);
  EXPECT_EQ(here.wait_for(20), expected);
  // And back the other way.
  other->write([](Transaction& tx) { tx.notify("ch", "from other"); });
  EXPECT_EQ(here.wait_for(21).back(), "from other");
}

TEST_P(StoreNotificationsTest, OnlyNotificationsAfterSubscribing) {
  store_->write([](Transaction& tx) { tx.notify("late", "before"); });
  Inbox inbox;
  auto subscription = store_->subscribe("late", inbox.callback());
  store_->write([](Transaction& tx) { tx.notify("late", "after"); });
  EXPECT_EQ(inbox.wait_for(1), (std::vector<std::string>{"after"}));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(inbox.payloads(), (std::vector<std::string>{"after"}));
}

TEST_P(StoreNotificationsTest, UnsubscribingStopsDelivery) {
  Inbox kept;
  Inbox dropped;
  auto keep = store_->subscribe("u", kept.callback());
  auto drop = store_->subscribe("u", dropped.callback());
  store_->write([](Transaction& tx) { tx.notify("u", "1"); });
  EXPECT_EQ(dropped.wait_for(1).size(), 1u);
  drop.reset();
  store_->write([](Transaction& tx) { tx.notify("u", "2"); });
  EXPECT_EQ(kept.wait_for(2).size(), 2u);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(dropped.payloads().size(), 1u);
}

TEST_P(StoreNotificationsTest, UnsubscribingWaitsForARunningCallback) {
  std::atomic<bool> entered{false};
  std::atomic<bool> finished{false};
  auto subscription = store_->subscribe("slow", [&](const std::string&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    finished = true;
  });
  store_->write([](Transaction& tx) { tx.notify("slow", "x"); });
  while (!entered) std::this_thread::sleep_for(5ms);
  subscription.reset();
  EXPECT_TRUE(finished.load());
}

TEST_P(StoreNotificationsTest, ACallbackMayUnsubscribeItself) {
  std::unique_ptr<Subscription> subscription;
  std::mutex mutex;
  Inbox inbox;
  auto forward = inbox.callback();
  subscription = store_->subscribe("self", [&](const std::string& payload) {
    forward(payload);
    std::lock_guard lock(mutex);
    subscription.reset();
  });
  store_->write([](Transaction& tx) { tx.notify("self", "a"); });
  EXPECT_EQ(inbox.wait_for(1).size(), 1u);
  store_->write([](Transaction& tx) { tx.notify("self", "b"); });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(inbox.payloads().size(), 1u);
  std::lock_guard lock(mutex);  // the store thread wrote `subscription`
  subscription.reset();
}

TEST_P(StoreNotificationsTest, DestroyingTheStoreWithLiveSubscriptionsIsClean) {
  Inbox inbox;
  auto subscription = store_->subscribe("d", inbox.callback());
  store_->write([](Transaction& tx) { tx.notify("d", "x"); });
  inbox.wait_for(1);
  const auto start = std::chrono::steady_clock::now();
  store_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  subscription.reset();  // after the store: must not crash
}

TEST_P(StoreNotificationsTest, NotifyNeedsAWriteTransaction) {
  EXPECT_THROW(store_->read([](Transaction& tx) { tx.notify("r", "x"); }), StoreError);
}

INSTANTIATE_TEST_SUITE_P(Store, StoreNotificationsTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::store::test
