#pragma once
// A scripted HTTP/1.1 server for the upstream backend's tests: blocking Beast on its own
// threads (one per connection), port 0, so each test controls exactly what the "upstream"
// sends and when, and can watch what the client does (connections, requests, disconnects).
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

// Raw writes, so tests choose framing (chunked, sudden close) byte by byte.
inline bool write_raw(tcp::socket& socket, const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);
  return !ec;
}

inline bool write_response(tcp::socket& socket, int status, const std::string& body,
                           const std::string& type = "application/json") {
  return write_raw(socket, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
                               "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                               body);
}

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

  explicit TestServer(Handler handler)
      : handler_(std::move(handler)), acceptor_(io_, tcp::endpoint(tcp::v4(), 0)) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~TestServer() {
    stopping_ = true;
    {  // wake accept() with a connection of our own
      boost::system::error_code ec;
      tcp::socket wake(io_);
      wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    accept_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (auto& socket : sockets_) {
        boost::system::error_code ec;
        socket->shutdown(tcp::socket::shutdown_both, ec);
      }
    }
    for (auto& thread : connection_threads_) thread.join();
  }

  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int connections() const { return connections_.load(); }
  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (stopping_ || ec) return;
      const int number = ++connections_;
      std::lock_guard lock(mutex_);
      sockets_.push_back(socket);
      connection_threads_.emplace_back([this, socket, number] { serve(*socket, number); });
    }
  }

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
      if (!handler_(socket, seen) || stopping_) break;
    }
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);  // closed by the destructor
  }

  Handler handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

}  // namespace slipway::backends::testing
