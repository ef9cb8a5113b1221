#pragma once
// Internal (FeedbackLog's writer): the SQL that stores one answer inside a batch's write
// transaction: a metadata row per choice and, when kept, its body. Rows already stored (an id
// logged twice) are left as they are.
#include "feedback/exchange_encoding.h"
#include "feedback/logged_answer.h"
#include "store/store.h"

namespace slipway::feedback {

void insert_answer_rows(store::Transaction& tx, const LoggedAnswer& answer,
                        const EncodedExchange& encoded);

}  // namespace slipway::feedback
