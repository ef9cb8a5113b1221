// Methods and properties reached with '.': str.upper(), dict.items(), list.length, ...
#include <algorithm>
#include <string>

#include "text/jinja/builtins.h"
#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/string_ops.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {
namespace {

Value method(Callable f) {
  return Value::function(std::move(f));
}

bool string_affix(const std::string& s, const std::vector<Value>& args, bool prefix,
                  const char* name) {
  if (args.empty()) throw Error(std::string(name) + "() requires at least one argument");
  auto test = [&](const std::string& affix) {
    if (affix.size() > s.size()) return false;
    return prefix ? s.compare(0, affix.size(), affix) == 0
                  : s.compare(s.size() - affix.size(), affix.size(), affix) == 0;
  };
  const Value& pattern = args[0];
  if (pattern.is(Kind::String)) return test(pattern.str());
  if (pattern.is(Kind::Array)) {
    for (const auto& item : pattern.arr()) {
      if (!item.is(Kind::String))
        throw Error(std::string(name) + "() tuple elements must be strings");
      if (test(item.str())) return true;
    }
    return false;
  }
  throw Error(std::string(name) + "() argument must be a string or tuple of strings");
}

Value split(const std::string& s, const std::vector<Value>& args) {
  Value sep = args.size() > 0 ? args[0] : Value::null();
  if (!sep.is(Kind::String) && !sep.is(Kind::Null))
    throw Error("sep argument must be a string or null");
  Value maxsplit_v = args.size() > 1 ? args[1] : Value::integer(-1);
  if (!maxsplit_v.is(Kind::Int)) throw Error("maxsplit argument must be a number");
  double maxsplit = maxsplit_v.number();
  std::vector<std::string> parts;
  if (sep.is(Kind::Null)) {
    std::string_view text = js_trim_start(s);
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t start = i;
      while (i < text.size() && js_space_at(text, i) == 0) ++i;
      if (maxsplit != -1 && static_cast<double>(parts.size()) >= maxsplit) {
        parts.emplace_back(text.substr(start));
        break;
      }
      parts.emplace_back(text.substr(start, i - start));
      while (std::size_t n = js_space_at(text, i)) i += n;
    }
  } else {
    const std::string& d = sep.str();
    if (d.empty()) throw Error("empty separator");
    std::size_t start = 0;
    while (true) {
      std::size_t at = s.find(d, start);
      if (at == std::string::npos) break;
      parts.push_back(s.substr(start, at - start));
      start = at + d.size();
    }
    parts.push_back(s.substr(start));
    if (maxsplit != -1 && static_cast<double>(parts.size()) > maxsplit) {
      auto keep = static_cast<std::size_t>(std::max(maxsplit, 0.0));
      std::string rest;
      for (std::size_t k = keep; k < parts.size(); ++k) {
        if (k > keep) rest += d;
        rest += parts[k];
      }
      parts.resize(keep);
      parts.push_back(std::move(rest));
    }
  }
  Array out;
  out.reserve(parts.size());
  for (auto& p : parts) out.push_back(Value::string(std::move(p)));
  return Value::array(std::move(out));
}

Value string_method(Interpreter& interp, const Value& self, std::string_view name) {
  if (name == "length") return Value::integer(static_cast<double>(utf16_length(self.str())));
  if (name == "upper")
    return method([self](auto&, auto&) { return Value::string(js_upper(self.str())); });
  if (name == "lower")
    return method([self](auto&, auto&) { return Value::string(js_lower(self.str())); });
  // The reference ignores strip()'s argument and always trims whitespace.
  if (name == "strip") {
    return method([self](auto&, auto&) { return Value::string(std::string(js_trim(self.str()))); });
  }
  if (name == "lstrip") {
    return method(
        [self](auto&, auto&) { return Value::string(std::string(js_trim_start(self.str()))); });
  }
  if (name == "rstrip") {
    return method(
        [self](auto&, auto&) { return Value::string(std::string(js_trim_end(self.str()))); });
  }
  if (name == "title")
    return method([self](auto&, auto&) { return Value::string(title_case(self.str())); });
  if (name == "capitalize") {
    return method([self](auto&, auto&) { return Value::string(capitalize(self.str())); });
  }
  if (name == "startswith" || name == "endswith") {
    bool prefix = name == "startswith";
    return method([self, prefix](std::vector<Value>& args, auto&) {
      return Value::boolean(
          string_affix(self.str(), args, prefix, prefix ? "startswith" : "endswith"));
    });
  }
  if (name == "split") {
    return method([self](std::vector<Value>& args, auto&) { return split(self.str(), args); });
  }
  if (name == "replace") {
    Interpreter* ip = &interp;
    return method(
        [self, ip](std::vector<Value>& args, auto&) { return string_replace(*ip, self, args); });
  }
  return Value::undefined();
}

Value items_of(const Value& self) {
  Array out;
  for (const auto& [k, v] : self.obj().entries())
    out.push_back(Value::array({Value::string(k), v}));
  return Value::array(std::move(out));
}

Value dictsort(const Value& self, std::vector<Value> args) {
  Object kwargs;
  std::vector<Value> positional;
  for (auto& a : args) {
    if (a.is_kwargs()) {
      kwargs = a.obj();
    } else {
      positional.push_back(a);
    }
  }
  auto pick = [&](std::size_t i, const char* key, Value fallback) {
    if (i < positional.size()) return positional[i];
    if (const Value* v = kwargs.find(key)) return *v;
    return fallback;
  };
  Value case_sensitive = pick(0, "case_sensitive", Value::boolean(false));
  if (!case_sensitive.is(Kind::Bool)) throw Error("case_sensitive must be a boolean");
  Value by = pick(1, "by", Value::string("key"));
  if (!by.is(Kind::String)) throw Error("by must be a string");
  if (by.str() != "key" && by.str() != "value") throw Error("by must be either 'key' or 'value'");
  Value reverse = pick(2, "reverse", Value::boolean(false));
  if (!reverse.is(Kind::Bool)) throw Error("reverse must be a boolean");
  Array items = items_of(self).arr();
  std::size_t index = by.str() == "key" ? 0 : 1;
  bool cs = case_sensitive.as_bool(), rev = reverse.as_bool();
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    int r = compare_values(a.arr()[index], b.arr()[index], cs);
    return (rev ? -r : r) < 0;
  });
  return Value::array(std::move(items));
}

Value object_method(const Value& self, std::string_view name) {
  if (name == "get") {
    return method([self](std::vector<Value>& args, auto&) {
      if (args.empty() || !args[0].is(Kind::String)) {
        throw Error(std::string("object key must be a string: got ") +
                    (args.empty() ? "UndefinedValue" : type_name(args[0])));
      }
      if (const Value* v = self.obj().find(args[0].str())) return *v;
      return args.size() > 1 ? args[1] : Value::null();
    });
  }
  if (name == "items") return method([self](auto&, auto&) { return items_of(self); });
  if (name == "keys") {
    return method([self](auto&, auto&) {
      Array out;
      for (const auto& entry : self.obj().entries()) out.push_back(Value::string(entry.first));
      return Value::array(std::move(out));
    });
  }
  if (name == "values") {
    return method([self](auto&, auto&) {
      Array out;
      for (const auto& entry : self.obj().entries()) out.push_back(entry.second);
      return Value::array(std::move(out));
    });
  }
  if (name == "dictsort") {
    return method([self](std::vector<Value>& args, auto&) { return dictsort(self, args); });
  }
  return Value::undefined();
}

}  // namespace

Value member_builtin(Interpreter& interp, const Value& object, std::string_view name) {
  switch (object.kind()) {
    case Kind::String:
      return string_method(interp, object, name);
    case Kind::Object:
      return object_method(object, name);
    case Kind::Array:
      if (name == "length") return Value::integer(static_cast<double>(object.arr().size()));
      return Value::undefined();
    default:
      return Value::undefined();
  }
}

}  // namespace slipway::text::jinja
