#include "http/server_core.h"

#include <boost/asio/post.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "http/connection.h"
#include "http/coro.h"
#include "http/listener.h"
#include "http/log.h"
#include "http/tls_context.h"

namespace slipway::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// After the drain deadline cancels what is left, backends get this long to report on_done()
// before the io_context is stopped regardless.
constexpr std::chrono::milliseconds kCancelGrace{2'000};

}  // namespace

ServerCore::ServerCore(asio::io_context& io, std::shared_ptr<ServerState> state)
    : io(io),
      state(std::move(state)),
      control_(asio::make_strand(io)),
      acceptor_(std::make_shared<asio::ip::tcp::acceptor>(control_)),
      signals_(control_),
      drain_timer_(control_),
      stop_timer_(control_) {}

void ServerCore::listen() {
  // Bad TLS files fail here, before anything is bound.
  const ServerOptions& options = state->options;
  if (tls_requested(options)) {
    state->tls = make_tls_context(options.tls_cert_file, options.tls_key_file);
  }
  const auto endpoint = listen_endpoint(io, options, has_any_key(state->guards, options));
  open_acceptor(*acceptor_, endpoint);
  const auto bound = acceptor_->local_endpoint();
  host = bound.address().to_string();
  port = bound.port();
  // Tests and supervisors parse this exact line to learn the port (--port 0).
  std::fprintf(stderr, "slipway: listening on %s://%s\n", state->tls ? "https" : "http",
               url_authority(bound).c_str());
  std::fflush(stderr);
  asio::co_spawn(control_, accept_loop(acceptor_, state, io), asio::detached);
}

void ServerCore::install_signals() {
  // Called by run() before the io_context runs, so nothing else touches signals_ yet; the
  // handlers are in place when run() starts serving.
  error_code ignored;
  signals_.add(SIGINT, ignored);
  signals_.add(SIGTERM, ignored);
  wait_signal();
}

void ServerCore::remove_signals() {
  error_code ignored;
  signals_.clear(ignored);  // the default dispositions return once run() is over
}

void ServerCore::wait_signal() {
  signals_.async_wait([weak = weak_from_this()](error_code ec, int signal) {
    auto self = weak.lock();
    if (ec || !self) return;
    if (++self->signals_seen_ >= 2) {
      std::fprintf(stderr, "slipway: second signal, exiting now\n");
      std::fflush(stderr);
      std::_Exit(128 + signal);
    }
    http_log().info("signal {}: draining (send it again to exit at once)", signal);
    self->begin_drain();
    self->wait_signal();
  });
}

void ServerCore::shutdown() {
  asio::post(control_, [self = shared_from_this()] { self->begin_drain(); });
}

void ServerCore::close_acceptor_now() {
  error_code ignored;
  acceptor_->close(ignored);
}

void ServerCore::begin_drain() {
  if (draining_) return;
  draining_ = true;
  error_code ignored;
  acceptor_->close(ignored);
  auto open = state->start_draining([weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      asio::post(self->control_, [self] { self->finish(); });
    }
  });
  for (const auto& connection : open) connection->drain_started();
  drain_timer_.expires_after(state->options.drain_timeout);
  drain_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->drain_deadline();
  });
}

void ServerCore::drain_deadline() {
  if (finished_) return;
  const auto open = state->connections();
  if (!open.empty()) {
    http_log().warn("drain timeout: cancelling {} connection(s) still open", open.size());
  }
  for (const auto& connection : open) connection->drain_deadline();
  stop_timer_.expires_after(kCancelGrace);
  stop_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->finish();
  });
}

void ServerCore::finish() {
  if (finished_) return;
  finished_ = true;
  drain_timer_.cancel();
  stop_timer_.cancel();
  error_code ignored;
  signals_.cancel(ignored);
  io.stop();
}

}  // namespace slipway::http
