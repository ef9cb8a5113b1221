// HTTPS on the listener: a real server with a fake backend, real TLS clients that verify the
// certificate, and clients that do not speak TLS.
#include <gtest/gtest.h>

#include "http/http_test_support.h"
#include "test_certificate.h"
#include "test_dir.h"
#include "tls_client.h"

namespace slipway::http::test {
namespace {

using Clock = std::chrono::steady_clock;

class TlsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("tls", "server");
    files_ = write_self_signed(dir_, "server");
  }
  ServerOptions tls_options() const {
    ServerOptions options = TestServer::fast_options();
    options.tls_cert_file = files_.cert.string();
    options.tls_key_file = files_.key.string();
    return options;
  }
  // A TLS client that completed its handshake, trusting the server's certificate.
  std::unique_ptr<TlsClient> connect(uint16_t port) {
    auto client = std::make_unique<TlsClient>(port, files_.cert);
    const auto ec = client->handshake();
    EXPECT_FALSE(ec) << ec.message();
    return client;
  }
  std::filesystem::path dir_;
  CertificateFiles files_;
};

TEST_F(TlsServer, HealthAndChatOnOneKeptAliveConnection) {
  TestServer server(tls_options());
  EXPECT_TRUE(server.server().uses_tls());
  auto client = connect(server.port());
  const auto health = client->request("GET", "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->result_int(), 200u);
  EXPECT_TRUE(health->keep_alive());
  const auto chat = client->request("POST", "/v1/chat/completions", chat_body());
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->result_int(), 200u) << chat->body();
  EXPECT_EQ(Json::parse(chat->body())["ok"], true);
  EXPECT_EQ(server.backend().requests().size(), 1u);
}

TEST_F(TlsServer, StreamedChatOverTls) {
  TestServer server(tls_options());
  server.backend().set_script(FakeBackend::stream(2));
  auto client = connect(server.port());
  const auto answer = client->request("POST", "/v1/chat/completions", chat_body(true));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 200u);
  EXPECT_EQ(answer->body(), "data: {\"i\":0}\n\ndata: {\"i\":1}\n\ndata: [DONE]\n\n");
}

TEST_F(TlsServer, PlainHttpGetsNoAnswerAndTlsStillWorks) {
  TestServer server(tls_options());
  RawClient plain(server.port());
  plain.send(http_request("GET", "/health"));
  EXPECT_EQ(plain.read_answer().status, 0);
  EXPECT_TRUE(plain.closed_by_peer());
  auto client = connect(server.port());
  const auto health = client->request("GET", "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->result_int(), 200u);
}

TEST_F(TlsServer, ClientThatTrustsAnotherCertificateFailsTheHandshake) {
  TestServer server(tls_options());
  const auto other = write_self_signed(dir_, "other");
  TlsClient stranger(server.port(), other.cert);
  EXPECT_TRUE(stranger.handshake());
  // The server shrugs it off.
  auto client = connect(server.port());
  EXPECT_TRUE(client->request("GET", "/health"));
}

TEST_F(TlsServer, SilentClientIsDroppedAfterTheHandshakeTimeout) {
  ServerOptions options = tls_options();
  options.tls_handshake_timeout = std::chrono::milliseconds(300);
  options.idle_timeout = std::chrono::seconds(30);  // the handshake deadline is what counts
  TestServer server(options);
  TlsClient silent(server.port(), files_.cert);
  const auto start = Clock::now();
  EXPECT_TRUE(silent.wait_closed_by_server());
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(250));
  auto client = connect(server.port());
  EXPECT_TRUE(client->request("GET", "/health"));
}

TEST_F(TlsServer, PlainServerSaysSo) {
  TestServer server(TestServer::fast_options());
  EXPECT_FALSE(server.server().uses_tls());
}

TEST_F(TlsServer, ListenFailsOnABadKeyFile) {
  ServerOptions options = tls_options();
  options.tls_key_file = (dir_ / "absent.key").string();
  boost::asio::io_context io;
  Server server(io, options, std::make_shared<backends::BackendSet>(),
                std::make_shared<monitor::ServingMetrics>());
  EXPECT_THROW(server.listen(), std::runtime_error);
}

}  // namespace
}  // namespace slipway::http::test
