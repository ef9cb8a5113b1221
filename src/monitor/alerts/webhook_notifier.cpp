// Webhook delivery on the notifier's own io_context thread: one lane per target, each a queue
// drained in order by one coroutine on the lane's strand (a "resolved" never overtakes its
// "fired"), retrying with backoff what may pass later (connect errors, timeouts, 5xx, 429).
#include "monitor/alerts/webhook_notifier.h"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it
// (kept apart from the sorted block below)

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "backends/upstream/http_client.h"
#include "backends/upstream/url.h"
#include "metrics/prometheus_text.h"

namespace slipway::monitor {

namespace asio = boost::asio;
using backends::HttpCall;
using backends::HttpError;

namespace {

constexpr std::size_t kMaxAnswer = 1 << 20;  // a webhook's answer is read and thrown away

std::string hex(const unsigned char* bytes, std::size_t size) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string hmac_sha256_hex(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 of a webhook body failed");
  }
  return hex(digest, size);
}

bool admits(const WebhookTarget& target, const AlertRecord& alert) {
  return target.min_severity != "critical" || alert.severity == "critical";
}

// The URL's query stays on the request target (the URL parser takes base URLs only).
struct SplitUrl {
  backends::Url url;
  std::string target;
};
SplitUrl split_url(const std::string& text) {
  const auto query = text.find('?');
  try {
    SplitUrl out{backends::parse_url(text.substr(0, query)), ""};
    out.target = out.url.base_path.empty() ? "/" : out.url.base_path;
    if (query != std::string::npos) out.target += text.substr(query);
    return out;
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string("webhook URL: ") + error.what());
  }
}

void check_options(const WebhookOptions& options) {
  if (options.timeout.count() < 1) {
    throw std::invalid_argument("the webhook timeout must be at least 1 ms");
  }
  if (options.attempts < 1) {
    throw std::invalid_argument("webhooks need at least 1 attempt, got " +
                                std::to_string(options.attempts));
  }
  if (options.backoff.count() < 0) throw std::invalid_argument("the webhook backoff is negative");
  if (options.max_queue < 1) throw std::invalid_argument("the webhook queue needs room for 1");
}

enum class Outcome { Delivered, Retry, GiveUp };

Outcome outcome_of(int status) {
  if (status >= 200 && status < 300) return Outcome::Delivered;
  if (status >= 500 || status == 429) return Outcome::Retry;
  return Outcome::GiveUp;  // a redirect or a 4xx will not change by asking again
}

// One target: its client, its queue (the front is the post in flight) and what a shutdown
// must interrupt.
struct Lane {
  Lane(asio::io_context& io, WebhookTarget spec_in, const WebhookOptions& options)
      : spec(std::move(spec_in)), strand(asio::make_strand(io)), backoff_timer(strand) {
    if (spec.min_severity != "warning" && spec.min_severity != "critical") {
      throw std::invalid_argument("webhook " + spec.url +
                                  ": min_severity must be warning or critical, got '" +
                                  spec.min_severity + "'");
    }
    SplitUrl split = split_url(spec.url);
    url = split.url;
    target = split.target;
    backends::HttpClientOptions client_options;
    client_options.connect_timeout = options.timeout;
    client_options.read_timeout = options.timeout;
    client_options.verify_tls = options.verify_tls;
    client_options.max_idle_connections = 2;
    client = std::make_unique<backends::HttpClient>(io.get_executor(), url, client_options);
  }

  backends::HttpRequest request(const std::string& body) const {
    backends::HttpRequest out;
    out.method = "POST";
    out.target = target;
    out.body = body;
    out.headers.emplace_back("Content-Type", "application/json");
    for (const auto& header : spec.headers) out.headers.push_back(header);
    if (!spec.signing_secret.empty()) {
      out.headers.emplace_back("X-Slipway-Signature",
                               "sha256=" + hmac_sha256_hex(spec.signing_secret, body));
    }
    return out;
  }

  WebhookTarget spec;
  backends::Url url;
  std::string target;
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer backoff_timer;  // used on the strand only
  std::unique_ptr<backends::HttpClient> client;
  // Guarded by State::mutex.
  std::deque<backends::HttpRequest> pending;
  bool draining = false;
  std::shared_ptr<HttpCall> current;
};

}  // namespace

struct WebhookNotifier::State {
  explicit State(WebhookOptions options_in)
      : options(options_in), work(asio::make_work_guard(io)) {}

  asio::awaitable<void> drain(Lane& lane);
  asio::awaitable<bool> deliver(Lane& lane, const backends::HttpRequest& request);
  asio::awaitable<Outcome> attempt(Lane& lane, const backends::HttpRequest& request);
  bool idle_locked() const {
    for (const auto& lane : lanes) {
      if (lane->draining || !lane->pending.empty()) return false;
    }
    return true;
  }

  WebhookOptions options;
  asio::io_context io;  // first: outlives the lanes' clients and timers
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::vector<std::unique_ptr<Lane>> lanes;
  mutable std::mutex mutex;
  std::condition_variable idle;
  bool stopping = false;
  Counters counters;
  std::thread thread;
};

asio::awaitable<void> WebhookNotifier::State::drain(Lane& lane) {
  for (;;) {
    backends::HttpRequest request;
    {
      std::lock_guard lock(mutex);
      if (stopping) {  // what never got a chance is dropped
        counters.dropped += lane.pending.size();
        lane.pending.clear();
      }
      if (lane.pending.empty()) {
        lane.draining = false;
        idle.notify_all();
        co_return;
      }
      request = lane.pending.front();
    }
    const bool delivered = co_await deliver(lane, request);
    std::lock_guard lock(mutex);
    lane.pending.pop_front();
    ++(delivered ? counters.delivered : counters.failed);
  }
}

asio::awaitable<bool> WebhookNotifier::State::deliver(Lane& lane,
                                                      const backends::HttpRequest& request) {
  auto backoff = options.backoff;
  for (int number = 1; number <= options.attempts; ++number) {
    if (number > 1) {
      {
        std::lock_guard lock(mutex);
        if (stopping) co_return false;
        ++counters.retried;
      }
      // A shutdown cancels this wait from the strand, after it set `stopping` above.
      lane.backoff_timer.expires_after(backoff);
      try {
        co_await lane.backoff_timer.async_wait(asio::use_awaitable);
      } catch (const boost::system::system_error&) {
      }
      backoff *= 2;
    }
    const Outcome outcome = co_await attempt(lane, request);
    if (outcome == Outcome::Delivered) co_return true;
    if (outcome == Outcome::GiveUp) break;
  }
  spdlog::warn("alert webhook {}{}: giving up on a post", lane.url.origin(), lane.target);
  co_return false;
}

asio::awaitable<Outcome> WebhookNotifier::State::attempt(Lane& lane,
                                                         const backends::HttpRequest& request) {
  auto call = std::make_shared<HttpCall>(lane.strand);
  {
    std::lock_guard lock(mutex);
    if (stopping) co_return Outcome::GiveUp;
    lane.current = call;
  }
  call->set_deadline(std::chrono::steady_clock::now() + options.timeout);
  Outcome outcome = Outcome::Retry;
  try {
    const auto response = co_await lane.client->fetch(request, *call, kMaxAnswer);
    outcome = outcome_of(response.status);
    if (outcome != Outcome::Delivered) {
      spdlog::warn("alert webhook {}{} answered HTTP {}", lane.url.origin(), lane.target,
                   response.status);
    }
  } catch (const HttpError& error) {
    if (error.kind() == HttpError::Kind::Cancelled) outcome = Outcome::GiveUp;
    spdlog::warn("alert webhook {}{}: {}", lane.url.origin(), lane.target, error.what());
  } catch (const std::exception& error) {
    spdlog::warn("alert webhook {}{}: {}", lane.url.origin(), lane.target, error.what());
  }
  call->finish();
  std::lock_guard lock(mutex);
  lane.current.reset();
  co_return outcome;
}

WebhookNotifier::WebhookNotifier(std::vector<WebhookTarget> targets, WebhookOptions options)
    : state_(std::make_shared<State>(options)) {
  check_options(options);
  for (auto& target : targets) {
    state_->lanes.push_back(std::make_unique<Lane>(state_->io, std::move(target), options));
  }
  state_->thread = std::thread([state = state_.get()] {
    for (;;) {
      try {
        state->io.run();
        return;
      } catch (const std::exception& error) {
        spdlog::error("alert webhooks: {}", error.what());
      }
    }
  });
}

WebhookNotifier::~WebhookNotifier() {
  wait_idle(state_->options.timeout);
  std::vector<std::shared_ptr<HttpCall>> calls;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    for (const auto& lane : state_->lanes) {
      if (lane->current) calls.push_back(lane->current);
    }
  }
  for (const auto& call : calls) call->cancel();
  for (const auto& lane : state_->lanes) {
    asio::post(lane->strand, [timer = &lane->backoff_timer] { timer->cancel(); });
  }
  state_->work.reset();  // run() returns once every lane's coroutine has ended
  state_->thread.join();
}

void WebhookNotifier::post(const AlertRecord& alert, AlertEvent event) {
  for (const auto& lane_ptr : state_->lanes) {
    Lane& lane = *lane_ptr;
    if (!admits(lane.spec, alert)) continue;
    backends::HttpRequest request = lane.request(webhook_body(alert, event, lane.spec.format));
    {
      std::lock_guard lock(state_->mutex);
      if (state_->stopping || lane.pending.size() >= state_->options.max_queue) {
        ++state_->counters.dropped;
        continue;
      }
      lane.pending.push_back(std::move(request));
      if (lane.draining) continue;
      lane.draining = true;
    }
    asio::co_spawn(lane.strand, state_->drain(lane), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& what) {
        spdlog::error("alert webhooks: a delivery stopped: {}", what.what());
      }
    });
  }
}

bool WebhookNotifier::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->idle.wait_for(lock, timeout, [this] { return state_->idle_locked(); });
}

WebhookNotifier::Counters WebhookNotifier::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

std::string WebhookNotifier::metrics_text() const {
  const Counters now = counters();
  metrics::PrometheusText out;
  out.family("slipway_alert_webhooks_total", "counter", "Alert webhook posts by how they ended.");
  for (const auto& [result, count] :
       {std::pair{"delivered", now.delivered}, std::pair{"failed", now.failed},
        std::pair{"dropped", now.dropped}}) {
    out.sample("slipway_alert_webhooks_total", {{"result", result}}, count);
  }
  out.family("slipway_alert_webhook_retries_total", "counter",
             "Alert webhook attempts after the first.")
      .sample("slipway_alert_webhook_retries_total", {}, now.retried);
  return std::move(out).text();
}

std::size_t WebhookNotifier::target_count() const {
  return state_->lanes.size();
}

}  // namespace slipway::monitor
