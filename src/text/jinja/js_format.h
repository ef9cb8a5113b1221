#pragma once
// Number and string conversions exactly as JavaScript performs them (String(n), JSON.stringify,
// parseInt, parseFloat, Number(s)), since @huggingface/jinja renders through them.
#include <string>
#include <string_view>

namespace slipway::text::jinja {

std::string js_number(double x);        // String(x)
std::string js_float_string(double x);  // FloatValue.toString(): 2 -> "2.0"
std::string json_number(double x);      // JSON.stringify(x): non-finite -> null
void append_json_string(std::string& out, std::string_view s, bool ensure_ascii);
double js_parse_int(std::string_view s);    // parseInt(s, 10); NaN when no digits
double js_parse_float(std::string_view s);  // parseFloat(s)
double js_to_number(std::string_view s);    // Number(s)

}  // namespace slipway::text::jinja
