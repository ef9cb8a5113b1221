#pragma once
// Values that cross the store boundary: SQL parameters and result cells. Four kinds are
// enough for every module (NULL, 64-bit integer, double, UTF-8 text); JSON documents travel
// as text so both dialects store them the same way.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace slipway::store {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline Value null_value() {
  return Value{};
}

// One result row. Accessors throw StoreError(Kind::Type) when a cell is not of the asked kind
// (an integer cell may be read as a double; PostgreSQL's numeric text is converted).
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  std::size_t size() const { return cells_.size(); }
  bool is_null(std::size_t column) const;
  int64_t integer(std::size_t column) const;
  double real(std::size_t column) const;
  const std::string& text(std::size_t column) const;
  std::optional<int64_t> optional_integer(std::size_t column) const;
  std::optional<std::string> optional_text(std::size_t column) const;
  const Value& operator[](std::size_t column) const;

 private:
  std::vector<Value> cells_;
};

using Rows = std::vector<Row>;
using Params = std::vector<Value>;

}  // namespace slipway::store
