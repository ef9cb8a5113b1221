#pragma once
// Drift slot tests run against both dialects: a fresh SQLite file or a fresh PostgreSQL
// database per test, a clock the test sets, and short phrase lists the tests can reason about.
#include <memory>
#include <string>

#include "monitor/drift/drift_recorder.h"
#include "monitor_store_fixture.h"

namespace slipway::monitor::test {

inline std::shared_ptr<const PhraseMatcher> test_phrases() {
  PhraseLists lists;
  lists.refusal = {"I can't help"};
  lists.uncertainty = {"not sure"};
  lists.stopwords = {"the", "and", "with"};
  return std::make_shared<const PhraseMatcher>(lists);
}

// A plain answer of `route` on "support/1", "stable", arriving at `created_ms`.
inline ObservedAnswer answer(const std::string& route = "support", int64_t created_ms = kDec1,
                             const std::string& response = "Restart the router",
                             const std::string& prompt = "router offline") {
  ObservedAnswer observed;
  observed.id = "chatcmpl-1";
  observed.route = route;
  observed.version = route + "/1";
  observed.arm = "stable";
  observed.prompt = prompt;
  observed.response = response;
  observed.finish_reason = "stop";
  observed.completion_tokens = 12;
  observed.created_ms = created_ms;
  return observed;
}

class DriftStoreTest : public MonitorStoreFixture {
 protected:
  DriftStoreTest() { now_ms_ = kDec1 + kMinute; }

  void SetUp() override {
    open_store({"monitor_drift_store", "drift.db", "mdrift"}, Tables::Empty);
  }

  // The flush thread stays asleep (an hour of real time): tests flush when they mean to.
  DriftRecorderOptions quiet(const std::string& replica = "replica-a") {
    DriftRecorderOptions options;
    options.flush_interval_ms = 3'600'000;
    options.replica_id = replica;
    return options;
  }

  std::unique_ptr<DriftRecorder> recorder(DriftRecorderOptions options) {
    return std::make_unique<DriftRecorder>(*store_, test_phrases(), std::move(options), clock());
  }

  DriftSample read(DriftQuery query = {}) {
    if (query.route.empty()) query.route = "support";
    return read_drift_sample(*store_, query);
  }
};

}  // namespace slipway::monitor::test
