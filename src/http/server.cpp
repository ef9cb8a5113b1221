#include "http/server.h"

#include <thread>
#include <vector>

#include "http/admin/admin_api.h"
#include "http/log.h"
#include "http/server_core.h"

namespace slipway::http {

struct Server::Impl {
  std::shared_ptr<ServerCore> core;
};

Server::Server(boost::asio::io_context& io, ServerOptions options,
               std::shared_ptr<backends::BackendSet> backends,
               std::shared_ptr<monitor::ServingMetrics> metrics)
    : impl_(std::make_unique<Impl>()) {
  auto state =
      std::make_shared<ServerState>(std::move(options), std::move(backends), std::move(metrics));
  impl_->core = std::make_shared<ServerCore>(io, std::move(state));
}

Server::~Server() {
  impl_->core->close_acceptor_now();
  impl_->core->remove_signals();
  // Admin handlers use the app's registry and loader, which may go right after the server:
  // none may start or still run once the server is gone.
  impl_->core->state->stop_admin_pool();
}

void Server::set_admin_api(std::shared_ptr<AdminApi> admin) {
  impl_->core->state->set_admin_api(std::move(admin));
}

void Server::set_feedback(std::shared_ptr<feedback::FeedbackLog> log) {
  impl_->core->state->set_feedback(std::move(log));
}

void Server::set_traffic(std::shared_ptr<traffic::TrafficService> traffic,
                         std::shared_ptr<traffic::ShadowMirror> shadow) {
  impl_->core->state->traffic = std::move(traffic);
  impl_->core->state->shadow = std::move(shadow);
}

void Server::set_windows(std::shared_ptr<monitor::WindowRecorder> windows) {
  impl_->core->state->windows = std::move(windows);
}

void Server::set_monitor(std::shared_ptr<monitor::MonitorService> monitor) {
  impl_->core->state->monitor = std::move(monitor);
}

void Server::set_keys(std::shared_ptr<auth::KeyRing> keys) {
  impl_->core->state->guards.keys = std::move(keys);
}

void Server::listen() {
  impl_->core->listen();
}

uint16_t Server::port() const {
  return impl_->core->port;
}

bool Server::uses_tls() const {
  return impl_->core->state->tls != nullptr;
}

const std::string& Server::host() const {
  return impl_->core->host;
}

void Server::set_ready(bool ready) {
  impl_->core->state->ready = ready;
}

int Server::run() {
  auto& core = *impl_->core;
  if (core.io.stopped()) core.io.restart();
  core.install_signals();
  // A handler that throws is a bug; log it and keep serving everyone else.
  auto run_io = [&core] {
    for (;;) {
      try {
        core.io.run();
        return;
      } catch (const std::exception& e) {
        http_log().error("I/O handler failed: {}", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < core.state->options.io_threads; ++i) threads.emplace_back(run_io);
  run_io();
  for (auto& thread : threads) thread.join();
  core.remove_signals();
  return 0;
}

void Server::shutdown() {
  impl_->core->shutdown();
}

}  // namespace slipway::http
