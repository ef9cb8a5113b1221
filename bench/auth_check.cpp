// What a request pays for security before it reaches a model: the key check (one SHA-256 and
// one map lookup in the KeyRing) and the rate limiter's admission, against the baseline of
// parsing a small chat request body, which every request pays anyway.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/key_ring.h"
#include "auth/rate_limiter.h"
#include "store/store.h"

namespace {

using namespace slipway;

constexpr const char* kChatBody =
    R"({"model":"support-bot","messages":[{"role":"system","content":"You are helpful."},)"
    R"({"role":"user","content":"Where is my order #1234? It was due yesterday."}],)"
    R"("max_tokens":256,"temperature":0.7,"stream":true})";

struct Keys {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::shared_ptr<auth::KeyStore> key_store;
  std::unique_ptr<auth::KeyRing> ring;
  std::string secret;

  explicit Keys(int count) {
    dir = std::filesystem::temp_directory_path() /
          ("slipway-auth-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = store::Store::open((dir / "slipway.db").string());
    key_store = std::make_shared<auth::KeyStore>(*store);
    for (int i = 0; i < count; ++i) {
      auth::KeyRequest request;
      request.name = "key-" + std::to_string(i);
      request.scopes = auth::kAllScopes;
      secret = key_store->create(request, "bench").secret;
    }
    ring = std::make_unique<auth::KeyRing>(key_store, std::nullopt);
  }
  ~Keys() {
    ring.reset();
    key_store.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

void BM_ParseChatBody(benchmark::State& state) {
  for (auto _ : state) {
    auto body = nlohmann::ordered_json::parse(kChatBody);
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_ParseChatBody);

void BM_AuthenticateKey(benchmark::State& state) {
  Keys keys(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto identity = keys.ring->authenticate(keys.secret);
    benchmark::DoNotOptimize(identity);
  }
}
BENCHMARK(BM_AuthenticateKey)->Arg(10)->Arg(1000);

void BM_AdmitRequest(benchmark::State& state) {
  auth::RateLimiter limiter;
  const auth::KeyLimits limits{1'000'000'000, 1'000'000'000, 0};
  for (auto _ : state) {
    auto decision = limiter.admit("key_0123456789abcdef", limits);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_AdmitRequest);

}  // namespace

BENCHMARK_MAIN();
