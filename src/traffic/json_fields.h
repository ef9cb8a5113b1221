#pragma once
// Reading user-written JSON objects (plans, gate settings) field by field, with errors that
// name the field. Internal to traffic.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "traffic/json.h"

namespace slipway::traffic {

[[noreturn]] void throw_invalid(const std::string& message);
// Throws naming every field of `object` not in `known`; `what` is "the plan", "a step", ...
void refuse_unknown_fields(const Json& object, std::initializer_list<std::string_view> known,
                           const std::string& what);
void require_object(const Json& value, const std::string& what);
// A finite number.
double number_field(const Json& value, const std::string& name);
// A whole number >= 0 (5 and 5.0 both count).
int64_t count_field(const Json& value, const std::string& name);
// Seconds as a number, or a text parse_duration_ms reads; never negative.
int64_t duration_field(const Json& value, const std::string& name);
// The command bodies' optional fields: absent or null reads as "" / false / empty.
std::string optional_text_field(const Json& object, const std::string& name);
bool optional_flag_field(const Json& object, const std::string& name);
std::vector<std::string> text_list_field(const Json& value, const std::string& name);
// Whole numbers as integers (5, not 5.0), so what users wrote reads back the same.
Json number_json(double value);

}  // namespace slipway::traffic
