#pragma once
// A webhook receiver for the notifier's tests: blocking Beast on its own threads (one per
// connection) on 127.0.0.1, port 0. It records every request with its headers and answers
// from a script (status, delay, or hang until the server stops), then 200 once the script
// runs out.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace slipway::monitor::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct ReceivedRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // names in lower case

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ScriptedReply {
  int status = 200;
  std::chrono::milliseconds delay{0};
  bool hang = false;  // never answer (until the server stops)
};

class WebhookTestServer {
 public:
  explicit WebhookTestServer(std::initializer_list<ScriptedReply> script = {})
      : script_(script.begin(), script.end()), acceptor_(io_, tcp::endpoint(tcp::v4(), 0)) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~WebhookTestServer() {
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
    for (auto& thread : threads_) thread.join();
  }

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  ScriptedReply next_reply() {
    std::lock_guard lock(mutex_);
    if (script_.empty()) return {};
    ScriptedReply reply = script_.front();
    script_.pop_front();
    return reply;
  }

  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (stopping_ || ec) return;
      std::lock_guard lock(mutex_);
      sockets_.push_back(socket);
      threads_.emplace_back([this, socket] { serve(*socket); });
    }
  }

  void serve(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      ReceivedRequest seen{
          std::string(request.method_string()), std::string(request.target()), request.body(), {}};
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        seen.headers[name] = std::string(field.value());
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(seen));
      }
      const ScriptedReply reply = next_reply();
      if (reply.hang) {
        while (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return;
      }
      std::this_thread::sleep_for(reply.delay);
      const std::string body = "{}";
      const std::string bytes =
          "HTTP/1.1 " + std::to_string(reply.status) +
          " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
      asio::write(socket, asio::buffer(bytes), ec);
      if (ec || stopping_) return;
    }
  }

  mutable std::mutex mutex_;
  std::deque<ScriptedReply> script_;
  std::vector<ReceivedRequest> requests_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace slipway::monitor::test
