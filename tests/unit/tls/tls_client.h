#pragma once
// A blocking HTTPS client for the tests: one TLS connection that trusts one certificate and
// checks that it names 127.0.0.1; every step gives up after a timeout instead of hanging.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace slipway::http::test {

class TlsClient {
 public:
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  TlsClient(uint16_t port, const std::filesystem::path& trusted_cert,
            std::chrono::milliseconds timeout = std::chrono::seconds(5));
  boost::system::error_code handshake();
  // One request on this connection (kept alive); nullopt when no answer came.
  std::optional<Response> request(const std::string& method, const std::string& target,
                                  const std::string& body = {});
  // Without a handshake: true when the server closes the connection before the timeout.
  bool wait_closed_by_server();

 private:
  // Starts an operation whose handler takes (error_code, ...) and runs the io until it
  // completes or the timeout passes (then the socket is cancelled: timed_out).
  template <typename Start>
  boost::system::error_code run(Start start);

  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::asio::ssl::context context_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace slipway::http::test
