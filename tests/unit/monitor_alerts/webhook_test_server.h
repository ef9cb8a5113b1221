#pragma once
// A webhook receiver for the notifier's tests: blocking Beast on its own threads (one per
// connection) on 127.0.0.1, port 0. It records every request with its headers and answers
// from a script (status, delay, or hang until the server stops), then 200 once the script
// runs out.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "beast_test_server.h"

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
      : script_(script.begin(), script.end()) {}

  std::string url(const std::string& path = "/hook") const { return server_.origin() + path; }
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
        while (!server_.stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return;
      }
      std::this_thread::sleep_for(reply.delay);
      if (!slipway::test::write_response(socket, reply.status, "{}") || server_.stopping()) return;
    }
  }

  mutable std::mutex mutex_;
  std::deque<ScriptedReply> script_;
  std::vector<ReceivedRequest> requests_;
  // Last: stops (joining every connection) before the members above go.
  slipway::test::BlockingTestServer server_{[this](tcp::socket& socket, int) { serve(socket); }};
};

}  // namespace slipway::monitor::test
