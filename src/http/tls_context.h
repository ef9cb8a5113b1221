#pragma once
// The listener's TLS settings: a server context built once from PEM files (TLS 1.2 and newer,
// no compression, no renegotiation, OpenSSL's default ciphers).
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "http/server.h"

namespace slipway::http {

// True when both files are set. Throws std::runtime_error when only one of them is.
bool tls_requested(const ServerOptions& options);

// Loads the certificate chain and the private key and checks that they belong together.
// Throws std::runtime_error naming the file and OpenSSL's reason (missing file, bad PEM, a
// key with a passphrase, a key that does not match the certificate).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace slipway::http
