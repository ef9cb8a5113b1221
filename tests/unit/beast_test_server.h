#pragma once
// The plumbing of the in-test HTTP servers: blocking Beast on 127.0.0.1, port 0, one thread per
// accepted connection, each served by the owner's function. Stopping wakes accept() with a
// connection of its own and shuts every socket down, so a serve function blocked in a read
// returns.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace slipway::test {

// Raw writes, so tests choose framing (chunked, sudden close) byte by byte.
inline bool write_raw(boost::asio::ip::tcp::socket& socket, const std::string& bytes) {
  boost::system::error_code ec;
  boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  return !ec;
}

inline bool write_response(boost::asio::ip::tcp::socket& socket, int status,
                           const std::string& body, const std::string& type = "application/json") {
  return write_raw(socket, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
                               "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                               body);
}

class BlockingTestServer {
 public:
  using tcp = boost::asio::ip::tcp;
  // Serves one accepted connection, numbered 1, 2, ... in accept order.
  using Serve = std::function<void(tcp::socket&, int connection)>;

  // Accepts at once: declare it after everything `serve` uses, so it stops first.
  explicit BlockingTestServer(Serve serve)
      : serve_(std::move(serve)), acceptor_(io_, tcp::endpoint(tcp::v4(), 0)) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~BlockingTestServer() {
    stopping_ = true;
    {
      boost::system::error_code ec;
      tcp::socket wake(io_);
      wake.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    accept_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (auto& socket : sockets_) {
        boost::system::error_code ec;
        socket->shutdown(tcp::socket::shutdown_both, ec);
      }
    }
    for (auto& thread : threads_) thread.join();
  }

  uint16_t port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool stopping() const { return stopping_.load(); }
  int connections() const { return connections_.load(); }

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
      threads_.emplace_back([this, socket, number] { serve_(*socket, number); });
    }
  }

  Serve serve_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace slipway::test
