#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fstream>
#include <stdexcept>

namespace slipway::http {

namespace ssl = boost::asio::ssl;

namespace {

// The reasons OpenSSL queued for the last failure ("no start line", "key values mismatch"),
// most specific last; clears the queue.
std::string openssl_reasons() {
  std::string reasons;
  while (const unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    if (!reasons.empty()) reasons.append("; ");
    if (reason) {
      reasons.append(reason);
    } else {
      reasons.append("error ").append(std::to_string(code));
    }
  }
  return reasons.empty() ? std::string("unknown OpenSSL error") : reasons;
}

[[noreturn]] void fail(std::string what, const std::string& file, const std::string& reason) {
  what.append(" '").append(file).append("': ").append(reason);
  throw std::runtime_error(what);
}

void require_readable(const std::string& what, const std::string& file) {
  if (!std::ifstream(file).good()) {
    fail(std::string("cannot read the ").append(what), file, "no such file or not readable");
  }
}

// A key with a passphrase fails to load instead of OpenSSL prompting on the terminal.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

}  // namespace

bool tls_requested(const ServerOptions& options) {
  const bool cert = !options.tls_cert_file.empty();
  const bool key = !options.tls_key_file.empty();
  if (cert != key) {
    throw std::runtime_error(cert ? "TLS needs a private key: tls_cert_file is set but "
                                    "tls_key_file is not"
                                  : "TLS needs a certificate: tls_key_file is set but "
                                    "tls_cert_file is not");
  }
  return cert;
}

std::shared_ptr<ssl::context> make_tls_context(const std::string& cert_file,
                                               const std::string& key_file) {
  require_readable("TLS certificate file", cert_file);
  require_readable("TLS private key file", key_file);
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_default_passwd_cb(native, no_passphrase);

  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    fail("cannot load the TLS certificate chain from", cert_file, openssl_reasons());
  }
  // OpenSSL compares the key with the certificate while loading it, or in the check after.
  const std::string mismatch = std::string("the TLS private key does not match the certificate '")
                                   .append(cert_file)
                                   .append("': key");
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    const std::string reasons = openssl_reasons();
    fail(reasons.find("mismatch") != std::string::npos ? mismatch
                                                       : "cannot load the TLS private key from",
         key_file, reasons);
  }
  if (SSL_CTX_check_private_key(native) != 1) fail(mismatch, key_file, openssl_reasons());
  return context;
}

}  // namespace slipway::http
