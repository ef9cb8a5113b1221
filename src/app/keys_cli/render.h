#pragma once
// Text forms of what `slipway keys` prints, from the admin API's JSON, so direct and remote
// mode print alike. Absent fields print as "-"; a limit of 0 as "default" (the server's).
#include <string>

#include "app/keys_cli/key_client.h"

namespace slipway::app::keys_cli {

// `keys list`: ID NAME PREFIX SCOPES STATE RPM TPM STREAMS CREATED (UTC) EXPIRES (UTC)
// LAST USED (UTC), from {"data": [key...]}. An empty list says so.
std::string render_keys_table(const Json& list);
// `keys show`: every field, one a line.
std::string render_key(const Json& key);
// `keys create`: the record, then the secret on a line of its own, once, with the warning
// that it cannot be shown again.
std::string render_created(const Json& created);
// `keys revoke`: "revoked key_... (name) ...".
std::string render_revoked(const Json& key);

}  // namespace slipway::app::keys_cli
