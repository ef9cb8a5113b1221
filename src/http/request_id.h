#pragma once
// Response ids: a prefix by endpoint ("chatcmpl-", "cmpl-", "tok-") and 24 random hex digits.
#include <string>

#include "backends/backend.h"

namespace slipway::http {

std::string make_request_id(backends::Endpoint endpoint);

}  // namespace slipway::http
