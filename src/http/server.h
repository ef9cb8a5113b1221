#pragma once
// The HTTP server: Boost.Beast over Asio with C++20 coroutines (one coroutine per connection,
// so open streams cost no threads). Serves the OpenAI API (/v1/chat/completions,
// /v1/completions, /v1/models), /tokenize, /detokenize, /health and /metrics, with bearer
// auth, request limits and timeouts, OpenAI-style JSON errors, SSE streaming, and a graceful
// drain on SIGTERM/SIGINT.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "auth/key_ring.h"
#include "backends/backend_set.h"
#include "feedback/feedback_log.h"
#include "monitor/monitor_service.h"
#include "monitor/serving_metrics.h"
#include "monitor/traffic_windows.h"
#include "traffic/shadow_mirror.h"
#include "traffic/traffic_service.h"

namespace slipway::http {

class AdminApi;  // http/admin/admin_api.h

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0: any free port (see Server::port())
  // Bootstrap key (SLIPWAY_API_KEY): requests need "Authorization: Bearer KEY". Without one
  // the server binds to loopback only, whatever host says, and logs that it does.
  std::optional<std::string> api_key;
  std::size_t max_body_bytes = 8 << 20;                // 413 beyond
  std::size_t max_header_bytes = 16 << 10;             // 431/400 beyond
  std::chrono::milliseconds header_timeout{10'000};    // slow-loris: whole header by then
  std::chrono::milliseconds body_timeout{30'000};      // whole body by then
  std::chrono::milliseconds idle_timeout{60'000};      // keep-alive connection with no request
  std::chrono::milliseconds request_timeout{600'000};  // ApiRequest::deadline
  std::chrono::milliseconds drain_timeout{30'000};     // SIGTERM: in-flight requests get this long
  std::chrono::milliseconds health_timeout{5'000};     // a backend must answer its check by then
  int io_threads = 1;
  // TLS on the listener (both set): PEM certificate chain and private key. Empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::chrono::milliseconds tls_handshake_timeout{10'000};
  // Request limits (400 naming the limit beyond; 0: not limited).
  std::size_t max_messages = 1'024;     // messages in one chat request
  int64_t max_tokens = 32'768;          // max_tokens / max_completion_tokens asked for
  int64_t max_prompt_tokens = 131'072;  // the rendered prompt (embedded models; 400 beyond)
  // Per-key defaults for keys whose own limit is 0 (docs/security.md); 0: not limited.
  int64_t key_requests_per_minute = 0;
  int64_t key_tokens_per_minute = 0;
  int64_t key_max_streams = 64;  // model requests in flight per key (429 beyond)
};

class Server {
 public:
  // io is run by run(); backends and metrics are shared with the rest of the app.
  Server(boost::asio::io_context& io, ServerOptions options,
         std::shared_ptr<backends::BackendSet> backends,
         std::shared_ptr<monitor::ServingMetrics> metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The admin API under /admin/v1/ (null: those paths answer 503). Call before listen().
  void set_admin_api(std::shared_ptr<AdminApi> admin);
  // The response log: every answered chat/completion request is logged there, and POST
  // /v1/feedback writes through it (null: /v1/feedback answers 503). Call before listen().
  void set_feedback(std::shared_ptr<feedback::FeedbackLog> log);
  // Routes: a request naming a route is answered by the version its split picks, and copied to
  // its shadow versions through `shadow` (may be null: no copies). Call before listen().
  void set_traffic(std::shared_ptr<traffic::TrafficService> traffic,
                   std::shared_ptr<traffic::ShadowMirror> shadow);
  // Every answered model request is counted in the store's per-minute windows (route, version,
  // arm) that rollout gates read. Call before listen().
  void set_windows(std::shared_ptr<monitor::WindowRecorder> windows);
  // Every answered chat/completion (and shadow copy) is shown to the monitor: drift signals and
  // the judge's sampler; /metrics adds its figures. Call before listen().
  void set_monitor(std::shared_ptr<monitor::MonitorService> monitor);
  // API keys with scopes (auth/key_ring.h); replaces the bootstrap-key-only check. With a ring
  // that has no key, the server binds loopback only. Call before listen().
  void set_keys(std::shared_ptr<auth::KeyRing> keys);
  // Binds and listens (throws std::runtime_error naming the address on failure). Until
  // set_ready(true), /health answers 503 "loading" and model requests 503.
  void listen();
  uint16_t port() const;            // the bound port
  const std::string& host() const;  // the bound address (loopback when no api_key)
  bool uses_tls() const;            // after listen(): HTTPS (options.tls_cert_file and key)
  void set_ready(bool ready);
  // Runs the io_context on options.io_threads threads (the caller's included) until a
  // shutdown has drained; returns the process exit code (0 after a drain, also a timed-out
  // one). SIGTERM and SIGINT start the shutdown.
  int run();
  // Thread-safe: stop accepting, answer /health 503 "draining", let in-flight requests finish
  // up to drain_timeout, cancel the rest, then let run() return.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slipway::http
