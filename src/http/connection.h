#pragma once
// One client connection: a coroutine on its own strand reads requests (with idle, header and
// body deadlines), routes them and writes the answers; keep-alive and pipelining included.
// Sources: connection.cpp (reading, deadlines, closing), connection_dispatch.cpp (routes, auth,
// simple answers), model_exchange.cpp (backend requests, SSE, disconnect watch),
// connection_admin.cpp (the admin API, run on the admin thread pool), connection_feedback.cpp
// (POST /v1/feedback, through the response log's writer).
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "backends/backend.h"
#include "http/client_stream.h"
#include "http/coro.h"
#include "http/request_guards.h"
#include "http/responses.h"
#include "http/server_state.h"
#include "http/wake_signal.h"

namespace slipway::http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  // socket's executor must be a strand: every handler of this connection runs on it. A TLS
  // stream's handshake runs in serve(), before the first read.
  Connection(ClientStream socket, std::shared_ptr<ServerState> state);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();  // registers with the state and spawns the coroutine

  // Shutdown hooks, callable from any thread. drain_started() closes the connection if it is
  // idle; drain_deadline() cancels the request in flight, or drops a half-read one.
  void drain_started();
  void drain_deadline();

 private:
  enum class Phase { Idle, Reading, Busy, Closing };

  // connection.cpp
  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<void> close(bool linger);
  void arm_deadline(std::chrono::milliseconds timeout);
  void disarm_deadline();

  // connection_dispatch.cpp
  boost::asio::awaitable<bool> dispatch(Request& request);
  // Sets caller_ from the request's key, or returns why it may not call this route.
  std::optional<backends::ApiError> check_auth(const Request& request, auth::Scope scope);
  // Writes res; returns whether the connection stays open for another request.
  boost::asio::awaitable<bool> send(Response res, bool keep_alive);
  boost::asio::awaitable<bool> reject(const backends::ApiError& error, bool keep_alive,
                                      std::string_view allow = {});

  // connection_admin.cpp
  boost::asio::awaitable<bool> serve_admin(Request& request, bool keep_alive);

  // connection_feedback.cpp
  boost::asio::awaitable<bool> serve_feedback(Request& request, bool keep_alive);
  // Queues the rating and waits for the writer's answer (durable, or why not).
  boost::asio::awaitable<feedback::SubmitResult> submit_rating(
      feedback::FeedbackLog& log, const feedback::RatingSubmission& submission);

  // model_exchange.cpp
  boost::asio::awaitable<bool> serve_model(Request& request, backends::Endpoint endpoint,
                                           bool keep_alive);
  boost::asio::awaitable<bool> write_chunk(std::string& data, bool last, bool keep_alive);
  void start_watch();
  void watch_next();
  boost::asio::awaitable<void> stop_watch();
  void cancel_in_flight();

  ClientStream socket_;
  std::shared_ptr<ServerState> state_;
  boost::beast::flat_buffer buffer_;
  uint64_t registry_id_ = 0;
  Phase phase_ = Phase::Idle;
  bool force_close_ = false;  // drain deadline passed: finish the current answer and close

  // The read deadline: when it fires it cancels the socket's pending read.
  boost::asio::steady_timer deadline_timer_;
  uint64_t deadline_generation_ = 0;  // a stale timer handler must not cancel a later read
  bool deadline_fired_ = false;

  // The request in flight: its backend control, and the disconnect watch (a read that runs
  // while the backend works, so a closed socket is seen at once, not at the next write).
  Waiter waiter_;
  std::shared_ptr<backends::RequestControl> control_;
  bool cancelled_ = false;
  bool watching_ = false;
  bool stop_watching_ = false;
  bool peer_gone_ = false;
  bool stream_headers_sent_ = false;
  std::string request_id_;
  Caller caller_;               // who sent the current request (its API key), set by dispatch()
  std::string served_version_;  // the version answering the current model request (a header)
};

}  // namespace slipway::http
