#pragma once
// What every connection shares: options, backends, metrics, the ready/draining flags, the
// registry of open connections the shutdown walks, the admin API with the thread pool its
// blocking handlers run on (never an I/O thread), and the response log.
#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "http/request_guards.h"
#include "http/server.h"
#include "monitor/monitor_service.h"
#include "monitor/traffic_windows.h"
#include "traffic/shadow_mirror.h"
#include "traffic/traffic_service.h"

namespace slipway::http {

class AdminApi;
class Connection;

class ServerState {
 public:
  ServerState(ServerOptions options, std::shared_ptr<backends::BackendSet> backends,
              std::shared_ptr<monitor::ServingMetrics> metrics);

  const ServerOptions options;
  const std::shared_ptr<backends::BackendSet> backends;
  const std::shared_ptr<monitor::ServingMetrics> metrics;
  std::atomic<bool> ready{false};
  // Set before listen() and fixed afterwards, so requests read them without a lock; each may
  // be null (no routes, no shadow copies, no metric windows).
  std::shared_ptr<traffic::TrafficService> traffic;
  std::shared_ptr<traffic::ShadowMirror> shadow;
  std::shared_ptr<monitor::WindowRecorder> windows;
  std::shared_ptr<monitor::MonitorService> monitor;  // null: no judge, drift or alerts
  // Made by listen() from options.tls_*_file; null: plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
  RequestGuards guards;  // API keys, per-key rate limits and streams (request_guards.h)

  bool draining() const { return draining_.load(); }
  // Marks the server draining; returns the connections open at that moment. on_drained runs
  // once (from any thread) when the last connection closes, or at once when none is open.
  std::vector<std::shared_ptr<Connection>> start_draining(std::function<void()> on_drained);
  std::vector<std::shared_ptr<Connection>> connections() const;

  uint64_t add_connection(std::weak_ptr<Connection> connection);
  void remove_connection(uint64_t id);

  // The admin API (null: /admin/v1 answers 503). Thread-safe.
  void set_admin_api(std::shared_ptr<AdminApi> admin);
  std::shared_ptr<AdminApi> admin_api() const;
  // The response log (null: answers are not logged and /v1/feedback answers 503). Thread-safe.
  void set_feedback(std::shared_ptr<feedback::FeedbackLog> log);
  std::shared_ptr<feedback::FeedbackLog> feedback() const;
  // Where admin handlers run: they block on store writes and model loads.
  boost::asio::thread_pool& admin_pool() { return admin_pool_; }
  // Drops admin work not yet started and waits for the running handlers; afterwards nothing
  // touches the admin API (its registry and loader may then be destroyed). Idempotent.
  void stop_admin_pool();

 private:
  static constexpr std::size_t kAdminThreads = 2;

  std::atomic<bool> draining_{false};
  mutable std::mutex mutex_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;
  uint64_t next_id_ = 0;
  std::function<void()> on_drained_;
  std::shared_ptr<AdminApi> admin_;                  // guarded by mutex_
  std::shared_ptr<feedback::FeedbackLog> feedback_;  // guarded by mutex_
  boost::asio::thread_pool admin_pool_{kAdminThreads};
};

}  // namespace slipway::http
