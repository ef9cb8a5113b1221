#pragma once
// A scripted HTTP/1.1 server for the upstream backend's tests: blocking Beast on its own
// threads (one per connection), port 0, so each test controls exactly what the "upstream"
// sends and when, and can watch what the client does (connections, requests, disconnects).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "beast_test_server.h"

namespace slipway::backends::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct SeenRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string authorization;
  int connection = 0;  // which accepted connection it came on (1, 2, ...)
};

using slipway::test::write_raw;
using slipway::test::write_response;

inline bool start_sse(tcp::socket& socket) {
  return write_raw(socket,
                   "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n");
}

inline bool write_chunk(tcp::socket& socket, const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return write_raw(socket, size + data + "\r\n");
}

inline bool write_event(tcp::socket& socket, const std::string& data) {
  return write_chunk(socket, "data: " + data + "\n\n");
}

inline bool end_chunks(tcp::socket& socket) {
  return write_raw(socket, "0\r\n\r\n");
}

// Blocks until the peer closes the connection (or timeout); true when it did.
inline bool wait_for_close(tcp::socket& socket, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  socket.non_blocking(true);
  char byte;
  while (std::chrono::steady_clock::now() < until) {
    boost::system::error_code ec;
    socket.read_some(asio::buffer(&byte, 1), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) return true;  // EOF or reset
  }
  return false;
}

class TestServer {
 public:
  // Answers one request; returns whether to keep the connection for another.
  using Handler = std::function<bool(tcp::socket&, const SeenRequest&)>;

  explicit TestServer(Handler handler) : handler_(std::move(handler)) {}

  uint16_t port() const { return server_.port(); }
  std::string base_url() const { return server_.origin() + "/v1"; }
  int connections() const { return server_.connections(); }
  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve(tcp::socket& socket, int number) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      SeenRequest seen{std::string(request.method_string()), std::string(request.target()),
                       request.body(), std::string(request[http::field::authorization]), number};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(seen);
      }
      if (!handler_(socket, seen) || server_.stopping()) break;
    }
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);  // closed by the destructor
  }

  Handler handler_;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
  // Last: stops (joining every connection) before the members above go.
  slipway::test::BlockingTestServer server_{
      [this](tcp::socket& socket, int number) { serve(socket, number); }};
};

}  // namespace slipway::backends::testing
