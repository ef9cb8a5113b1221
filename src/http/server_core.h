#pragma once
// The server's lifecycle behind Server: the acceptor, the signals, and the drain sequence
// (stop accepting, let in-flight requests finish up to drain_timeout, cancel the rest, stop).
// Shared-owned so timer and drain callbacks can hold it weakly.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>

#include "http/server_state.h"

namespace slipway::http {

class ServerCore : public std::enable_shared_from_this<ServerCore> {
 public:
  ServerCore(boost::asio::io_context& io, std::shared_ptr<ServerState> state);

  void listen();
  void install_signals();
  void remove_signals();
  void shutdown();  // thread-safe
  void close_acceptor_now();

  boost::asio::io_context& io;
  const std::shared_ptr<ServerState> state;
  std::string host;
  uint16_t port = 0;

 private:
  void wait_signal();
  void begin_drain();     // on control_
  void drain_deadline();  // on control_
  void finish();          // on control_

  // Serializes the lifecycle handlers (signals, shutdown(), timers) on a multi-threaded io.
  boost::asio::strand<boost::asio::io_context::executor_type> control_;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  boost::asio::steady_timer stop_timer_;
  int signals_seen_ = 0;
  bool draining_ = false;
  bool finished_ = false;
};

}  // namespace slipway::http
