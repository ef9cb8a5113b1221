#include "http/client_stream.h"

#include <boost/asio/steady_timer.hpp>

namespace slipway::http {

namespace asio = boost::asio;
using boost::system::error_code;

ClientStream::ClientStream(Socket socket) : plain_(std::move(socket)) {}

ClientStream::ClientStream(Socket socket, asio::ssl::context& tls)
    : tls_(std::make_unique<TlsStream>(std::move(socket), tls)) {}

ClientStream::ClientStream(ClientStream&&) noexcept = default;
ClientStream& ClientStream::operator=(ClientStream&&) noexcept = default;
ClientStream::~ClientStream() = default;

template <typename Op>
asio::awaitable<error_code> ClientStream::bounded(std::chrono::milliseconds limit, Op op) {
  // The timer's handler may run after this frame is gone: it shares only this record, and
  // touches the socket only while the operation is still pending (all on one strand).
  struct Watch {
    bool done = false;
    bool fired = false;
  };
  auto watch = std::make_shared<Watch>();
  asio::steady_timer timer(get_executor(), limit);
  timer.async_wait([watch, tcp = &socket()](error_code ec) {
    if (ec || watch->done) return;
    watch->fired = true;
    error_code ignored;
    tcp->cancel(ignored);
  });
  error_code ec;
  co_await op(asio::redirect_error(asio::use_awaitable, ec));
  watch->done = true;
  timer.cancel();
  if (ec && watch->fired) ec = asio::error::timed_out;
  co_return ec;
}

asio::awaitable<error_code> ClientStream::handshake(std::chrono::milliseconds timeout) {
  if (!tls_) co_return error_code{};
  const error_code ec = co_await bounded(timeout, [this](auto token) {
    return tls_->async_handshake(asio::ssl::stream_base::server, std::move(token));
  });
  handshake_done_ = !ec;
  co_return ec;
}

asio::awaitable<error_code> ClientStream::end_output(std::chrono::milliseconds tls_wait) {
  error_code ec;
  if (!tls_) {
    plain_->shutdown(Socket::shutdown_send, ec);
    co_return ec;
  }
  if (!handshake_done_ || tls_wait.count() <= 0) co_return asio::error::shut_down;
  handshake_done_ = false;  // once only
  co_return co_await bounded(tls_wait,
                             [this](auto token) { return tls_->async_shutdown(std::move(token)); });
}

}  // namespace slipway::http
