// The `is` tests of @huggingface/jinja (x is defined, x is string, ...).
#include <cmath>
#include <string>

#include "text/jinja/builtins.h"
#include "text/jinja/error.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {
namespace {

bool second_equals(const std::vector<Value>& args) {
  // The reference reads b.value; without a second operand that is a TypeError.
  if (args.size() < 2) throw Error("test 'equalto' needs a value to compare with");
  return strict_equal(args[0], args[1]);
}

}  // namespace

bool has_test(std::string_view name) {
  static const char* kNames[] = {"boolean",  "callable",  "odd",      "even",   "false",
                                 "true",     "none",      "string",   "number", "integer",
                                 "iterable", "mapping",   "sequence", "lower",  "upper",
                                 "defined",  "undefined", "equalto",  "eq"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

bool run_test(std::string_view name, const std::vector<Value>& args) {
  const Value& v = args.at(0);
  if (name == "defined") return !v.is(Kind::Undefined);
  if (name == "undefined") return v.is(Kind::Undefined);
  if (name == "none") return v.is(Kind::Null);
  if (name == "string") return v.is(Kind::String);
  if (name == "boolean") return v.is(Kind::Bool);
  if (name == "true") return v.is(Kind::Bool) && v.as_bool();
  if (name == "false") return v.is(Kind::Bool) && !v.as_bool();
  if (name == "number") return v.is_number();
  if (name == "integer") return v.is(Kind::Int);
  if (name == "callable") return v.is(Kind::Function);
  if (name == "iterable") return (v.is(Kind::Array) && !v.is_tuple()) || v.is(Kind::String);
  if (name == "mapping") return v.is(Kind::Object);
  if (name == "sequence") return v.is(Kind::Array) || v.is(Kind::Object) || v.is(Kind::String);
  if (name == "lower") return v.is(Kind::String) && v.str() == js_lower(v.str());
  if (name == "upper") return v.is(Kind::String) && v.str() == js_upper(v.str());
  if (name == "odd" || name == "even") {
    if (!v.is(Kind::Int)) {
      throw Error("cannot " + std::string(name) + " on " + type_name(v));
    }
    bool odd = std::fmod(v.number(), 2.0) != 0;
    return name == "odd" ? odd : !odd;
  }
  if (name == "equalto" || name == "eq") return second_equals(args);
  throw Error("unknown test: " + std::string(name));
}

}  // namespace slipway::text::jinja
