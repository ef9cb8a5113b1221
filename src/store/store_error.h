#pragma once
// Errors from the store, sorted by what a caller can do about them.
#include <stdexcept>
#include <string>

namespace slipway::store {

class StoreError : public std::runtime_error {
 public:
  enum class Kind {
    Unique,        // a UNIQUE or PRIMARY KEY constraint refused the write
    Constraint,    // another constraint or trigger refused it (CHECK, FOREIGN KEY, RAISE)
    Conflict,      // serialization failure, deadlock or busy past the timeout: retryable
    SchemaTooNew,  // the database was migrated by a newer slipway
    Connection,    // cannot open or lost the connection
    Type,          // a result cell read as the wrong kind
    Other,
  };
  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace slipway::store
