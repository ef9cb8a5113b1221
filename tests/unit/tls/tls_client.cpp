#include "tls_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>

namespace slipway::http::test {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

TlsClient::TlsClient(uint16_t port, const std::filesystem::path& trusted_cert,
                     std::chrono::milliseconds timeout)
    : timeout_(timeout), context_(asio::ssl::context::tls_client), stream_(io_, context_) {
  context_.load_verify_file(trusted_cert.string());
  stream_.set_verify_mode(asio::ssl::verify_peer);
  // The certificate must name the address connected to, not merely be trusted.
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream_.native_handle()), "127.0.0.1") != 1) {
    throw std::runtime_error("X509_VERIFY_PARAM_set1_ip_asc failed");
  }
  stream_.next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

template <typename Start>
error_code TlsClient::run(Start start) {
  std::optional<error_code> result;
  start([&result](error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run_for(timeout_);
  if (result) return *result;
  error_code ignored;
  stream_.next_layer().cancel(ignored);
  io_.restart();
  io_.run();  // the cancelled operation completes
  return asio::error::timed_out;
}

error_code TlsClient::handshake() {
  return run([this](auto handler) {
    stream_.async_handshake(asio::ssl::stream_base::client, std::move(handler));
  });
}

std::optional<TlsClient::Response> TlsClient::request(const std::string& method,
                                                      const std::string& target,
                                                      const std::string& body) {
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
  req.set(bhttp::field::host, "127.0.0.1");
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  if (run([&](auto handler) { bhttp::async_write(stream_, req, std::move(handler)); })) {
    return std::nullopt;
  }
  Response res;
  if (run([&](auto handler) { bhttp::async_read(stream_, buffer_, res, std::move(handler)); })) {
    return std::nullopt;
  }
  return res;
}

bool TlsClient::wait_closed_by_server() {
  char byte;
  const error_code ec = run([&](auto handler) {
    stream_.next_layer().async_read_some(asio::buffer(&byte, 1), std::move(handler));
  });
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

}  // namespace slipway::http::test
