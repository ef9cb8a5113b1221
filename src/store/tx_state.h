#pragma once
// Internal: what both stores' transactions remember about a failed statement. After a
// statement fails the transaction is over (PostgreSQL aborts it; SQLite is made to behave the
// same so code tested on one dialect behaves alike on the other): further statements throw,
// and a body that swallowed the error still rolls back instead of committing half its work.
#include <optional>
#include <string>
#include <utility>

#include "store/store_error.h"

namespace slipway::store::detail {

class TxState {
 public:
  // Throws when an earlier statement of this transaction failed.
  void check_usable() const {
    if (failed_) {
      throw StoreError(failed_->kind(),
                       "the transaction cannot continue after a failed statement: " +
                           std::string(failed_->what()));
    }
  }
  // Records `error` (the first one wins) and throws it.
  [[noreturn]] void fail(StoreError error) {
    if (!failed_) failed_ = error;
    throw error;
  }
  const std::optional<StoreError>& failure() const { return failed_; }

 private:
  std::optional<StoreError> failed_;
};

}  // namespace slipway::store::detail
