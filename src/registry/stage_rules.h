#pragma once
// Which stage changes are allowed. Stages follow traffic: candidate (registered), staging (in
// shadow or canary), production (a route's stable version), archived (not loadable until
// restored to candidate). Skipping a step (candidate -> production) is refused; anything may
// be archived except a version an alias still points to; archived may only go back to
// candidate.
#include <optional>
#include <string>
#include <vector>

#include "registry/records.h"

namespace slipway::registry {

// Empty when allowed; otherwise why not, as a sentence for the error message.
std::optional<std::string> stage_change_refusal(Stage from, Stage to,
                                                const std::vector<std::string>& aliases);

}  // namespace slipway::registry
