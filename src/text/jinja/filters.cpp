// Filters ('|name' and '|name(args)') with the reference's per-type dispatch and quirks.
#include <algorithm>
#include <cmath>
#include <string>

#include "text/jinja/builtins.h"
#include "text/jinja/error.h"
#include "text/jinja/interpreter.h"
#include "text/jinja/js_format.h"
#include "text/jinja/string_ops.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {
namespace {

[[noreturn]] void unknown(const char* what, const std::string& name) {
  throw Error(std::string("unknown ") + what + " filter: " + name);
}

// getAttributeValue: a dotted path through mappings and array indices.
Value attribute_path(const Value& item, const std::string& path) {
  Value v = item;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (v.is_container()) {
      const Value* found = v.obj().find(part);
      v = found ? *found : Value::undefined();
    } else if (v.is(Kind::Array)) {
      double index = js_parse_int(part);
      if (std::isnan(index) || index < 0 || index >= static_cast<double>(v.arr().size())) {
        return Value::undefined();
      }
      v = Value(v.arr()[static_cast<std::size_t>(index)]);
    } else {
      return Value::undefined();
    }
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

std::string indent_lines(const std::string& s, std::size_t width, bool first, bool blank) {
  std::string pad(width, ' ');
  std::string out;
  std::size_t start = 0, line = 0;
  while (true) {
    std::size_t nl = s.find('\n', start);
    std::string_view text(s.data() + start, (nl == std::string::npos ? s.size() : nl) - start);
    if (line > 0) out += '\n';
    if (!((!first && line == 0) || (!blank && text.empty()))) out += pad;
    out += text;
    if (nl == std::string::npos) break;
    start = nl + 1;
    ++line;
  }
  return out;
}

// Array.prototype.join over raw values (nullish elements become "").
std::string join_raw(const Array& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += raw_string(items[i]);
  }
  return out;
}

Value sorted(const Array& items, bool reverse, bool case_sensitive, const Value& attribute) {
  Array out = items;
  auto key = [&](const Value& v) {
    if (attribute.is(Kind::Null)) return v;
    std::string path = attribute.is(Kind::Int) ? js_number(attribute.number()) : attribute.str();
    return attribute_path(v, path);
  };
  std::stable_sort(out.begin(), out.end(), [&](const Value& a, const Value& b) {
    int r = compare_values(key(a), key(b), case_sensitive);
    return (reverse ? -r : r) < 0;
  });
  return Value::array(std::move(out));
}

Value pick(const std::vector<Value>& args, std::size_t i, const Object& kwargs, const char* key,
           Value fallback) {
  if (i < args.size()) return args[i];
  if (const Value* v = kwargs.find(key)) return *v;
  return fallback;
}

Value simple_filter(Interpreter& interp, const Value& operand, const std::string& name) {
  if (operand.is(Kind::Array)) {
    const Array& items = operand.arr();
    if (name == "list") return operand;
    if (name == "first") return items.empty() ? Value::undefined() : items.front();
    if (name == "last") return items.empty() ? Value::undefined() : items.back();
    if (name == "length") return Value::integer(static_cast<double>(items.size()));
    if (name == "reverse") return Value::array(Array(items.rbegin(), items.rend()));
    if (name == "sort") return sorted(items, false, false, Value::null());
    if (name == "join") {
      std::string s = join_raw(items, "");
      interp.check_size(s.size());
      return Value::string(std::move(s));
    }
    if (name == "string") return Value::string(to_json(operand, JsonOptions{}, false));
    if (name == "unique") {
      Array out;
      for (const auto& item : items) {
        bool seen = false;
        for (const auto& kept : out) {
          bool both_nan = kept.is_number() && item.is_number() && std::isnan(kept.number()) &&
                          std::isnan(item.number());
          if (strict_equal(kept, item) || both_nan) {
            seen = true;
            break;
          }
        }
        if (!seen) out.push_back(item);
      }
      return Value::array(std::move(out));
    }
    unknown("ArrayValue", name);
  }
  if (operand.is(Kind::String)) {
    const std::string& s = operand.str();
    if (name == "length" || name == "upper" || name == "lower" || name == "title" ||
        name == "capitalize") {
      Value builtin = member_builtin(interp, operand, name);
      if (builtin.is(Kind::Function)) {
        std::vector<Value> none;
        return builtin.fn()(none, nullptr);
      }
      return builtin;
    }
    if (name == "trim") return Value::string(std::string(js_trim(s)));
    if (name == "indent") return Value::string(indent_lines(s, 4, false, false));
    if (name == "join" || name == "string") return operand;
    if (name == "int") {
      double v = js_parse_int(s);
      return Value::integer(std::isnan(v) ? 0 : v);
    }
    if (name == "float") {
      double v = js_parse_float(s);
      return Value::floating(std::isnan(v) ? 0 : v);
    }
    unknown("StringValue", name);
  }
  if (operand.is_number()) {
    double n = operand.number();
    if (name == "abs")
      return operand.is(Kind::Int) ? Value::integer(std::fabs(n)) : Value::floating(std::fabs(n));
    if (name == "int") return Value::integer(std::floor(n));
    if (name == "float") return Value::floating(n);
    if (name == "string") return Value::string(to_output(operand));
    unknown("NumericValue", name);
  }
  if (operand.is(Kind::Object)) {
    if (name == "items") {
      std::vector<Value> none;
      return member_builtin(interp, operand, "items").fn()(none, nullptr);
    }
    if (name == "length") return Value::integer(static_cast<double>(operand.obj().size()));
    Value builtin = member_builtin(interp, operand, name);
    if (builtin.is(Kind::Function)) {
      std::vector<Value> none;
      return builtin.fn()(none, nullptr);
    }
    if (!builtin.is(Kind::Undefined)) return builtin;
    unknown("ObjectValue", name);
  }
  if (operand.is(Kind::Bool)) {
    bool b = operand.as_bool();
    if (name == "bool") return operand;
    if (name == "int") return Value::integer(b ? 1 : 0);
    if (name == "float") return Value::floating(b ? 1 : 0);
    if (name == "string") return Value::string(b ? "true" : "false");
    unknown("BooleanValue", name);
  }
  throw Error("cannot apply filter \"" + name + "\" to type: " + type_name(operand));
}

Value tojson_filter(Interpreter& interp, const Value& operand, const Object& kwargs) {
  JsonOptions o;
  if (const Value* indent = kwargs.find("indent")) {
    if (indent->is(Kind::Int)) {
      if (indent->number() < 0 || indent->number() > 1000) throw Error("invalid indent");
      o.indent = static_cast<int>(indent->number());
    } else if (!indent->is(Kind::Null)) {
      throw Error("if set, indent must be a number");
    }
  }
  auto flag = [&](const char* key, bool& into) {
    if (const Value* v = kwargs.find(key)) {
      if (!v->is(Kind::Bool)) throw Error(std::string("if set, ") + key + " must be a boolean");
      into = v->as_bool();
    }
  };
  flag("ensure_ascii", o.ensure_ascii);
  flag("sort_keys", o.sort_keys);
  if (const Value* sep = kwargs.find("separators")) {
    if (sep->is(Kind::Array)) {
      const Array& pair = sep->arr();
      if (pair.size() != 2 || !pair[0].is(Kind::String) || !pair[1].is(Kind::String)) {
        throw Error("separators must be a tuple of two strings");
      }
      o.has_separators = true;
      o.item_separator = pair[0].str();
      o.key_separator = pair[1].str();
    } else if (!sep->is(Kind::Null)) {
      throw Error("if set, separators must be a tuple of two strings");
    }
  }
  std::string s = to_json(operand, o);
  interp.check_size(s.size());
  return Value::string(std::move(s));
}

Value select_filter(Interpreter& interp, const Value& operand, const Node& call, bool select,
                    const std::string& name, const EnvPtr& env) {
  for (const auto& item : operand.arr()) {
    if (!item.is_container()) throw Error("`" + name + "` can only be applied to array of objects");
  }
  std::vector<Value> args;
  for (const auto& arg : call.list) {
    if (arg->type != NodeType::StrLit) throw Error("arguments of `" + name + "` must be strings");
    args.push_back(interp.eval(*arg, env));
  }
  if (args.empty()) throw Error("`" + name + "` needs an attribute name");
  if (args.size() > 1 && !has_test(args[1].str())) throw Error("unknown test: " + args[1].str());
  Array out;
  for (const auto& item : operand.arr()) {
    const Value* attr = item.obj().find(args[0].str());
    bool result = false;
    if (attr) {
      if (args.size() > 1) {
        std::vector<Value> test_args{*attr};
        if (args.size() > 2)
          test_args.push_back(args[2]);
        else
          test_args.push_back(Value::undefined());
        result = run_test(args[1].str(), test_args);
      } else {
        result = truthy(*attr);
      }
    }
    if (result == select) out.push_back(item);
  }
  return Value::array(std::move(out));
}

Value call_filter(Interpreter& interp, const Value& operand, const Node& call, const EnvPtr& env) {
  if (call.a->type != NodeType::Ident) throw Error("unknown filter");
  const std::string& name = call.a->str;
  if (name == "tojson")
    return tojson_filter(interp, operand, interp.eval_args(call.list, env).second);
  if (name == "join") {
    Array items;
    if (operand.is(Kind::String)) {
      for (auto cp : split_code_points(operand.str()))
        items.push_back(Value::string(std::string(cp)));
    } else if (operand.is(Kind::Array)) {
      items = operand.arr();
    } else {
      throw Error("cannot apply filter \"join\" to type: " + std::string(type_name(operand)));
    }
    auto [args, kwargs] = interp.eval_args(call.list, env);
    Value sep = pick(args, 0, kwargs, "separator", Value::string(""));
    if (!sep.is(Kind::String)) throw Error("separator must be a string");
    std::string s = join_raw(items, sep.str());
    interp.check_size(s.size());
    return Value::string(std::move(s));
  }
  if (name == "int" || name == "float") {
    bool is_int = name == "int";
    auto [args, kwargs] = interp.eval_args(call.list, env);
    Value fallback =
        pick(args, 0, kwargs, "default", is_int ? Value::integer(0) : Value::floating(0));
    if (operand.is(Kind::String)) {
      double v = is_int ? js_parse_int(operand.str()) : js_parse_float(operand.str());
      if (std::isnan(v)) return fallback;
      return is_int ? Value::integer(v) : Value::floating(v);
    }
    if (operand.is_number()) return operand;
    if (operand.is(Kind::Bool)) {
      double v = operand.as_bool() ? 1 : 0;
      return is_int ? Value::integer(v) : Value::floating(v);
    }
    throw Error("cannot apply filter \"" + name + "\" to type: " + type_name(operand));
  }
  if (name == "default") {
    auto [args, kwargs] = interp.eval_args(call.list, env);
    Value fallback = args.size() > 0 ? args[0] : Value::string("");
    Value boolean = pick(args, 1, kwargs, "boolean", Value::boolean(false));
    if (!boolean.is(Kind::Bool)) throw Error("`default` filter flag must be a boolean");
    if (operand.is(Kind::Undefined) || (boolean.as_bool() && !truthy(operand))) return fallback;
    return operand;
  }
  if (operand.is(Kind::Array)) {
    if (name == "sort") {
      auto [args, kwargs] = interp.eval_args(call.list, env);
      Value reverse = pick(args, 0, kwargs, "reverse", Value::boolean(false));
      if (!reverse.is(Kind::Bool)) throw Error("reverse must be a boolean");
      Value cs = pick(args, 1, kwargs, "case_sensitive", Value::boolean(false));
      if (!cs.is(Kind::Bool)) throw Error("case_sensitive must be a boolean");
      Value attribute = pick(args, 2, kwargs, "attribute", Value::null());
      if (!attribute.is(Kind::String) && !attribute.is(Kind::Int) && !attribute.is(Kind::Null)) {
        throw Error("attribute must be a string, integer, or null");
      }
      return sorted(operand.arr(), reverse.as_bool(), cs.as_bool(), attribute);
    }
    if (name == "selectattr" || name == "rejectattr") {
      return select_filter(interp, operand, call, name == "selectattr", name, env);
    }
    if (name == "map") {
      auto kwargs = interp.eval_args(call.list, env).second;
      const Value* attr = kwargs.find("attribute");
      if (!attr)
        throw Error("`map` expressions without `attribute` set are not currently supported");
      if (!attr->is(Kind::String)) throw Error("attribute must be a string");
      const Value* fallback = kwargs.find("default");
      Array out;
      for (const auto& item : operand.arr()) {
        if (!item.is_container()) throw Error("items in map must be an object");
        Value v = attribute_path(item, attr->str());
        out.push_back(v.is(Kind::Undefined) && fallback ? *fallback : v);
      }
      return Value::array(std::move(out));
    }
    unknown("ArrayValue", name);
  }
  if (operand.is(Kind::String)) {
    if (name == "indent") {
      auto [args, kwargs] = interp.eval_args(call.list, env);
      Value width = pick(args, 0, kwargs, "width", Value::integer(4));
      if (!width.is(Kind::Int) || width.number() < 0 || width.number() > 1e6) {
        throw Error("width must be a number");
      }
      Value first = pick(args, 1, kwargs, "first", Value::boolean(false));
      Value blank = pick(args, 2, kwargs, "blank", Value::boolean(false));
      std::string s = indent_lines(operand.str(), static_cast<std::size_t>(width.number()),
                                   truthy(first), truthy(blank));
      interp.check_size(s.size());
      return Value::string(std::move(s));
    }
    if (name == "replace") {
      auto [args, kwargs] = interp.eval_args(call.list, env);
      args.push_back(Value::object(std::move(kwargs), true));
      return string_replace(interp, operand, args);
    }
    unknown("StringValue", name);
  }
  if (operand.is(Kind::Object)) {
    Value builtin = member_builtin(interp, operand, name);
    if (builtin.is(Kind::Function)) {
      auto [args, kwargs] = interp.eval_args(call.list, env);
      if (!kwargs.empty()) args.push_back(Value::object(std::move(kwargs), true));
      return builtin.fn()(args, env);
    }
    unknown("ObjectValue", name);
  }
  throw Error("cannot apply filter \"" + name + "\" to type: " + type_name(operand));
}

}  // namespace

Value apply_filter(Interpreter& interp, const Value& operand, const Node& filter,
                   const EnvPtr& env) {
  if (filter.type == NodeType::Ident) {
    if (filter.str == "safe") return operand;
    if (filter.str == "tojson") return tojson_filter(interp, operand, Object{});
    return simple_filter(interp, operand, filter.str);
  }
  if (filter.type == NodeType::Call) return call_filter(interp, operand, filter, env);
  throw Error("unknown filter");
}

}  // namespace slipway::text::jinja
