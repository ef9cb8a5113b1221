#pragma once
// Where the server listens (loopback only unless an API key is set) and the accept loop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "http/coro.h"
#include "http/server_state.h"

namespace slipway::http {

// 127.0.0.0/8, ::1 (also IPv4-mapped) and "localhost".
bool is_loopback_host(std::string_view host);

// The address to bind: options.host, or 127.0.0.1 when the server has no API key at all
// (`has_keys` false) and host is not a loopback address (logged as a warning). Throws
// std::runtime_error when host does not resolve.
boost::asio::ip::tcp::endpoint listen_endpoint(boost::asio::io_context& io,
                                               const ServerOptions& options, bool has_keys);

// Opens, binds and listens; throws std::runtime_error naming the address on failure.
void open_acceptor(boost::asio::ip::tcp::acceptor& acceptor,
                   const boost::asio::ip::tcp::endpoint& endpoint);

// "HOST:PORT" as a URL authority ("[::1]:8000" for IPv6).
std::string url_authority(const boost::asio::ip::tcp::endpoint& endpoint);

// Accepts until the acceptor is closed; each connection gets its own strand.
boost::asio::awaitable<void> accept_loop(std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor,
                                         std::shared_ptr<ServerState> state,
                                         boost::asio::io_context& io);

}  // namespace slipway::http
