#include "http/listener.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/string.hpp>
#include <stdexcept>

#include "http/connection.h"
#include "http/coro.h"
#include "http/log.h"

namespace slipway::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

bool is_loopback_host(std::string_view host) {
  if (boost::beast::iequals(host, "localhost")) return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  if (ec) return false;
  if (address.is_v4()) return address.to_v4().to_bytes()[0] == 127;
  const auto v6 = address.to_v6();
  if (v6.is_loopback()) return true;
  return v6.is_v4_mapped() &&
         asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes()[0] == 127;
}

tcp::endpoint listen_endpoint(asio::io_context& io, const ServerOptions& options, bool has_keys) {
  std::string host = options.host.empty() ? "0.0.0.0" : options.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!has_keys) {
    if (!is_loopback_host(host)) {
      http_log().warn(
          "no API key is set: listening on 127.0.0.1 only instead of {}; create one with "
          "`slipway keys create` (or set SLIPWAY_API_KEY) to require \"Authorization: Bearer "
          "<key>\" and serve other hosts",
          host);
      host = "127.0.0.1";
    } else {
      http_log().warn(
          "no API key is set: serving without authentication on loopback only; create one with "
          "`slipway keys create` (or set SLIPWAY_API_KEY) to require \"Authorization: Bearer "
          "<key>\"");
    }
  }
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, options.port);
  tcp::resolver resolver(io);
  const auto results =
      resolver.resolve(host, std::to_string(options.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen address " + host + ": " + ec.message());
  }
  // Prefer IPv4 ("localhost" often lists ::1 first, which IPv4-only clients cannot reach).
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint();
  }
  return results.begin()->endpoint();
}

void open_acceptor(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  error_code ec;
  auto fail = [&](const char* what) {
    throw std::runtime_error("cannot listen on " + url_authority(endpoint) + ": " + what + ": " +
                             ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) fail("SO_REUSEADDR");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
}

std::string url_authority(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor,
                                  std::shared_ptr<ServerState> state, asio::io_context& io) {
  for (;;) {
    tcp::socket socket(asio::make_strand(io));
    error_code ec;
    co_await acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: pause instead of spinning, then keep serving.
      http_log().error("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (state->draining()) continue;  // closes the socket: the acceptor is about to close
    ClientStream stream =
        state->tls ? ClientStream(std::move(socket), *state->tls) : ClientStream(std::move(socket));
    std::make_shared<Connection>(std::move(stream), state)->start();
  }
}

}  // namespace slipway::http
