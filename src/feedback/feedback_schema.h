#pragma once
// The feedback part's tables (module "feedback" in schema_migrations):
//   feedback_responses  one metadata row per answer choice: route, version, arm, user, tokens,
//                       finish reason, times, the canonical prompt's hash; (id, choice_index)
//   feedback_bodies     the redacted prompt and outputs of sampled answers, by id
//   feedback_ratings    👍/👎, task outcome and comment per (response, choice, user)
//   feedback_judgments  a judge's preference between two answers to one prompt
//   feedback_exports    recorded dataset exports: format, filters, content hash and content
// Times are ms since the Unix epoch. Users are stored as given ('' for none).
#include "store/store.h"

namespace slipway::feedback {

// Brings the tables to this binary's version (store::migrate); throws StoreError.
void migrate_feedback(store::Store& store);

}  // namespace slipway::feedback
