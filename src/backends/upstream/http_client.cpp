#include "backends/upstream/http_client.h"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <optional>

namespace slipway::backends {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// ---------------------------------------------------------------------------------------------
// HttpCall

HttpCall::HttpCall(asio::any_io_executor strand)
    : strand_(strand), watchdog_(strand), deadline_(strand) {}

void HttpCall::cancel() {
  asio::post(strand_, [self = shared_from_this()] { self->stop(Stop::Cancelled); });
}

void HttpCall::stop(Stop why) {
  if (stop_ != Stop::None) return;  // the first reason is the one reported
  stop_ = why;
  if (abort_) abort_();
}

void HttpCall::set_deadline(std::chrono::steady_clock::time_point when) {
  deadline_.expires_at(when);
  deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->stop(Stop::Deadline);
  });
}

void HttpCall::arm(std::chrono::milliseconds timeout) {
  const uint64_t generation = ++watchdog_generation_;
  watchdog_.expires_after(timeout);
  watchdog_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
    // A re-armed or disarmed watchdog may still deliver an old expiry: the generation tells.
    if (!ec && generation == self->watchdog_generation_) self->stop(Stop::Timeout);
  });
}

void HttpCall::disarm() {
  ++watchdog_generation_;
  watchdog_.cancel();
}

void HttpCall::finish() {
  disarm();
  deadline_.cancel();
  abort_ = nullptr;
}

void HttpCall::check() const {
  switch (stop_) {
    case Stop::None:
      return;
    case Stop::Timeout:
      throw HttpError(HttpError::Kind::Timeout, "timed out");
    case Stop::Deadline:
      throw HttpError(HttpError::Kind::Deadline, "deadline exceeded");
    case Stop::Cancelled:
      throw HttpError(HttpError::Kind::Cancelled, "cancelled");
  }
}

namespace {

// Sets what HttpCall::stop() closes for as long as one stage of a call lasts.
class AbortScope {
 public:
  AbortScope(HttpCall& call, std::function<void()>& slot, std::function<void()> abort)
      : slot_(slot) {
    (void)call;
    slot_ = std::move(abort);
  }
  ~AbortScope() { slot_ = nullptr; }
  AbortScope(const AbortScope&) = delete;
  AbortScope& operator=(const AbortScope&) = delete;

 private:
  std::function<void()>& slot_;
};

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Connections

struct HttpClient::Connection {
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;  // bytes read past the previous response stay for the next

  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
  void close() {
    error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }
  // An idle HTTP/1.1 connection must have nothing to read: EOF, an error or stray bytes mean
  // the server closed it (or will), so it is not worth a request.
  bool looks_alive() {
    auto& s = socket();
    if (!s.is_open() || buffer.size() != 0) return false;
    error_code ec;
    s.non_blocking(true, ec);
    if (ec) return false;
    std::array<char, 1> probe{};
    const auto n = s.receive(asio::buffer(probe), tcp::socket::message_peek, ec);
    error_code ignored;
    s.non_blocking(false, ignored);
    return ec == asio::error::would_block && n == 0;
  }
};

HttpClient::HttpClient(asio::any_io_executor io_executor, Url origin, HttpClientOptions options)
    : io_executor_(std::move(io_executor)),
      origin_(std::move(origin)),
      options_(std::move(options)) {
  if (origin_.tls()) {
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3);
    error_code ec;
    tls_->set_default_verify_paths(ec);  // a missing system store is not fatal with ca_file
    if (!options_.ca_file.empty()) {
      tls_->load_verify_file(options_.ca_file, ec);
      if (ec) {
        throw std::runtime_error("cannot load CA file '" + options_.ca_file + "': " + ec.message());
      }
    }
    tls_->set_verify_mode(options_.verify_tls ? ssl::verify_peer : ssl::verify_none);
  }
}

HttpClient::~HttpClient() = default;

uint64_t HttpClient::connections_opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::unique_ptr<HttpClient::Connection> HttpClient::take_idle() {
  std::lock_guard lock(mutex_);
  while (!idle_.empty()) {
    auto connection = std::move(idle_.back());  // the most recently used is the most alive
    idle_.pop_back();
    if (connection->looks_alive()) return connection;
    connection->close();
  }
  return nullptr;
}

void HttpClient::put_idle(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
    idle_.push_back(std::move(connection));
  } else {
    connection->close();
  }
}

asio::awaitable<std::unique_ptr<HttpClient::Connection>> HttpClient::connect(HttpCall& call) {
  const auto where = origin_.origin();
  call.check();
  call.arm(options_.connect_timeout);
  error_code ec;

  tcp::resolver resolver(io_executor_);
  tcp::resolver::results_type endpoints;
  {
    AbortScope scope(call, call.abort_, [&resolver] { resolver.cancel(); });
    endpoints = co_await resolver.async_resolve(origin_.host, std::to_string(origin_.port),
                                                asio::redirect_error(asio::use_awaitable, ec));
  }
  call.check();
  if (ec)
    throw HttpError(HttpError::Kind::Connect, "cannot resolve " + where + ": " + ec.message());

  auto connection = std::make_unique<Connection>();
  if (tls_) {
    connection->tls.emplace(io_executor_, *tls_);
  } else {
    connection->plain.emplace(io_executor_);
  }
  {
    std::lock_guard lock(mutex_);
    ++opened_;
  }
  AbortScope scope(call, call.abort_, [c = connection.get()] { c->close(); });
  co_await asio::async_connect(connection->socket(), endpoints,
                               asio::redirect_error(asio::use_awaitable, ec));
  call.check();
  if (ec)
    throw HttpError(HttpError::Kind::Connect, "cannot connect to " + where + ": " + ec.message());
  connection->socket().set_option(tcp::no_delay(true), ec);  // small requests, streamed replies

  if (tls_) {
    auto& stream = *connection->tls;
    // SNI carries host names only, never address literals.
    if (!is_ip_literal(origin_.host) &&
        !SSL_set_tlsext_host_name(stream.native_handle(), origin_.host.c_str())) {
      throw HttpError(HttpError::Kind::Connect, "cannot set TLS SNI for " + where);
    }
    if (options_.verify_tls) stream.set_verify_callback(ssl::host_name_verification(origin_.host));
    co_await stream.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    call.check();
    if (ec) {
      throw HttpError(HttpError::Kind::Connect,
                      "TLS handshake with " + where + " failed: " + ec.message());
    }
  }
  call.disarm();
  co_return connection;
}

template <class Stream>
asio::awaitable<bool> HttpClient::exchange(
    Stream& stream, Connection& connection, const HttpRequest& request, HttpCall& call,
    bool& received, const std::function<void(const HttpResponseHead&)>& on_head,
    const std::function<void(std::string_view)>& on_body) {
  const auto broken = [&](const char* what, const error_code& ec) {
    call.check();  // a closed socket after stop() is the stop, not a broken connection
    if (ec == beast::error::timeout) throw HttpError(HttpError::Kind::Timeout, "timed out");
    return HttpError(HttpError::Kind::Broken,
                     std::string(what) + " " + origin_.origin() + ": " + ec.message());
  };
  AbortScope scope(call, call.abort_, [&connection] { connection.close(); });
  error_code ec;

  http::request<http::string_body> out{http::string_to_verb(request.method), request.target, 11};
  out.set(http::field::host, origin_.host_header());
  out.set(http::field::user_agent, options_.user_agent);
  bool has_type = false;
  for (const auto& [name, value] : request.headers) {
    out.set(name, value);
    if (beast::iequals(name, "content-type")) has_type = true;
  }
  if (!request.body.empty() || request.method == "POST") {
    if (!has_type) out.set(http::field::content_type, "application/json");
    out.body() = request.body;
  }
  out.keep_alive(true);
  out.prepare_payload();

  call.check();
  call.arm(options_.read_timeout);
  co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw broken("cannot send to", ec);

  http::response_parser<http::buffer_body> parser;
  // Streams are unbounded; fetch() bounds what it keeps. (Not boost::none: Beast 1.74 compares
  // a Content-Length with the optional, and any number is more than none.)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.header_limit(64 * 1024);
  call.arm(options_.read_timeout);
  co_await http::async_read_header(stream, connection.buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  received = parser.got_some();  // even part of a header rules out a retry
  if (ec) throw broken("no answer from", ec);
  call.check();

  HttpResponseHead head;
  head.status = static_cast<int>(parser.get().result_int());
  head.content_type = std::string(parser.get()[http::field::content_type]);
  on_head(head);

  std::array<char, 16 * 1024> piece{};
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    call.check();
    call.arm(options_.read_timeout);
    co_await http::async_read_some(stream, connection.buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) throw broken("answer broken off by", ec);
    const std::size_t n = piece.size() - parser.get().body().size;
    if (n > 0) on_body(std::string_view(piece.data(), n));
  }
  call.disarm();
  call.check();
  co_return parser.keep_alive();
}

asio::awaitable<void> HttpClient::send(const HttpRequest& request, HttpCall& call,
                                       const std::function<void(const HttpResponseHead&)>& on_head,
                                       const std::function<void(std::string_view)>& on_body) {
  for (;;) {
    auto connection = take_idle();
    const bool reused = connection != nullptr;
    if (!connection) connection = co_await connect(call);
    bool received = false;
    try {
      const bool keep = connection->tls
                            ? co_await exchange(*connection->tls, *connection, request, call,
                                                received, on_head, on_body)
                            : co_await exchange(*connection->plain, *connection, request, call,
                                                received, on_head, on_body);
      if (keep) {
        put_idle(std::move(connection));
      } else {
        connection->close();
      }
      co_return;
    } catch (const HttpError& error) {
      connection->close();
      // A kept-alive connection the server had already closed: the request never reached
      // it, so a fresh connection may try again. Anything else is the caller's to handle.
      if (!(reused && !received && error.kind() == HttpError::Kind::Broken)) throw;
    }
  }
}

asio::awaitable<HttpResponse> HttpClient::fetch(const HttpRequest& request, HttpCall& call,
                                                std::size_t max_body) {
  HttpResponse response;
  co_await send(
      request, call,
      [&](const HttpResponseHead& head) {
        response.status = head.status;
        response.content_type = head.content_type;
        response.body.clear();  // a retried call starts over
      },
      [&](std::string_view bytes) {
        if (response.body.size() + bytes.size() > max_body) {
          throw HttpError(HttpError::Kind::Broken, "answer from " + origin_.origin() +
                                                       " is larger than " +
                                                       std::to_string(max_body) + " bytes");
        }
        response.body.append(bytes);
      });
  co_return response;
}

}  // namespace slipway::backends
