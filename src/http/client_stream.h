#pragma once
// A connection's byte stream: the accepted TCP socket, or TLS over it. Beast and Asio use it as
// they use a tcp::socket (async_read_some / async_write_some forward to the active layer, the
// socket calls act on the TCP socket underneath), so the connection code is the same for both.
// Its executor must be a strand: the deadlines below rely on handlers never running at once.
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "http/coro.h"

namespace slipway::http {

class ClientStream {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;
  using executor_type = Socket::executor_type;

  explicit ClientStream(Socket socket);                         // plain HTTP
  ClientStream(Socket socket, boost::asio::ssl::context& tls);  // HTTPS: handshake() first
  ClientStream(ClientStream&&) noexcept;
  ClientStream& operator=(ClientStream&&) noexcept;
  ~ClientStream();

  bool is_tls() const { return tls_ != nullptr; }
  executor_type get_executor() { return socket().get_executor(); }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& into) {
          if (tls_) {
            tls_->async_read_some(into, std::move(handler));
          } else {
            plain_->async_read_some(into, std::move(handler));
          }
        },
        token, buffers);
  }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& from) {
          if (tls_) {
            tls_->async_write_some(from, std::move(handler));
          } else {
            plain_->async_write_some(from, std::move(handler));
          }
        },
        token, buffers);
  }

  // The TLS handshake, given up after `timeout` (error timed_out); plain streams succeed at
  // once. Call once, before the first read.
  boost::asio::awaitable<boost::system::error_code> handshake(std::chrono::milliseconds timeout);

  // Tells the peer nothing more is sent: a TCP FIN, or TLS close_notify (skipped when no
  // handshake succeeded) waiting up to tls_wait for the peer's, so a dead peer never holds a
  // close for long.
  boost::asio::awaitable<boost::system::error_code> end_output(std::chrono::milliseconds tls_wait);

  // The TCP socket underneath, and its calls the connection code makes.
  Socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
  void cancel(boost::system::error_code& ec) { socket().cancel(ec); }
  void close(boost::system::error_code& ec) { socket().close(ec); }
  void shutdown(Socket::shutdown_type what, boost::system::error_code& ec) {
    socket().shutdown(what, ec);
  }
  template <typename Option>
  void set_option(const Option& option, boost::system::error_code& ec) {
    socket().set_option(option, ec);
  }

 private:
  // Waits for op (started with a redirect_error token) and cancels the socket when `limit`
  // passes first.
  template <typename Op>
  boost::asio::awaitable<boost::system::error_code> bounded(std::chrono::milliseconds limit, Op op);

  std::optional<Socket> plain_;
  std::unique_ptr<TlsStream> tls_;  // on the heap: the deadline handlers hold its address
  bool handshake_done_ = false;
};

}  // namespace slipway::http
