#pragma once
// One logged answer as the admin API and dashboard show it: its metadata rows, its body when
// kept, and the ratings it received.
#include <optional>
#include <string>
#include <vector>

#include "feedback/json.h"
#include "feedback/rating.h"
#include "store/store.h"

namespace slipway::feedback {

// {"id", "kind", "route", "version", "arm", "primary_id", "user", "created", "status",
//  "prompt_tokens", "latency_seconds", "ttft_seconds", "prompt_hash",
//  "choices": [{"index", "finish_reason", "completion_tokens", "output"?}],
//  "prompt"?: ..., "params"?: ..., "ratings": [...]}; nullopt when not logged.
std::optional<Json> get_response(store::Store& store, const std::string& id);
Json rating_to_json(const StoredRating& rating);

}  // namespace slipway::feedback
