#pragma once
// What every connection shares: options, backends, metrics, the ready/draining flags, and the
// registry of open connections the shutdown walks.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "http/server.h"

namespace slipway::http {

class Connection;

class ServerState {
 public:
  ServerState(ServerOptions options, std::shared_ptr<backends::BackendSet> backends,
              std::shared_ptr<monitor::ServingMetrics> metrics);

  const ServerOptions options;
  const std::shared_ptr<backends::BackendSet> backends;
  const std::shared_ptr<monitor::ServingMetrics> metrics;
  std::atomic<bool> ready{false};

  bool draining() const { return draining_.load(); }
  // Marks the server draining; returns the connections open at that moment. on_drained runs
  // once (from any thread) when the last connection closes, or at once when none is open.
  std::vector<std::shared_ptr<Connection>> start_draining(std::function<void()> on_drained);
  std::vector<std::shared_ptr<Connection>> connections() const;

  uint64_t add_connection(std::weak_ptr<Connection> connection);
  void remove_connection(uint64_t id);

 private:
  std::atomic<bool> draining_{false};
  mutable std::mutex mutex_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;
  uint64_t next_id_ = 0;
  std::function<void()> on_drained_;
};

}  // namespace slipway::http
