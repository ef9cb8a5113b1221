#pragma once
// Self-signed certificates for the TLS tests, made with OpenSSL's C API: an EC P-256 key and
// an X509 certificate for 127.0.0.1 and localhost, written as PEM files.
#include <filesystem>
#include <string>

namespace slipway::http::test {

struct CertificateFiles {
  std::filesystem::path cert;  // PEM certificate (also the client's trust anchor)
  std::filesystem::path key;   // PEM private key (unencrypted)
};

// Writes `name`.crt and `name`.key into dir. Throws std::runtime_error when OpenSSL fails.
CertificateFiles write_self_signed(const std::filesystem::path& dir, const std::string& name);

void write_text(const std::filesystem::path& file, const std::string& text);

}  // namespace slipway::http::test
