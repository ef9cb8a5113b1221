#include "http/server_state.h"

#include "http/admin/admin_api.h"

namespace slipway::http {

ServerState::ServerState(ServerOptions options, std::shared_ptr<backends::BackendSet> backends,
                         std::shared_ptr<monitor::ServingMetrics> metrics)
    : options(std::move(options)), backends(std::move(backends)), metrics(std::move(metrics)) {}

std::vector<std::shared_ptr<Connection>> ServerState::start_draining(
    std::function<void()> on_drained) {
  std::function<void()> now;
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    if (draining_.exchange(true)) return {};
    if (connections_.empty()) {
      now = std::move(on_drained);
    } else {
      on_drained_ = std::move(on_drained);
    }
    for (const auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  if (now) now();
  return open;
}

std::vector<std::shared_ptr<Connection>> ServerState::connections() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Connection>> open;
  for (const auto& [id, weak] : connections_) {
    if (auto c = weak.lock()) open.push_back(std::move(c));
  }
  return open;
}

uint64_t ServerState::add_connection(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  connections_.emplace(++next_id_, std::move(connection));
  return next_id_;
}

void ServerState::remove_connection(uint64_t id) {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (draining_ && connections_.empty()) {
      done = std::move(on_drained_);
      on_drained_ = nullptr;
    }
  }
  if (done) done();
}

void ServerState::set_admin_api(std::shared_ptr<AdminApi> admin) {
  std::lock_guard lock(mutex_);
  admin_ = std::move(admin);
}

std::shared_ptr<AdminApi> ServerState::admin_api() const {
  std::lock_guard lock(mutex_);
  return admin_;
}

void ServerState::set_feedback(std::shared_ptr<feedback::FeedbackLog> log) {
  std::lock_guard lock(mutex_);
  feedback_ = std::move(log);
}

std::shared_ptr<feedback::FeedbackLog> ServerState::feedback() const {
  std::lock_guard lock(mutex_);
  return feedback_;
}

void ServerState::stop_admin_pool() {
  admin_pool_.stop();
  admin_pool_.join();
}

}  // namespace slipway::http
