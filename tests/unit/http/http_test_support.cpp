#include "http_test_support.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>

namespace slipway::http::test {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using backends::ApiError;

// FakeControl ---------------------------------------------------------------------------------

void FakeControl::cancel() {
  std::lock_guard lock(mutex_);
  if (!cancelled_) at_ = std::chrono::steady_clock::now();
  cancelled_ = true;
  cv_.notify_all();
}

bool FakeControl::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

bool FakeControl::wait_cancelled(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return cancelled_; });
}

std::chrono::steady_clock::time_point FakeControl::cancelled_at() const {
  std::lock_guard lock(mutex_);
  return at_;
}

// FakeBackend ---------------------------------------------------------------------------------

FakeBackend::FakeBackend(std::string name, Script script)
    : name_(std::move(name)), script_(std::move(script)) {
  health_ = [](auto done) { done(backends::HealthStatus{true, "fake ok"}); };
}

FakeBackend::~FakeBackend() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

Json FakeBackend::model_card() const {
  return Json{{"id", name_}, {"object", "model"}, {"created", 0}, {"owned_by", "test"}};
}

std::shared_ptr<backends::RequestControl> FakeBackend::start(
    backends::ApiRequest request, std::shared_ptr<backends::ResponseSink> sink) {
  auto control = std::make_shared<FakeControl>();
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  last_control_ = control;
  FakeCall call{std::move(request), std::move(sink), control};
  // Sink calls come from another thread, as with the engine's scheduler or upstream I/O.
  threads_.emplace_back([script = script_, call]() mutable { script(call); });
  cv_.notify_all();
  return control;
}

void FakeBackend::check_health(std::chrono::milliseconds,
                               std::function<void(backends::HealthStatus)> done) {
  HealthScript health;
  {
    std::lock_guard lock(mutex_);
    health = health_;
  }
  health(std::move(done));
}

void FakeBackend::set_script(Script script) {
  std::lock_guard lock(mutex_);
  script_ = std::move(script);
}

void FakeBackend::set_health(HealthScript health) {
  std::lock_guard lock(mutex_);
  health_ = std::move(health);
}

std::vector<backends::ApiRequest> FakeBackend::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::shared_ptr<FakeControl> FakeBackend::last_control() const {
  std::lock_guard lock(mutex_);
  return last_control_;
}

bool FakeBackend::wait_started(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

FakeBackend::Script FakeBackend::answer_ok() {
  return [](FakeCall& call) {
    call.sink->on_response(Json{{"ok", true}, {"id", call.request.request_id}});
    backends::CompletionStats stats;
    stats.completion_tokens = 3;
    stats.finish_reason = "stop";
    call.sink->on_done(stats);
  };
}

FakeBackend::Script FakeBackend::stream(int chunks) {
  return [chunks](FakeCall& call) {
    for (int i = 0; i < chunks; ++i) call.sink->on_chunk(Json{{"i", i}});
    backends::CompletionStats stats;
    stats.completion_tokens = chunks;
    stats.finish_reason = "stop";
    call.sink->on_done(stats);
  };
}

FakeBackend::Script FakeBackend::wait_for_cancel() {
  return [](FakeCall& call) {
    call.control->wait_cancelled(10s);
    backends::CompletionStats stats;
    stats.finish_reason = "abort";
    call.sink->on_done(stats);
  };
}

FakeBackend::Script FakeBackend::error_first(ApiError e) {
  return [e](FakeCall& call) {
    call.sink->on_error(e);
    call.sink->on_done({});
  };
}

FakeBackend::Script FakeBackend::error_after(int chunks, ApiError e) {
  return [chunks, e](FakeCall& call) {
    for (int i = 0; i < chunks; ++i) call.sink->on_chunk(Json{{"i", i}});
    call.sink->on_error(e);
    call.sink->on_done({});
  };
}

// RawClient -----------------------------------------------------------------------------------

namespace {

void set_read_timeout(tcp::socket& socket, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

RawClient::RawClient(uint16_t port, std::chrono::milliseconds read_timeout) : socket_(io_) {
  socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  set_read_timeout(socket_, read_timeout);
}

void RawClient::send(const std::string& bytes) {
  asio::write(socket_, asio::buffer(bytes));
}

HttpAnswer RawClient::read_answer() {
  HttpAnswer answer;
  boost::beast::flat_buffer buffer;
  buffer.commit(asio::buffer_copy(buffer.prepare(pending_.size()), asio::buffer(pending_)));
  pending_.clear();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  bhttp::read(socket_, buffer, parser, ec);
  const auto data = buffer.data();
  pending_.assign(static_cast<const char*>(data.data()), data.size());
  if (ec) return answer;
  const auto& res = parser.get();
  answer.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    answer.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  }
  answer.body = res.body();
  answer.keep_alive = res.keep_alive();
  return answer;
}

std::string RawClient::read_until(const std::string& needle) {
  std::string out = std::move(pending_);
  pending_.clear();
  char chunk[4096];
  while (out.find(needle) == std::string::npos) {
    boost::system::error_code ec;
    const std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
    if (ec) break;
    out.append(chunk, n);
  }
  return out;
}

bool RawClient::closed_by_peer() {
  if (!pending_.empty()) return false;
  char byte;
  boost::system::error_code ec;
  socket_.read_some(asio::buffer(&byte, 1), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

void RawClient::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::string http_request(const std::string& method, const std::string& target,
                         const std::string& body, const std::vector<std::string>& headers) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: test\r\n";
  for (const auto& header : headers) out += header + "\r\n";
  if (!body.empty() || method == "POST") {
    out +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return out + "\r\n" + body;
}

HttpAnswer fetch(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body, const std::vector<std::string>& headers) {
  RawClient client(port);
  client.send(http_request(method, target, body, headers));
  return client.read_answer();
}

std::string chat_body(bool stream, const std::string& model) {
  Json body{{"model", model}, {"messages", Json::array({{{"role", "user"}, {"content", "hi"}}})}};
  if (stream) body["stream"] = true;
  return body.dump();
}

// TestServer ----------------------------------------------------------------------------------

ServerOptions TestServer::fast_options() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.header_timeout = 2s;
  options.body_timeout = 2s;
  options.idle_timeout = 5s;
  options.drain_timeout = 5s;
  options.health_timeout = 1s;
  return options;
}

TestServer::TestServer(ServerOptions options, bool ready)
    : backend_(std::make_shared<FakeBackend>("m")),
      backends_(std::make_shared<backends::BackendSet>()),
      metrics_(std::make_shared<monitor::ServingMetrics>()) {
  backends_->add(backend_);
  options.port = 0;
  server_ = std::make_unique<Server>(io_, std::move(options), backends_, metrics_);
  server_->listen();
  server_->set_ready(ready);
  std::packaged_task<int()> task([this] { return server_->run(); });
  exit_ = task.get_future();
  thread_ = std::thread(std::move(task));
}

TestServer::~TestServer() {
  if (thread_.joinable()) {
    server_->shutdown();
    thread_.join();
  }
}

std::optional<int> TestServer::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  thread_.join();
  return exit_.get();
}

}  // namespace slipway::http::test
