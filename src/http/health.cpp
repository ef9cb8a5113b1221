#include "http/health.h"

#include <mutex>
#include <optional>
#include <vector>

#include "http/wake_signal.h"

namespace slipway::http {

namespace asio = boost::asio;
using backends::HealthStatus;
using backends::Json;

namespace {

// Shared with the backends' callbacks, which may run after the report is sent.
struct PendingChecks {
  std::mutex mutex;
  std::vector<std::optional<HealthStatus>> results;
  std::size_t answered = 0;

  void answer(std::size_t i, HealthStatus status) {
    std::lock_guard lock(mutex);
    if (results[i]) return;  // done() must be called once; a second call changes nothing
    results[i] = std::move(status);
    ++answered;
  }
};

}  // namespace

asio::awaitable<HealthReport> health_report(ServerState& state, asio::any_io_executor strand) {
  if (state.draining()) co_return HealthReport{503, Json{{"status", "draining"}}};
  if (!state.ready) co_return HealthReport{503, Json{{"status", "loading"}}};

  const auto all = state.backends->all();
  const auto timeout = state.options.health_timeout;
  Waiter waiter(strand);
  auto pending = std::make_shared<PendingChecks>();
  pending->results.resize(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto remote = waiter.remote();
    try {
      all[i]->check_health(timeout, [pending, remote, i](HealthStatus status) {
        pending->answer(i, std::move(status));
        remote->notify();
      });
    } catch (const std::exception& e) {
      pending->answer(i, HealthStatus{false, std::string("health check failed: ") + e.what()});
    }
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(pending->mutex);
      if (pending->answered == all.size()) break;
    }
    if (!co_await waiter.wait_until(deadline)) break;
  }

  Json models = Json::object();
  bool all_healthy = true;
  {
    std::lock_guard lock(pending->mutex);
    for (std::size_t i = 0; i < all.size(); ++i) {
      HealthStatus status = pending->results[i].value_or(HealthStatus{
          false, "health check timed out after " + std::to_string(timeout.count()) + " ms"});
      all_healthy = all_healthy && status.healthy;
      models[all[i]->name()] = Json{{"healthy", status.healthy}, {"detail", status.detail}};
    }
  }
  Json body{{"status", all_healthy ? "ok" : "unhealthy"}, {"models", std::move(models)}};
  co_return HealthReport{all_healthy ? 200 : 503, std::move(body)};
}

}  // namespace slipway::http
