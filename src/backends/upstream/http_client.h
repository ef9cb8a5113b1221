#pragma once
// A small coroutine HTTP/1.1 client for talking to upstream model servers (and for the
// `slipway bench` load generator): plain TCP or TLS (SNI, certificate and host name checks),
// a pool of keep-alive connections to one origin, response bodies delivered as bytes arrive,
// a connect timeout, a read timeout that bounds silence (not the whole answer: streams may
// last minutes), an optional deadline for the whole call, and cancel() from any thread.
//
// Boost 1.74's Asio has no per-operation cancellation, so stopping a call means closing what
// it waits on (resolver or socket) from the call's strand; HttpCall keeps track of that.
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// (the line above stays apart from the sorted block below)
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backends/upstream/url.h"

namespace boost::asio::ssl {
class context;
}

namespace slipway::backends {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds read_timeout{120'000};    // longest silence while sending/reading
  int max_idle_connections = 16;                      // kept-alive connections in the pool
  bool verify_tls = true;
  std::string ca_file;  // extra CA bundle (PEM), on top of the system's
  std::string user_agent = "slipway";
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path (and query) on the origin, e.g. "/v1/models"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with Content-Type: application/json unless a header says otherwise
};

struct HttpResponseHead {
  int status = 0;
  std::string content_type;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Why a call failed. Connect: DNS, refused, TLS; Timeout: connect or read timeout; Deadline:
// the call's deadline; Cancelled: cancel(); Broken: the connection failed or the server sent
// something that is not HTTP.
class HttpError : public std::runtime_error {
 public:
  enum class Kind { Connect, Timeout, Deadline, Cancelled, Broken };
  HttpError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The control of one call: create it with the strand the call's coroutine runs on.
class HttpCall : public std::enable_shared_from_this<HttpCall> {
 public:
  explicit HttpCall(boost::asio::any_io_executor strand);
  HttpCall(const HttpCall&) = delete;
  HttpCall& operator=(const HttpCall&) = delete;

  // Thread-safe: stops the call at once by closing its connection (an upstream server takes
  // the closed connection as the end of the request and stops generating).
  void cancel();
  // On the strand, before or during the call: fail with Kind::Deadline at `when`.
  void set_deadline(std::chrono::steady_clock::time_point when);
  // On the strand, when the call is over: no timer stays armed.
  void finish();
  const boost::asio::any_io_executor& strand() const { return strand_; }

 private:
  friend class HttpClient;
  enum class Stop { None, Timeout, Deadline, Cancelled };

  void stop(Stop why);
  void arm(std::chrono::milliseconds timeout);  // the connect/read watchdog
  void disarm();
  void check() const;  // throws the HttpError matching stop_, if any

  boost::asio::any_io_executor strand_;
  boost::asio::steady_timer watchdog_;
  boost::asio::steady_timer deadline_;
  uint64_t watchdog_generation_ = 0;
  Stop stop_ = Stop::None;
  std::function<void()> abort_;  // closes what the call waits on now (set by HttpClient)
};

class HttpClient {
 public:
  // io_executor: where sockets live (an io_context's executor); calls may run on any strand
  // of it, several at a time. Throws std::runtime_error when ca_file cannot be loaded.
  HttpClient(boost::asio::any_io_executor io_executor, Url origin, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request and delivers the answer: on_head once, then on_body for each piece of
  // body as it arrives. Must run on call.strand(). Throws HttpError. A pooled connection that
  // turns out closed before any answer arrived is retried on a fresh one; nothing else is.
  boost::asio::awaitable<void> send(const HttpRequest& request, HttpCall& call,
                                    const std::function<void(const HttpResponseHead&)>& on_head,
                                    const std::function<void(std::string_view)>& on_body);
  // send() with the body collected (at most max_body bytes, else HttpError Broken).
  boost::asio::awaitable<HttpResponse> fetch(const HttpRequest& request, HttpCall& call,
                                             std::size_t max_body = 64 << 20);

  const Url& origin() const { return origin_; }
  const HttpClientOptions& options() const { return options_; }
  // Connections opened so far (tests check keep-alive reuse with it).
  uint64_t connections_opened() const;
  std::size_t idle_connections() const;

 private:
  struct Connection;
  std::unique_ptr<Connection> take_idle();
  void put_idle(std::unique_ptr<Connection> connection);
  boost::asio::awaitable<std::unique_ptr<Connection>> connect(HttpCall& call);
  template <class Stream>
  boost::asio::awaitable<bool> exchange(Stream& stream, Connection& connection,
                                        const HttpRequest& request, HttpCall& call, bool& received,
                                        const std::function<void(const HttpResponseHead&)>& on_head,
                                        const std::function<void(std::string_view)>& on_body);

  boost::asio::any_io_executor io_executor_;
  Url origin_;
  HttpClientOptions options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  uint64_t opened_ = 0;
};

}  // namespace slipway::backends
