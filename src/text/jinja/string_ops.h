#pragma once
// String transformations shared by methods and filters, with the reference's exact behaviour.
#include <string>
#include <string_view>
#include <vector>

#include "text/jinja/value.h"

namespace slipway::text::jinja {

class Interpreter;

std::string title_case(std::string_view s);  // /\b\w/g upper-cased; the rest untouched
std::string capitalize(std::string_view s);  // first character upper-cased; the rest untouched
// str.replace(old, new[, count]) where count may come as a trailing kwargs object.
Value string_replace(Interpreter& interp, const Value& self, const std::vector<Value>& args);

}  // namespace slipway::text::jinja
