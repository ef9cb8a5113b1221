#include "app/models/admin_client.h"

#include <openssl/ssl.h>

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// (the line above stays apart from the sorted block below)
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <optional>
#include <stdexcept>

namespace slipway::app::models {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxAnswerBytes = 256u << 20;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// What failed, for the message: "cannot connect to URL: Connection refused".
struct Phase {
  const char* what = "cannot reach";
};

std::string describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

template <class Stream>
asio::awaitable<AdminReply> exchange(Stream& stream, http::request<http::string_body>& request,
                                     std::chrono::milliseconds read_timeout, Phase& phase) {
  phase.what = "cannot send the request to";
  beast::get_lowest_layer(stream).expires_after(read_timeout);
  co_await http::async_write(stream, request, asio::use_awaitable);
  phase.what = "no answer from";
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  beast::get_lowest_layer(stream).expires_after(read_timeout);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  AdminReply reply;
  reply.status = static_cast<int>(parser.get().result_int());
  reply.body = std::move(parser.get().body());
  co_return reply;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

AdminClient::AdminClient(std::string server_url, std::string api_key, AdminClientOptions options)
    : server_url_(std::move(server_url)), api_key_(std::move(api_key)), options_(options) {
  try {
    url_ = backends::parse_url(server_url_);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("invalid --server URL '" + server_url_ +
                                "': use http://host:port or https://host:port");
  }
}

AdminReply AdminClient::send(std::string_view method, const std::string& target,
                             const std::string& body) {
  http::request<http::string_body> request{http::string_to_verb(method), url_.root_path() + target,
                                           11};
  request.set(http::field::host, url_.host_header());
  request.set(http::field::user_agent, "slipway-cli");
  request.set(http::field::accept, "application/json");
  if (!api_key_.empty()) request.set(http::field::authorization, "Bearer " + api_key_);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.keep_alive(false);
  request.prepare_payload();

  asio::io_context io;
  std::optional<ssl::context> tls;
  if (url_.tls()) {
    tls.emplace(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3);
    boost::system::error_code ec;
    tls->set_default_verify_paths(ec);
    tls->set_verify_mode(ssl::verify_peer);
  }

  Phase phase;
  auto run = [&]() -> asio::awaitable<AdminReply> {
    auto executor = co_await asio::this_coro::executor;
    phase.what = "cannot resolve";
    tcp::resolver resolver(executor);
    const auto endpoints =
        co_await resolver.async_resolve(url_.host, std::to_string(url_.port), asio::use_awaitable);
    phase.what = "cannot connect to";
    if (!tls) {
      beast::tcp_stream stream(executor);
      stream.expires_after(options_.connect_timeout);
      co_await stream.async_connect(endpoints, asio::use_awaitable);
      co_return co_await exchange(stream, request, options_.read_timeout, phase);
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
    beast::get_lowest_layer(stream).expires_after(options_.connect_timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
    phase.what = "TLS handshake failed with";
    if (!is_ip_literal(url_.host) &&
        !SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str())) {
      throw std::runtime_error("cannot set TLS SNI");
    }
    stream.set_verify_callback(ssl::host_name_verification(url_.host));
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    co_return co_await exchange(stream, request, options_.read_timeout, phase);
  };

  std::optional<AdminReply> reply;
  std::exception_ptr failure;
  asio::co_spawn(io, run(), [&](std::exception_ptr error, AdminReply answer) {
    if (error) {
      failure = error;
    } else {
      reply = std::move(answer);
    }
  });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(std::string(phase.what) + " the slipway server at " + server_url_ +
                               ": " + describe(e.code()));
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string(phase.what) + " the slipway server at " + server_url_ +
                               ": " + e.what());
    }
  }
  return std::move(*reply);
}

registry::Json AdminClient::call(std::string_view method, const std::string& target,
                                 const registry::Json& body) {
  const AdminReply reply = send(method, target, body.is_null() ? std::string() : body.dump());
  registry::Json answer;
  if (!reply.body.empty()) {
    answer = registry::Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  }
  if (reply.status >= 300) {
    if (answer.is_object() && answer.contains("error") && answer["error"].is_object()) {
      const auto& error = answer["error"];
      const std::string message = error.value("message", std::string());
      const std::string code = error.contains("code") && error["code"].is_string()
                                   ? error["code"].get<std::string>()
                                   : std::string();
      if (!message.empty()) throw AdminError(reply.status, code, message);
    }
    std::string excerpt = reply.body.substr(0, 200);
    throw AdminError(reply.status, "",
                     "the slipway server at " + server_url_ + " answered " +
                         std::to_string(reply.status) + (excerpt.empty() ? "" : ": " + excerpt));
  }
  if (answer.is_discarded()) {
    throw std::runtime_error("the slipway server at " + server_url_ + " answered " +
                             std::string(method) + " " + target +
                             " with something that is not JSON");
  }
  return answer;
}

}  // namespace slipway::app::models
