#pragma once
// Validation of a key creation request, field by field, before anything is written.
#include <cstdint>

#include "auth/key_store.h"

namespace slipway::auth {

// Throws KeyError(Kind::Invalid) naming the first bad field.
void check_key_request(const KeyRequest& request, int64_t now_ms);

}  // namespace slipway::auth
