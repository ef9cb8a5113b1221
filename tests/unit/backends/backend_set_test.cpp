#include "backends/backend_set.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace slipway::backends {
namespace {

class NamedBackend : public Backend {
 public:
  explicit NamedBackend(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Json model_card() const override { return Json{{"id", name_}}; }
  std::shared_ptr<RequestControl> start(ApiRequest, std::shared_ptr<ResponseSink>) override {
    return nullptr;
  }
  void check_health(std::chrono::milliseconds, std::function<void(HealthStatus)> done) override {
    done(HealthStatus{true, ""});
  }
  BackendStats stats() const override { return {}; }

 private:
  std::string name_;
};

TEST(BackendSet, FindsByExactName) {
  BackendSet set;
  set.add(std::make_shared<NamedBackend>("b"));
  set.add(std::make_shared<NamedBackend>("a"));
  ASSERT_NE(set.find("a"), nullptr);
  EXPECT_EQ(set.find("a")->name(), "a");
  EXPECT_EQ(set.find("c"), nullptr);
  ASSERT_EQ(set.all().size(), 2u);
  EXPECT_EQ(set.all()[0]->name(), "a");
  set.remove("a");
  EXPECT_EQ(set.find("a"), nullptr);
}

TEST(BackendSet, ResolverMapsUnknownNames) {
  BackendSet set;
  auto demo = std::make_shared<NamedBackend>("demo");
  set.add(demo);
  std::atomic<int> calls{0};
  set.set_resolver([&calls](const std::string& name) -> std::optional<std::string> {
    ++calls;
    if (name == "demo@production" || name == "demo/3") return "demo";
    if (name == "loop") return "loop";
    if (name == "gone/1") return "gone";
    return std::nullopt;
  });
  EXPECT_EQ(set.find("demo@production"), demo);
  EXPECT_EQ(set.find("demo/3"), demo);
  EXPECT_EQ(set.find("demo@staging"), nullptr);
  EXPECT_EQ(set.find("loop"), nullptr);    // resolving to itself: still unknown
  EXPECT_EQ(set.find("gone/1"), nullptr);  // resolved to a name no backend has
  const int before = calls.load();
  EXPECT_EQ(set.find("demo"), demo);  // exact names never ask the resolver
  EXPECT_EQ(calls.load(), before);
  EXPECT_EQ(set.find_exact("demo/3"), nullptr);
  set.set_resolver(nullptr);
  EXPECT_EQ(set.find("demo/3"), nullptr);
}

TEST(BackendSet, ResolverMayRunWhileTheSetChanges) {
  BackendSet set;
  set.set_resolver([](const std::string& name) -> std::optional<std::string> {
    if (name == "m@prod") return "m";
    return std::nullopt;
  });
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto found = set.find("m@prod");
        if (found) {
          ASSERT_EQ(found->name(), "m");
        }
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    set.add(std::make_shared<NamedBackend>("m"));
    set.remove("m");
  }
  stop = true;
  for (auto& reader : readers) reader.join();
}

}  // namespace
}  // namespace slipway::backends
