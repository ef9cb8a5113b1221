#include "text/jinja/string_ops.h"

#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {
namespace {
bool ascii_word(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
}  // namespace

std::string title_case(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i) {
    bool starts_word = ascii_word(out[i]) && (i == 0 || !ascii_word(out[i - 1]));
    if (starts_word && out[i] >= 'a' && out[i] <= 'z') out[i] = static_cast<char>(out[i] - 32);
  }
  return out;
}

std::string capitalize(std::string_view s) {
  if (s.empty()) return {};
  std::size_t i = 0;
  char32_t first = decode_utf8(s, i);
  if (first >= 0x10000) return std::string(s);  // an astral first char is a lone surrogate in JS
  return js_upper(s.substr(0, i)) + std::string(s.substr(i));
}

Value string_replace(Interpreter& interp, const Value& self, const std::vector<Value>& args) {
  if (args.size() < 2) throw Error("replace() requires at least two arguments");
  if (!args[0].is(Kind::String) || !args[1].is(Kind::String)) {
    throw Error("replace() arguments must be strings");
  }
  Value count = Value::null();
  if (args.size() > 2) {
    if (args[2].is_kwargs()) {
      const Value* c = args[2].obj().find("count");
      count = c ? *c : Value::null();
    } else {
      count = args[2];
    }
  }
  if (!count.is(Kind::Int) && !count.is(Kind::Null)) {
    throw Error("replace() count argument must be a number or null");
  }
  const std::string& s = self.str();
  const std::string& from = args[0].str();
  const std::string& to = args[1].str();
  double remaining = count.is(Kind::Null) || count.number() < 0 ? 1e300 : count.number();
  if (remaining == 0) return self;
  std::string out;
  if (from.empty()) {
    // An empty pattern matches before every code point and at the end.
    std::size_t i = 0;
    while (true) {
      if (remaining > 0) {
        out += to;
        --remaining;
      }
      if (i >= s.size()) break;
      std::size_t start = i;
      decode_utf8(s, i);
      out.append(s, start, i - start);
      interp.check_size(out.size());
    }
    return Value::string(std::move(out));
  }
  std::size_t start = 0;
  while (remaining > 0) {
    std::size_t at = s.find(from, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += to;
    start = at + from.size();
    --remaining;
    interp.check_size(out.size());
  }
  out.append(s, start, std::string::npos);
  interp.check_size(out.size());
  return Value::string(std::move(out));
}

}  // namespace slipway::text::jinja
