#pragma once
// The auth module's table (module "auth"): auth_keys, one row per API key ever created. Keys
// are never deleted; a name is unique among keys not revoked.
#include "store/store.h"

namespace slipway::auth {

// Brings the auth tables to this binary's version. Idempotent.
void migrate_auth(store::Store& store);

}  // namespace slipway::auth
