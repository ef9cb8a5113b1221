#include "text/jinja/value.h"

#include <algorithm>
#include <cmath>

#include "text/jinja/error.h"
#include "text/jinja/js_format.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {

const Value* Object::find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

void Object::set(std::string key, Value value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

bool Object::erase(std::string_view key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const auto& entry) { return entry.first == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

const void* Value::identity() const {
  switch (kind_) {
    case Kind::Array:
      return std::get<std::shared_ptr<Array>>(data_).get();
    case Kind::Object:
    case Kind::Namespace:
      return std::get<std::shared_ptr<Object>>(data_).get();
    case Kind::Function:
      return std::get<std::shared_ptr<Callable>>(data_).get();
    default:
      return nullptr;
  }
}

std::string Value::take_str() && {
  auto& ptr = std::get<std::shared_ptr<const std::string>>(data_);
  if (ptr.use_count() == 1) return std::move(const_cast<std::string&>(*ptr));
  return *ptr;
}

const char* type_name(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined:
      return "UndefinedValue";
    case Kind::Null:
      return "NullValue";
    case Kind::Bool:
      return "BooleanValue";
    case Kind::Int:
      return "IntegerValue";
    case Kind::Float:
      return "FloatValue";
    case Kind::String:
      return "StringValue";
    case Kind::Array:
      return v.is_tuple() ? "TupleValue" : "ArrayValue";
    case Kind::Object:
      return v.is_kwargs() ? "KeywordArgumentsValue" : "ObjectValue";
    case Kind::Namespace:
      return "NamespaceValue";
    case Kind::Function:
      return "FunctionValue";
  }
  return "?";
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined:
    case Kind::Null:
      return false;
    case Kind::Bool:
      return v.as_bool();
    case Kind::Int:
    case Kind::Float:
      return v.number() != 0 && !std::isnan(v.number());
    case Kind::String:
      return !v.str().empty();
    case Kind::Array:
      return !v.arr().empty();
    case Kind::Object:
      return !v.obj().empty();
    case Kind::Namespace:
    case Kind::Function:
      return true;
  }
  return false;
}

void append_output(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined:
      out += "undefined";
      return;
    case Kind::Null:
      out += "null";
      return;
    case Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::Int:
      out += js_number(v.number());
      return;
    case Kind::Float:
      out += js_float_string(v.number());
      return;
    case Kind::String:
      out += v.str();
      return;
    case Kind::Array:
    case Kind::Object:
    case Kind::Namespace:
      out += to_json(v, JsonOptions{}, false);
      return;
    case Kind::Function:
      out += "[function]";
      return;
  }
}

std::string to_output(const Value& v) {
  std::string out;
  append_output(out, v);
  return out;
}

std::string raw_string(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined:
    case Kind::Null:
      return "";
    case Kind::Int:
    case Kind::Float:
      return js_number(v.number());
    case Kind::Array: {  // Array.prototype.toString joins the elements' toString() with ","
      std::string out;
      bool first = true;
      for (const auto& item : v.arr()) {
        if (!first) out += ',';
        first = false;
        append_output(out, item);
      }
      return out;
    }
    case Kind::Object:
    case Kind::Namespace:
      return "[object Map]";
    default:
      return to_output(v);
  }
}

namespace {
enum class JsType { Nullish, Bool, Number, String, Reference };
JsType js_type(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined:
    case Kind::Null:
      return JsType::Nullish;
    case Kind::Bool:
      return JsType::Bool;
    case Kind::Int:
    case Kind::Float:
      return JsType::Number;
    case Kind::String:
      return JsType::String;
    default:
      return JsType::Reference;
  }
}
double to_number(const Value& v) {
  switch (v.kind()) {
    case Kind::Bool:
      return v.as_bool() ? 1 : 0;
    case Kind::Int:
    case Kind::Float:
      return v.number();
    default:
      return js_to_number(raw_string(v));
  }
}
}  // namespace

bool strict_equal(const Value& a, const Value& b) {
  JsType ta = js_type(a), tb = js_type(b);
  if (ta != tb) return false;
  switch (ta) {
    case JsType::Nullish:
      return a.kind() == b.kind();
    case JsType::Bool:
      return a.as_bool() == b.as_bool();
    case JsType::Number:
      return a.number() == b.number();
    case JsType::String:
      return a.str() == b.str();
    case JsType::Reference:
      return a.identity() == b.identity();
  }
  return false;
}

bool loose_equal(const Value& a, const Value& b) {
  JsType ta = js_type(a), tb = js_type(b);
  if (ta == tb) return strict_equal(a, b) || (ta == JsType::Nullish);
  if (ta == JsType::Nullish || tb == JsType::Nullish) return false;
  if (ta == JsType::Reference) return loose_equal(Value::string(raw_string(a)), b);
  if (tb == JsType::Reference) return loose_equal(a, Value::string(raw_string(b)));
  if (ta == JsType::String && tb == JsType::String) return a.str() == b.str();
  return to_number(a) == to_number(b);  // number/string/bool mixes compare as numbers
}

int compare_values(const Value& a, const Value& b, bool case_sensitive) {
  if (a.is(Kind::Null) && b.is(Kind::Null)) return 0;
  if (a.is(Kind::Null) || b.is(Kind::Null) || a.is(Kind::Undefined) || b.is(Kind::Undefined)) {
    if (a.is(Kind::Undefined) && b.is(Kind::Undefined)) return 0;
    throw Error(std::string("cannot compare ") + type_name(a) + " with " + type_name(b));
  }
  auto numeric = [](const Value& v) { return v.is_number() || v.is(Kind::Bool); };
  if (numeric(a) && numeric(b)) {
    double x = to_number(a), y = to_number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is(Kind::String) && b.is(Kind::String)) {
    if (case_sensitive) return a.str() < b.str() ? -1 : a.str() > b.str() ? 1 : 0;
    std::string x = js_lower(a.str()), y = js_lower(b.str());
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw Error(std::string("cannot compare ") + type_name(a) + " with " + type_name(b));
}

namespace {

constexpr int kMaxJsonDepth = 256;

// Approximates String.prototype.localeCompare: case-insensitive first, lowercase before upper.
bool locale_less(const std::string& a, const std::string& b) {
  std::string la = js_lower(a), lb = js_lower(b);
  if (la != lb) return la < lb;
  return a > b;
}

void write_json(std::string& out, const Value& v, const JsonOptions& o, int depth,
                bool undefined_to_null) {
  if (depth > kMaxJsonDepth) throw Error("value nested too deeply for tojson");
  std::string item_sep = o.has_separators ? o.item_separator : o.indent > 0 ? "," : ", ";
  std::string key_sep = o.has_separators ? o.key_separator : ": ";
  std::string indent(static_cast<std::size_t>(o.indent), ' ');
  auto pad = [&](int level) {
    out += '\n';
    for (int k = 0; k < level; ++k) out += indent;
  };
  switch (v.kind()) {
    case Kind::Null:
      out += "null";
      return;
    case Kind::Undefined:
      out += undefined_to_null ? "null" : "undefined";
      return;
    case Kind::Int:
    case Kind::Float:
      out += json_number(v.number());
      return;
    case Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::String:
      append_json_string(out, v.str(), o.ensure_ascii);
      return;
    case Kind::Array: {
      if (v.is_tuple()) throw Error("cannot convert to JSON: TupleValue");
      const Array& items = v.arr();
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += item_sep;
        if (o.indent > 0) pad(depth + 1);
        write_json(out, items[i], o, depth + 1, undefined_to_null);
      }
      if (o.indent > 0 && !items.empty()) pad(depth);
      out += ']';
      return;
    }
    case Kind::Object:
    case Kind::Namespace: {
      if (v.is_kwargs()) throw Error("cannot convert to JSON: KeywordArgumentsValue");
      std::vector<const std::pair<std::string, Value>*> entries;
      for (const auto& e : v.obj().entries()) entries.push_back(&e);
      if (o.sort_keys) {
        std::stable_sort(entries.begin(), entries.end(),
                         [](auto* x, auto* y) { return locale_less(x->first, y->first); });
      }
      out += '{';
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += item_sep;
        if (o.indent > 0) pad(depth + 1);
        append_json_string(out, entries[i]->first, o.ensure_ascii);
        out += key_sep;
        write_json(out, entries[i]->second, o, depth + 1, undefined_to_null);
      }
      if (o.indent > 0 && !entries.empty()) pad(depth);
      out += '}';
      return;
    }
    case Kind::Function:
      throw Error("cannot convert to JSON: FunctionValue");
  }
}

// Canonical array-index keys ("0", "17", not "07") come first in a JS object.
bool array_index_key(const std::string& k, std::uint32_t& index) {
  if (k.empty() || k.size() > 10 || (k.size() > 1 && k[0] == '0')) return false;
  std::uint64_t n = 0;
  for (char c : k) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n >= 0xFFFFFFFFull) return false;
  index = static_cast<std::uint32_t>(n);
  return true;
}

template <typename Json>
Value convert(const Json& j, int depth) {
  if (depth > kMaxJsonDepth) throw Error("context nested too deeply");
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return Value::null();
    case nlohmann::json::value_t::boolean:
      return Value::boolean(j.template get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::integer(static_cast<double>(j.template get<std::int64_t>()));
    case nlohmann::json::value_t::number_unsigned:
      return Value::integer(static_cast<double>(j.template get<std::uint64_t>()));
    case nlohmann::json::value_t::number_float: {
      double d = j.template get<double>();
      return std::isfinite(d) && std::trunc(d) == d ? Value::integer(d) : Value::floating(d);
    }
    case nlohmann::json::value_t::string:
      return Value::string(j.template get<std::string>());
    case nlohmann::json::value_t::array: {
      Array items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(convert(item, depth + 1));
      return Value::array(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<std::uint32_t, std::string>> indexed;
      Object o;
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::uint32_t index = 0;
        if (array_index_key(it.key(), index)) indexed.emplace_back(index, it.key());
      }
      std::sort(indexed.begin(), indexed.end());
      for (const auto& [index, key] : indexed) o.set(key, convert(j.at(key), depth + 1));
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::uint32_t index = 0;
        if (!array_index_key(it.key(), index)) o.set(it.key(), convert(it.value(), depth + 1));
      }
      return Value::object(std::move(o));
    }
    default:
      throw Error("unsupported JSON value in context");
  }
}

}  // namespace

std::string to_json(const Value& v, const JsonOptions& options, bool undefined_to_null) {
  std::string out;
  write_json(out, v, options, 0, undefined_to_null);
  return out;
}

Value from_json(const nlohmann::json& j) {
  return convert(j, 0);
}
Value from_json(const nlohmann::ordered_json& j) {
  return convert(j, 0);
}

}  // namespace slipway::text::jinja
