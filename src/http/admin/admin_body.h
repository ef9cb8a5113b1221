#pragma once
// Reading admin request bodies and query parameters field by field. Every check throws a
// backends::ApiError naming the field (as "param", dotted for nested fields: "source.kind"):
// 400 for a missing field, an unknown one or a bad value, 422 for a value of the wrong type.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "backends/backend.h"

namespace slipway::http {

using backends::Json;

// The body as an object. A missing body (null) is an empty object when `optional`, else 400.
const Json& body_object(const Json& body, bool optional = false);

// 400 naming every member of `object` not in `allowed` (`prefix` is prepended: "source.").
void reject_unknown_fields(const Json& object, std::initializer_list<std::string_view> allowed,
                           std::string_view prefix = {});
// The same for query parameters.
void reject_unknown_query(const std::map<std::string, std::string>& query,
                          std::initializer_list<std::string_view> allowed);

// Absent or null: nullopt. `name` is the field's full dotted name (for messages and "param");
// `key` is its member name in `object`.
std::optional<std::string> optional_string(const Json& object, std::string_view key,
                                           std::string_view name);
std::string required_string(const Json& object, std::string_view key, std::string_view name);
std::optional<bool> optional_bool(const Json& object, std::string_view key, std::string_view name);
// An object member (absent or null: an empty object).
Json optional_object(const Json& object, std::string_view key, std::string_view name);
// An object whose values are all strings (tags).
Json optional_string_map(const Json& object, std::string_view key, std::string_view name);
// A version number: a JSON integer or a string of digits, at least 1.
int64_t version_number(const Json& value, std::string_view name);
// A query parameter of digits (>= 0); nullopt when absent.
std::optional<int64_t> query_integer(const std::map<std::string, std::string>& query,
                                     std::string_view name);

}  // namespace slipway::http
