#pragma once
// Helpers of the embedded backend's tests: a sink that records every call, and real tiny
// model folders written by the slipway binary.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/embedded/json_fields.h"
#include "test_dir.h"

namespace slipway::backends::test {

class RecordingSink : public ResponseSink {
 public:
  void on_chunk(Json chunk) override {
    record("chunk", [&] { chunks.push_back(std::move(chunk)); });
  }
  void on_response(Json body) override {
    record("response", [&] { response = std::move(body); });
  }
  void on_error(ApiError e) override {
    record("error", [&] { error = std::move(e); });
  }
  void on_done(const CompletionStats& s) override {
    record("done", [&] { stats = s; });
    cv_.notify_all();
  }

  bool wait_done(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return stats.has_value(); });
  }
  // "chunk*,response,done"-like summary of the call order.
  std::string order() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& call : calls) out += (out.empty() ? "" : ",") + call;
    return out;
  }

  std::vector<Json> chunks;
  std::optional<Json> response;
  std::optional<ApiError> error;
  std::optional<CompletionStats> stats;
  std::vector<std::string> calls;
  int done_calls = 0;

 private:
  template <class F>
  void record(const char* name, F&& f) {
    std::lock_guard lock(mutex_);
    // Nothing may follow on_done().
    if (stats.has_value()) ADD_FAILURE() << name << " after on_done";
    calls.push_back(name);
    if (std::string(name) == "done") ++done_calls;
    f();
  }
  std::mutex mutex_;
  std::condition_variable cv_;
};

inline std::filesystem::path test_dir(const std::string& name) {
  return ::slipway::test::fresh_test_dir("embedded", name);
}

// The RequestError a parse throws (a test failure when it throws none).
template <class F>
ApiError error_of(F&& f) {
  try {
    f();
  } catch (const RequestError& e) {
    return e.error();
  }
  ADD_FAILURE() << "no error";
  return {};
}

// The slipway binary that writes model folders: the build's own, or $SLIPWAY_BINARY (e.g. while
// the build's binary cannot link because another part is half-written).
inline std::string slipway_binary() {
  const char* env = std::getenv("SLIPWAY_BINARY");
  return env != nullptr && *env != '\0' ? env : SLIPWAY_BINARY;
}

// A real random-weight model folder (Llama-3-style tokenizer and chat template).
inline std::filesystem::path tiny_model(const std::string& name, int seed = 1) {
  const auto dir = test_dir(name) / "model";
  const std::string command = "\"" + slipway_binary() + "\" tiny-model \"" + dir.string() +
                              "\" --preset tiny --arch llama --seed " + std::to_string(seed) +
                              " > /dev/null";
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "failed: " << command;
  }
  return dir;
}

}  // namespace slipway::backends::test
