#include "store/value.h"

#include <cstdlib>

#include "store/store_error.h"

namespace slipway::store {

namespace {

[[noreturn]] void wrong_kind(std::size_t column, const char* wanted) {
  throw StoreError(StoreError::Kind::Type,
                   "result column " + std::to_string(column) + " is not " + wanted);
}

}  // namespace

const Value& Row::operator[](std::size_t column) const {
  if (column >= cells_.size()) {
    throw StoreError(StoreError::Kind::Type, "result has no column " + std::to_string(column));
  }
  return cells_[column];
}

bool Row::is_null(std::size_t column) const {
  return std::holds_alternative<std::monostate>((*this)[column]);
}

int64_t Row::integer(std::size_t column) const {
  const Value& cell = (*this)[column];
  if (const auto* i = std::get_if<int64_t>(&cell)) return *i;
  if (const auto* s = std::get_if<std::string>(&cell)) {
    char* end = nullptr;
    const long long parsed = std::strtoll(s->c_str(), &end, 10);
    if (!s->empty() && end && *end == '\0') return parsed;
  }
  wrong_kind(column, "an integer");
}

double Row::real(std::size_t column) const {
  const Value& cell = (*this)[column];
  if (const auto* d = std::get_if<double>(&cell)) return *d;
  if (const auto* i = std::get_if<int64_t>(&cell)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&cell)) {
    char* end = nullptr;
    const double parsed = std::strtod(s->c_str(), &end);
    if (!s->empty() && end && *end == '\0') return parsed;
  }
  wrong_kind(column, "a number");
}

const std::string& Row::text(std::size_t column) const {
  const Value& cell = (*this)[column];
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  wrong_kind(column, "text");
}

std::optional<int64_t> Row::optional_integer(std::size_t column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::optional<std::string> Row::optional_text(std::size_t column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

}  // namespace slipway::store
