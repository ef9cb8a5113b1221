#pragma once
// Posts alert events to webhooks, in the background: JSON ({"event": "fired"|"resolved",
// "alert": {...}}) or Slack-compatible ({"text": "..."} with the summary and key figures),
// with a timeout, a few retries with backoff on errors and 5xx/429, a bounded queue (full:
// dropped and counted). Nothing waits on a webhook.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "monitor/alerts/alert_store.h"

namespace slipway::monitor {

enum class WebhookFormat { Json, Slack };

struct WebhookTarget {
  std::string url;  // http:// or https://
  WebhookFormat format = WebhookFormat::Json;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. an Authorization header
  // When set: an "X-Slipway-Signature: sha256=<hex HMAC-SHA256 of the body>" header.
  std::string signing_secret;
  std::string min_severity = "warning";  // "critical": warnings are not sent here
};

struct WebhookOptions {
  std::chrono::milliseconds timeout{5'000};  // per attempt
  int attempts = 3;
  std::chrono::milliseconds backoff{1'000};  // doubled after each failed attempt
  std::size_t max_queue = 256;
  bool verify_tls = true;
};

enum class AlertEvent { Fired, Resolved };

// The bodies as sent (exposed for tests and the docs).
std::string webhook_body(const AlertRecord& alert, AlertEvent event, WebhookFormat format);

class WebhookNotifier {
 public:
  // Throws std::invalid_argument for a URL that is not http(s).
  WebhookNotifier(std::vector<WebhookTarget> targets, WebhookOptions options);
  ~WebhookNotifier();  // gives queued posts up to one timeout, then stops
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // Queues the event for every target whose min_severity admits the alert. Never blocks.
  void post(const AlertRecord& alert, AlertEvent event);
  bool wait_idle(std::chrono::milliseconds timeout);  // tests

  struct Counters {
    uint64_t delivered = 0;
    uint64_t failed = 0;   // every attempt failed
    uint64_t retried = 0;  // attempts after the first
    uint64_t dropped = 0;  // the queue was full
  };
  Counters counters() const;
  // slipway_alert_webhooks_total{result="delivered|failed|dropped"}.
  std::string metrics_text() const;
  std::size_t target_count() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace slipway::monitor
