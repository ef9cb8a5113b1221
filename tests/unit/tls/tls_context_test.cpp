// The listener's TLS context: which files make HTTPS, and clear errors for bad ones.
#include "http/tls_context.h"

#include <gtest/gtest.h>

#include "http/server.h"
#include "test_certificate.h"
#include "test_dir.h"

namespace slipway::http::test {
namespace {

// Runs f, which must throw std::runtime_error; returns its message.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

class TlsContext : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = slipway::test::fresh_test_dir("tls", "context");
    files_ = write_self_signed(dir_, "server");
  }
  std::filesystem::path dir_;
  CertificateFiles files_;
};

TEST_F(TlsContext, MatchingCertificateAndKeyLoad) {
  EXPECT_NE(make_tls_context(files_.cert, files_.key), nullptr);
}

TEST_F(TlsContext, MissingKeyFileIsNamed) {
  const auto missing = (dir_ / "absent.key").string();
  const std::string message = error_of([&] { make_tls_context(files_.cert, missing); });
  EXPECT_NE(message.find(missing), std::string::npos) << message;
  EXPECT_NE(message.find("private key"), std::string::npos) << message;
}

TEST_F(TlsContext, MissingCertificateFileIsNamed) {
  const auto missing = (dir_ / "absent.crt").string();
  const std::string message = error_of([&] { make_tls_context(missing, files_.key); });
  EXPECT_NE(message.find(missing), std::string::npos) << message;
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;
}

TEST_F(TlsContext, KeyOfAnotherCertificateIsRejected) {
  const auto other = write_self_signed(dir_, "other");
  const std::string message = error_of([&] { make_tls_context(files_.cert, other.key); });
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;
  EXPECT_NE(message.find(other.key.string()), std::string::npos) << message;
  EXPECT_NE(message.find("mismatch"), std::string::npos) << message;  // OpenSSL's reason
}

TEST_F(TlsContext, GarbageCertificateGivesOpenSslsReason) {
  const auto garbage = dir_ / "garbage.crt";
  write_text(garbage, "this is not PEM\n");
  const std::string message = error_of([&] { make_tls_context(garbage, files_.key); });
  EXPECT_NE(message.find(garbage.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no start line"), std::string::npos) << message;
}

TEST_F(TlsContext, GarbageKeyGivesOpenSslsReason) {
  const auto garbage = dir_ / "garbage.key";
  write_text(garbage,
             "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");
  const std::string message = error_of([&] { make_tls_context(files_.cert, garbage); });
  EXPECT_NE(message.find(garbage.string()), std::string::npos) << message;
  EXPECT_NE(message.find("cannot load the TLS private key"), std::string::npos) << message;
}

TEST_F(TlsContext, CertificateAsKeyIsRejected) {
  // A readable PEM file of the wrong kind: no prompt, no crash, an error naming the file.
  const std::string message = error_of([&] { make_tls_context(files_.cert, files_.cert); });
  EXPECT_NE(message.find(files_.cert.string()), std::string::npos) << message;
}

TEST(TlsOptions, BothFilesOrNeither) {
  ServerOptions options;
  EXPECT_FALSE(tls_requested(options));
  options.tls_cert_file = "server.crt";
  EXPECT_NE(error_of([&] { tls_requested(options); }).find("tls_key_file"), std::string::npos);
  options.tls_key_file = "server.key";
  EXPECT_TRUE(tls_requested(options));
  options.tls_cert_file.clear();
  EXPECT_NE(error_of([&] { tls_requested(options); }).find("tls_cert_file"), std::string::npos);
}

}  // namespace
}  // namespace slipway::http::test
