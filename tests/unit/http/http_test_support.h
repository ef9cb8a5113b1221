#pragma once
// Test doubles and helpers for the HTTP server tests: a scripted fake Backend whose sink calls
// come from its own threads (as real backends' do), a blocking raw-socket HTTP client, and a
// server running on port 0 in a background thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "backends/backend_set.h"
#include "http/server.h"
#include "monitor/serving_metrics.h"

namespace slipway::http::test {

using backends::Json;
using namespace std::chrono_literals;

class FakeControl : public backends::RequestControl {
 public:
  void cancel() override;
  bool cancelled() const;
  // Waits until cancel() was called, at most timeout.
  bool wait_cancelled(std::chrono::milliseconds timeout);
  std::chrono::steady_clock::time_point cancelled_at() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::chrono::steady_clock::time_point at_;
};

// What a request sees inside the fake: the sink, its control, and the request.
struct FakeCall {
  backends::ApiRequest request;
  std::shared_ptr<backends::ResponseSink> sink;
  std::shared_ptr<FakeControl> control;
};

class FakeBackend : public backends::Backend {
 public:
  using Script = std::function<void(FakeCall&)>;
  using HealthScript = std::function<void(std::function<void(backends::HealthStatus)>)>;

  explicit FakeBackend(std::string name, Script script = answer_ok());
  ~FakeBackend() override;  // joins the script threads

  const std::string& name() const override { return name_; }
  Json model_card() const override;
  std::shared_ptr<backends::RequestControl> start(
      backends::ApiRequest request, std::shared_ptr<backends::ResponseSink> sink) override;
  void check_health(std::chrono::milliseconds timeout,
                    std::function<void(backends::HealthStatus)> done) override;
  backends::BackendStats stats() const override { return {}; }

  void set_script(Script script);
  void set_health(HealthScript health);
  std::vector<backends::ApiRequest> requests() const;
  std::shared_ptr<FakeControl> last_control() const;
  // Waits until n requests have started.
  bool wait_started(std::size_t n, std::chrono::milliseconds timeout) const;

  // Scripts.
  static Script answer_ok();                        // on_response({"ok":true}), on_done
  static Script stream(int chunks);                 // chunks {"i":k}, on_done
  static Script wait_for_cancel();                  // nothing until cancel(), then on_done
  static Script error_first(backends::ApiError e);  // on_error, on_done
  static Script error_after(int chunks, backends::ApiError e);

 private:
  std::string name_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  Script script_;
  HealthScript health_;
  std::vector<backends::ApiRequest> requests_;
  std::shared_ptr<FakeControl> last_control_;
  std::vector<std::thread> threads_;
};

struct HttpAnswer {
  int status = 0;                              // 0: no answer (connection closed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // de-chunked
  bool keep_alive = true;
  Json json() const { return Json::parse(body); }
};

// A blocking client over one TCP connection; reads time out after read_timeout.
class RawClient {
 public:
  explicit RawClient(uint16_t port, std::chrono::milliseconds read_timeout = 5s);
  void send(const std::string& bytes);
  HttpAnswer read_answer();
  // Reads whatever arrives until `needle` is seen or the connection ends; returns all of it.
  std::string read_until(const std::string& needle);
  bool closed_by_peer();  // true when the server has closed the connection (EOF/reset)
  void close();

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string pending_;
};

std::string http_request(const std::string& method, const std::string& target,
                         const std::string& body = {},
                         const std::vector<std::string>& headers = {});
// One request on a fresh connection.
HttpAnswer fetch(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body = {}, const std::vector<std::string>& headers = {});

// A server on 127.0.0.1:0 with one fake backend named "m", running in a background thread.
class TestServer {
 public:
  explicit TestServer(ServerOptions options = {}, bool ready = true);
  ~TestServer();  // shuts down and joins if still running

  uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }
  FakeBackend& backend() { return *backend_; }
  std::shared_ptr<FakeBackend> backend_ptr() { return backend_; }
  backends::BackendSet& backends() { return *backends_; }
  monitor::ServingMetrics& metrics() { return *metrics_; }
  // Waits for run() to return; nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  static ServerOptions fast_options();  // small timeouts for tests

 private:
  std::shared_ptr<FakeBackend> backend_;
  std::shared_ptr<backends::BackendSet> backends_;
  std::shared_ptr<monitor::ServingMetrics> metrics_;
  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::future<int> exit_;
  std::thread thread_;
};

std::string chat_body(bool stream = false, const std::string& model = "m");

}  // namespace slipway::http::test
