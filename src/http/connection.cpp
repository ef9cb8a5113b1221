#include "http/connection.h"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>

#include "http/coro.h"
#include "http/log.h"

namespace slipway::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using backends::ApiError;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 4096;
// After an error answer, read (and drop) what the client still sends for this long before
// closing: closing with unread data makes the kernel send RST, which can destroy the answer
// before the client reads it.
constexpr std::chrono::milliseconds kLinger{500};
// How long a TLS close waits for the client's close_notify after sending ours.
constexpr std::chrono::milliseconds kCloseNotifyWait{200};

bool is_expect_continue(const Connection::Request& request) {
  const auto expect = request[bhttp::field::expect];
  return expect.size() == 12 && boost::beast::iequals(expect, "100-continue");
}

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

}  // namespace

Connection::Connection(ClientStream socket, std::shared_ptr<ServerState> state)
    : socket_(std::move(socket)),
      state_(std::move(state)),
      deadline_timer_(socket_.get_executor()),
      waiter_(socket_.get_executor()) {}

Connection::~Connection() = default;

void Connection::start() {
  registry_id_ = state_->add_connection(weak_from_this());
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), serve(), [self](std::exception_ptr error) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        http_log().error("connection failed: {}", e.what());
      }
    }
    self->state_->remove_connection(self->registry_id_);
  });
}

void Connection::drain_started() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    error_code ignored;
    // Only an idle connection is closed now; one mid-request gets its answer first.
    if (self->phase_ == Phase::Idle) self->socket_.cancel(ignored);
  });
}

void Connection::drain_deadline() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->force_close_ = true;
    if (self->phase_ == Phase::Busy) {
      self->cancel_in_flight();
    } else {
      error_code ignored;
      self->socket_.cancel(ignored);
    }
  });
}

void Connection::arm_deadline(std::chrono::milliseconds timeout) {
  deadline_fired_ = false;
  const uint64_t generation = ++deadline_generation_;
  deadline_timer_.expires_after(timeout);
  deadline_timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
    if (ec || generation != self->deadline_generation_) return;
    self->deadline_fired_ = true;
    error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Connection::disarm_deadline() {
  ++deadline_generation_;
  deadline_timer_.cancel();
}

asio::awaitable<void> Connection::serve() {
  const ServerOptions& options = state_->options;
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // SSE events go out at once
  if (socket_.is_tls()) {
    // Under the handshake deadline (a client that connects and sends nothing is dropped);
    // a failed handshake (plain HTTP on the TLS port, an untrusted certificate) is the
    // client's problem, not the server's: closed quietly.
    error_code ec = asio::error::shut_down;
    if (!state_->draining()) ec = co_await socket_.handshake(options.tls_handshake_timeout);
    if (ec) {
      http_log().debug("TLS handshake failed: {}", ec.message());
      co_await close(false);
      co_return;
    }
  }
  for (;;) {
    // The first byte of the next request, waited for under the idle timeout (a pipelined
    // request may already be buffered).
    if (buffer_.size() == 0) {
      if (state_->draining() || force_close_) break;
      phase_ = Phase::Idle;
      error_code ec;
      arm_deadline(options.idle_timeout);
      const std::size_t n = co_await socket_.async_read_some(
          buffer_.prepare(kReadChunk), asio::redirect_error(asio::use_awaitable, ec));
      disarm_deadline();
      if (ec) break;  // idle timeout, drain, or the client left: close quietly
      buffer_.commit(n);
    }

    // The header, then the body, each under its own deadline (slow-loris).
    phase_ = Phase::Reading;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max())));
    parser.body_limit(options.max_body_bytes);
    error_code ec;
    bool header_done = false;
    arm_deadline(options.header_timeout);
    co_await bhttp::async_read_header(socket_, buffer_, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    disarm_deadline();
    if (!ec) {
      header_done = true;
      if (!parser.is_done()) {
        if (is_expect_continue(parser.get())) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          co_await asio::async_write(socket_, asio::buffer(kContinue),
                                     asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!ec) {
          arm_deadline(options.body_timeout);
          co_await bhttp::async_read(socket_, buffer_, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
          disarm_deadline();
        }
      }
    }

    if (ec) {
      std::optional<ApiError> error;
      if (force_close_) {
        // The drain deadline dropped a half-read request: nothing to answer.
      } else if (deadline_fired_) {
        error = request_timeout_error(
            header_done
                ? "The request body was not received within " + ms(options.body_timeout)
                : "The request header was not received within " + ms(options.header_timeout));
      } else if (ec == bhttp::error::header_limit) {
        error = header_too_large_error("The request header exceeds the limit of " +
                                       std::to_string(options.max_header_bytes) + " bytes.");
      } else if (ec == bhttp::error::body_limit) {
        error = ApiError::too_large("The request body exceeds the limit of " +
                                    std::to_string(options.max_body_bytes) + " bytes.");
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        error = ApiError::bad_request("Malformed HTTP request: " + ec.message());
      }
      if (error) {
        state_->metrics->record_rejection(error->status);
        Response res = error_response(*error);
        res.keep_alive(false);
        phase_ = Phase::Busy;
        co_await bhttp::async_write(socket_, res, asio::redirect_error(asio::use_awaitable, ec));
        co_await close(true);
        co_return;
      }
      break;
    }

    phase_ = Phase::Busy;
    Request request = parser.release();
    bool keep_alive = false;
    try {
      keep_alive = co_await dispatch(request);
    } catch (const std::exception& e) {
      // A throwing backend or bug must not leave a request running for a connection we drop.
      http_log().error("request {} {} failed: {}", request.method_string(), request.target(),
                       e.what());
      cancel_in_flight();
      keep_alive = false;
    }
    if (!keep_alive || force_close_) break;
  }
  co_await close(false);
}

asio::awaitable<void> Connection::close(bool linger) {
  phase_ = Phase::Closing;
  // TLS: close_notify; when lingering, its wait for the client's is the linger.
  error_code ec = co_await socket_.end_output(force_close_ ? std::chrono::milliseconds(0)
                                                           : (linger ? kLinger : kCloseNotifyWait));
  if (linger && !ec && !force_close_ && !socket_.is_tls()) {
    std::array<char, kReadChunk> scratch;
    arm_deadline(kLinger);
    while (!ec) {
      co_await socket_.async_read_some(asio::buffer(scratch),
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
    disarm_deadline();
  }
  socket_.close(ec);
}

}  // namespace slipway::http
