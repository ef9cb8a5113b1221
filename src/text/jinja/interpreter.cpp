#include "text/jinja/interpreter.h"

#include <cmath>
#include <functional>

#include "text/jinja/builtins.h"
#include "text/jinja/error.h"
#include "text/jinja/js_format.h"
#include "text/jinja/unicode.h"

namespace slipway::text::jinja {
namespace {

struct DepthGuard {
  DepthGuard(int& depth, int max) : depth(depth) {
    if (++depth > max) {
      --depth;
      throw Error("macro calls nested too deeply");
    }
  }
  ~DepthGuard() { --depth; }
  int& depth;
};

// Whether a macro body reads kwargs/varargs without declaring them (then it accepts extras).
void find_special(const Node& node, bool& kwargs, bool& varargs) {
  if (node.type == NodeType::Ident) {
    if (node.str == "kwargs") kwargs = true;
    if (node.str == "varargs") varargs = true;
  }
  for (const Node* child : {node.a.get(), node.b.get(), node.c.get()}) {
    if (child) find_special(*child, kwargs, varargs);
  }
  for (const auto* list : {&node.list, &node.body, &node.alt}) {
    for (const auto& child : *list) find_special(*child, kwargs, varargs);
  }
}

// JS-style slice over n items (utils.slice in the reference).
template <typename Emit>
void slice_indices(long long n, const Value& start_v, const Value& stop_v, const Value& step_v,
                   Emit emit) {
  long long step = step_v.is(Kind::Undefined) ? 1 : static_cast<long long>(step_v.number());
  auto get = [](const Value& v, long long fallback) {
    return v.is(Kind::Undefined) ? fallback : static_cast<long long>(v.number());
  };
  if (step >= 0) {
    long long start = get(start_v, 0), stop = get(stop_v, n);
    start = start < 0 ? std::max(n + start, 0LL) : std::min(start, n);
    stop = stop < 0 ? std::max(n + stop, 0LL) : std::min(stop, n);
    if (step == 0) return;
    for (long long i = start; i < stop; i += step) emit(i);
  } else {
    long long start = get(start_v, n - 1), stop = get(stop_v, -1);
    start = start < 0 ? std::max(n + start, -1LL) : std::min(start, n - 1);
    stop = stop < -1 ? std::max(n + stop, -1LL) : std::min(stop, n - 1);
    for (long long i = start; i > stop; i += step) emit(i);
  }
}

bool numeric_like(const Value& v) {
  return v.is_number() || v.is(Kind::Bool);
}
double numeric_value(const Value& v) {
  return v.is(Kind::Bool) ? (v.as_bool() ? 1 : 0) : v.number();
}

}  // namespace

Interpreter::~Interpreter() {
  for (auto& ns : namespaces_) ns->clear();
}

void Interpreter::check_size(std::size_t bytes) const {
  if (bytes > limits_.max_output) throw Error("rendered text exceeds the size limit");
}
void Interpreter::check_items(std::size_t count) const {
  if (count > limits_.max_items) throw Error("array exceeds the size limit");
}
void Interpreter::step() {
  if (++steps_ > limits_.max_steps) throw Error("template exceeds the work limit");
}

std::string Interpreter::run(const Program& program, const EnvPtr& globals) {
  std::string out;
  exec_block(program.body, globals, out);
  if (flow_ != Flow::Normal) throw Error("'break' or 'continue' outside of a loop");
  return out;
}

void Interpreter::exec_block(const NodeList& body, const EnvPtr& env, std::string& out) {
  for (const auto& node : body) {
    exec(*node, env, out);
    if (flow_ != Flow::Normal) return;
  }
}

void Interpreter::exec(const Node& node, const EnvPtr& env, std::string& out) {
  try {
    switch (node.type) {
      case NodeType::Text:
        out += node.str;
        break;
      case NodeType::Comment:
        break;
      case NodeType::Set:
        exec_set(node, env);
        break;
      case NodeType::If:
        exec_block(truthy(eval(*node.a, env)) ? node.body : node.alt, env, out);
        break;
      case NodeType::For:
        exec_for(node, env, out);
        break;
      case NodeType::Macro:
        env->set(node.str, define_macro(node));
        break;
      case NodeType::Break:
        flow_ = Flow::Break;
        break;
      case NodeType::Continue:
        flow_ = Flow::Continue;
        break;
      case NodeType::CallBlock: {
        Value v = exec_call_block(node, env);
        if (!v.is_nullish()) append_output(out, v);
        break;
      }
      case NodeType::FilterBlock: {
        std::string body;
        exec_block(node.body, env, body);
        Value v = apply_filter(*this, Value::string(std::move(body)), *node.a, env);
        if (!v.is_nullish()) append_output(out, v);
        break;
      }
      default: {
        Value v = eval(node, env);
        if (!v.is_nullish()) append_output(out, v);
      }
    }
    check_size(out.size());
  } catch (Error& e) {
    if (e.offset == kNoOffset) e.offset = node.offset;
    throw;
  }
}

void Interpreter::exec_set(const Node& node, const EnvPtr& env) {
  Value rhs;
  if (node.b) {
    rhs = eval(*node.b, env);
  } else {
    std::string body;
    exec_block(node.body, env, body);
    rhs = Value::string(std::move(body));
  }
  const Node& target = *node.a;
  if (target.type == NodeType::Ident) {
    env->set(target.str, std::move(rhs));
  } else if (target.type == NodeType::TupleLit) {
    if (!rhs.is(Kind::Array)) throw Error("cannot unpack a non-iterable value in set");
    const Array& items = rhs.arr();
    if (items.size() != target.list.size()) {
      throw Error(target.list.size() > items.size() ? "too few items to unpack in set"
                                                    : "too many items to unpack in set");
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (target.list[i]->type != NodeType::Ident) throw Error("cannot unpack to a non-name");
      env->set(target.list[i]->str, items[i]);
    }
  } else if (target.type == NodeType::Member) {
    Value object = eval(*target.a, env);
    if (!object.is(Kind::Namespace)) {
      throw Error("cannot assign an attribute on a non-namespace object");
    }
    if (target.b->type != NodeType::Ident) {
      throw Error("cannot assign to a member with a non-name property");
    }
    object.mutable_obj().set(target.b->str, std::move(rhs));
  } else {
    throw Error("invalid assignment target");
  }
}

void Interpreter::exec_for(const Node& node, const EnvPtr& env, std::string& out) {
  auto scope = std::make_shared<Env>(env);
  const Node* test = nullptr;
  Value iterable;
  if (node.b->type == NodeType::Select) {
    iterable = eval(*node.b->a, scope);
    test = node.b->b.get();
  } else {
    iterable = eval(*node.b, scope);
  }
  if (!iterable.is(Kind::Array) && !iterable.is(Kind::Object)) {
    throw Error(std::string("cannot iterate over ") + type_name(iterable));
  }
  Array keys;
  if (iterable.is(Kind::Object)) {
    for (const auto& entry : iterable.obj().entries()) keys.push_back(Value::string(entry.first));
  }
  const Array& source = iterable.is(Kind::Object) ? keys : iterable.arr();

  const Node& target = *node.a;
  auto bind = [&](const Value& item, Env& into) {
    if (target.type == NodeType::Ident) {
      into.set(target.str, item);
      return;
    }
    if (!item.is(Kind::Array) || item.is_tuple()) {
      throw Error(std::string("cannot unpack ") + type_name(item));
    }
    const Array& parts = item.arr();
    if (parts.size() != target.list.size()) {
      throw Error(target.list.size() > parts.size() ? "too few items to unpack"
                                                    : "too many items to unpack");
    }
    for (std::size_t j = 0; j < parts.size(); ++j) {
      if (target.list[j]->type != NodeType::Ident) throw Error("cannot unpack to a non-name");
      into.set(target.list[j]->str, parts[j]);
    }
  };

  std::vector<const Value*> items;
  items.reserve(source.size());
  for (const auto& item : source) {
    if (target.type == NodeType::TupleLit) {
      Env probe;  // validate unpacking up front, as the reference does
      bind(item, probe);
    }
    if (test) {
      step();
      auto loop_scope = std::make_shared<Env>(scope);
      bind(item, *loop_scope);
      if (!truthy(eval(*test, loop_scope))) continue;
    }
    items.push_back(&item);
  }

  bool no_iteration = true;
  const auto n = static_cast<double>(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    step();
    const auto d = static_cast<double>(i);
    Object loop;
    loop.set("index", Value::integer(d + 1));
    loop.set("index0", Value::integer(d));
    loop.set("revindex", Value::integer(n - d));
    loop.set("revindex0", Value::integer(n - d - 1));
    loop.set("first", Value::boolean(i == 0));
    loop.set("last", Value::boolean(i + 1 == items.size()));
    loop.set("length", Value::integer(n));
    loop.set("previtem", i > 0 ? *items[i - 1] : Value::undefined());
    loop.set("nextitem", i + 1 < items.size() ? *items[i + 1] : Value::undefined());
    scope->set("loop", Value::object(std::move(loop)));
    bind(*items[i], *scope);
    std::size_t mark = out.size();
    exec_block(node.body, scope, out);
    if (flow_ != Flow::Normal) {
      // An interrupted iteration contributes no output (the reference unwinds with an exception).
      out.resize(mark);
      bool stop = flow_ == Flow::Break;
      flow_ = Flow::Normal;
      if (stop) break;
      continue;
    }
    no_iteration = false;
  }
  if (no_iteration) exec_block(node.alt, scope, out);
}

void Interpreter::bind_macro_args(const std::string& name, const NodeList& params,
                                  const Node* body_owner, std::vector<Value> args,
                                  const EnvPtr& scope) {
  bool wants_kwargs = false, wants_varargs = false;
  if (body_owner) {
    for (const auto& stmt : body_owner->body) find_special(*stmt, wants_kwargs, wants_varargs);
    for (const auto& p : params) {
      const std::string& pname = p->str;
      if (pname == "kwargs") wants_kwargs = false;
      if (pname == "varargs") wants_varargs = false;
    }
  }
  Object keywords;
  if (!args.empty() && args.back().is_kwargs()) {
    keywords = args.back().obj();
    args.pop_back();
  }
  std::vector<std::pair<std::string, const Node*>> pending;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Node& p = *params[i];
    Value value;
    bool given = i < args.size();
    if (given) value = args[i];
    if (!given) {
      if (const Value* kw = keywords.find(p.str)) {
        value = *kw;
        given = true;
        keywords.erase(p.str);
      }
    }
    if (!given && p.type == NodeType::KwArg) pending.emplace_back(p.str, p.a.get());
    scope->set(p.str, std::move(value));
  }
  if (wants_kwargs) {
    scope->set("kwargs", Value::object(keywords));
  } else if (!keywords.empty()) {
    throw Error("macro " + name + " takes no keyword argument '" + keywords.entries()[0].first +
                "'");
  }
  if (wants_varargs) {
    Array rest;
    for (std::size_t i = params.size(); i < args.size(); ++i) rest.push_back(args[i]);
    scope->set("varargs", Value::array(std::move(rest)));
  } else if (args.size() > params.size()) {
    throw Error("macro " + name + " takes not more than " + std::to_string(params.size()) +
                " argument(s)");
  }
  for (const auto& [pname, default_node] : pending) scope->set(pname, eval(*default_node, scope));
}

Value Interpreter::define_macro(const Node& node) {
  const Node* macro = &node;
  return Value::function([this, macro](std::vector<Value>& args, const EnvPtr& caller) {
    step();
    DepthGuard guard(call_depth_, limits_.max_call_depth);
    auto scope = std::make_shared<Env>(caller);
    bind_macro_args("'" + macro->str + "'", macro->list, macro, args, scope);
    std::string out;
    exec_block(macro->body, scope, out);
    return Value::string(std::move(out));
  });
}

Value Interpreter::exec_call_block(const Node& node, const EnvPtr& env) {
  const Node* block = &node;
  Value caller = Value::function([this, block, env](std::vector<Value>& args, const EnvPtr&) {
    step();
    DepthGuard guard(call_depth_, limits_.max_call_depth);
    auto scope = std::make_shared<Env>(env);
    bind_macro_args("None", block->list, block, args, scope);
    std::string out;
    exec_block(block->body, scope, out);
    return Value::string(std::move(out));
  });
  const Node& call = *node.a;
  auto [args, kwargs] = eval_args(call.list, env);
  args.push_back(Value::object(std::move(kwargs), true));
  Value fn = eval(*call.a, env);
  if (!fn.is(Kind::Function)) throw Error(std::string("cannot call ") + type_name(fn));
  auto call_env = std::make_shared<Env>(env);
  call_env->set("caller", caller);
  return fn.fn()(args, call_env);
}

std::pair<std::vector<Value>, Object> Interpreter::eval_args(const NodeList& args,
                                                             const EnvPtr& env) {
  std::vector<Value> positional;
  Object keywords;
  for (const auto& arg : args) {
    if (arg->type == NodeType::Spread) {
      Value v = eval(*arg->a, env);
      if (!v.is(Kind::Array)) throw Error(std::string("cannot unpack ") + type_name(v));
      for (const auto& item : v.arr()) positional.push_back(item);
    } else if (arg->type != NodeType::KwArg && arg->type != NodeType::KwSpread) {
      positional.push_back(eval(*arg, env));
    }
  }
  auto add = [&](const std::string& key, Value v) {
    if (keywords.find(key)) throw Error("got multiple values for keyword argument '" + key + "'");
    keywords.set(key, std::move(v));
  };
  for (const auto& arg : args) {
    if (arg->type == NodeType::KwArg) {
      add(arg->str, eval(*arg->a, env));
    } else if (arg->type == NodeType::KwSpread) {
      Value v = eval(*arg->a, env);
      if (!v.is(Kind::Object)) throw Error("argument after ** must be a mapping");
      for (const auto& [key, value] : v.obj().entries()) add(key, value);
    }
  }
  return {std::move(positional), std::move(keywords)};
}

Value Interpreter::eval_call(const Node& node, const EnvPtr& env) {
  auto [args, kwargs] = eval_args(node.list, env);
  if (!kwargs.empty()) args.push_back(Value::object(std::move(kwargs), true));
  Value fn = eval(*node.a, env);
  if (!fn.is(Kind::Function)) {
    throw Error(std::string("cannot call something that is not a function: got ") + type_name(fn));
  }
  return fn.fn()(args, env);
}

Value Interpreter::eval_slice(const Value& object, const Node& slice, const EnvPtr& env) {
  if (!object.is(Kind::Array) && !object.is(Kind::String)) {
    throw Error("slice object must be an array or string");
  }
  Value parts[3];
  const Node* nodes[3] = {slice.a.get(), slice.b.get(), slice.c.get()};
  for (int k = 0; k < 3; ++k) {
    if (nodes[k]) parts[k] = eval(*nodes[k], env);
    if (!parts[k].is(Kind::Undefined) && !parts[k].is(Kind::Int)) {
      throw Error("slice indices must be integers");
    }
  }
  if (object.is(Kind::Array)) {
    const Array& items = object.arr();
    Array out;
    slice_indices(static_cast<long long>(items.size()), parts[0], parts[1], parts[2],
                  [&](long long i) { out.push_back(items[static_cast<std::size_t>(i)]); });
    return Value::array(std::move(out));
  }
  auto chars = split_code_points(object.str());
  std::string out;
  slice_indices(static_cast<long long>(chars.size()), parts[0], parts[1], parts[2],
                [&](long long i) { out += chars[static_cast<std::size_t>(i)]; });
  return Value::string(std::move(out));
}

Value Interpreter::eval_member(const Node& node, const EnvPtr& env) {
  Value object = eval(*node.a, env);
  if (!node.flag && node.b->type == NodeType::Ident) {
    // obj.name: the common case, looked up without building a string value
    if (object.is_container()) {
      if (const Value* v = object.obj().find(node.b->str)) return *v;
      if (object.is(Kind::Object)) return member_builtin(*this, object, node.b->str);
      return Value::undefined();
    }
    return member_builtin(*this, object, node.b->str);
  }
  Value property;
  if (node.flag) {
    if (node.b->type == NodeType::Slice) return eval_slice(object, *node.b, env);
    property = eval(*node.b, env);
  } else if (node.b->type == NodeType::IntLit) {
    property = Value::integer(node.b->number);
  } else {
    property = Value::string(node.b->str);
  }
  if (object.is_container()) {
    if (!property.is(Kind::String)) {
      throw Error(std::string("cannot access a property with ") + type_name(property));
    }
    if (const Value* v = object.obj().find(property.str())) return *v;
    if (object.is(Kind::Object)) return member_builtin(*this, object, property.str());
    return Value::undefined();
  }
  if (object.is(Kind::Array) || object.is(Kind::String)) {
    if (property.is(Kind::Int)) {
      auto index = static_cast<long long>(property.number());
      if (object.is(Kind::String)) {
        std::string ch;
        if (!utf16_at(object.str(), index, ch)) return Value::undefined();
        return Value::string(std::move(ch));
      }
      const Array& items = object.arr();
      auto n = static_cast<long long>(items.size());
      if (index < 0) index += n;
      if (index < 0 || index >= n) return Value::undefined();
      return items[static_cast<std::size_t>(index)];
    }
    if (property.is(Kind::String)) return member_builtin(*this, object, property.str());
    throw Error(std::string("cannot access a property with ") + type_name(property));
  }
  if (!property.is(Kind::String)) {
    throw Error(std::string("cannot access a property with ") + type_name(property));
  }
  return member_builtin(*this, object, property.str());
}

Value Interpreter::eval_binary(const Node& node, const EnvPtr& env) {
  const std::string& op = node.str;
  Value left = eval(*node.a, env);
  if (op == "and") return truthy(left) ? eval(*node.b, env) : left;
  if (op == "or") return truthy(left) ? left : eval(*node.b, env);
  Value right = eval(*node.b, env);
  if (op == "==") return Value::boolean(loose_equal(left, right));
  if (op == "!=") return Value::boolean(!loose_equal(left, right));
  bool membership = op == "in" || op == "not in";
  if (left.is(Kind::Undefined) || right.is(Kind::Undefined)) {
    if (right.is(Kind::Undefined) && membership) return Value::boolean(op == "not in");
    throw Error("cannot perform operation " + op + " on undefined values");
  }
  if (left.is(Kind::Null) || right.is(Kind::Null)) {
    throw Error("cannot perform operation " + op + " on null values");
  }
  if (op == "~") {
    std::string s = left.is(Kind::String) ? std::move(left).take_str() : raw_string(left);
    s += raw_string(right);
    check_size(s.size());
    return Value::string(std::move(s));
  }
  if (op == "**" && numeric_like(left) && numeric_like(right)) {
    double a = numeric_value(left), b = numeric_value(right);
    if (a == 0 && b < 0) throw Error("0.0 cannot be raised to a negative power");
    double r = std::pow(a, b);
    if (!std::isfinite(r)) throw Error("exponentiation result is not a finite real number");
    bool is_float = left.is(Kind::Float) || right.is(Kind::Float) || b < 0;
    return is_float ? Value::floating(r) : Value::integer(r);
  }
  if (left.is_number() && right.is_number()) {
    double a = left.number(), b = right.number();
    bool is_float = left.is(Kind::Float) || right.is(Kind::Float);
    auto num = [&](double r) { return is_float ? Value::floating(r) : Value::integer(r); };
    if (op == "+") return num(a + b);
    if (op == "-") return num(a - b);
    if (op == "*") return num(a * b);
    if (op == "/") return Value::floating(a / b);
    if (op == "//") return num(std::floor(a / b));
    if (op == "%") return num(std::fmod(a, b));
    if (op == "<") return Value::boolean(a < b);
    if (op == ">") return Value::boolean(a > b);
    if (op == ">=") return Value::boolean(a >= b);
    if (op == "<=") return Value::boolean(a <= b);
  } else if (left.is(Kind::Array) && right.is(Kind::Array)) {
    if (op == "+") {
      check_items(left.arr().size() + right.arr().size());
      Array joined = left.arr();
      joined.insert(joined.end(), right.arr().begin(), right.arr().end());
      return Value::array(std::move(joined));
    }
  } else if (right.is(Kind::Array) && membership) {
    bool found = false;
    for (const auto& item : right.arr()) {
      if (strict_equal(item, left)) {
        found = true;
        break;
      }
    }
    return Value::boolean(op == "in" ? found : !found);
  }
  if ((left.is(Kind::String) || right.is(Kind::String)) && op == "+") {
    std::string s = left.is(Kind::String) ? std::move(left).take_str() : raw_string(left);
    s += right.is(Kind::String) ? right.str() : raw_string(right);
    check_size(s.size());
    return Value::string(std::move(s));
  }
  if (left.is(Kind::String) && right.is(Kind::String) && membership) {
    bool found = right.str().find(left.str()) != std::string::npos;
    return Value::boolean(op == "in" ? found : !found);
  }
  if (left.is(Kind::String) && right.is(Kind::Object) && membership) {
    bool found = right.obj().find(left.str()) != nullptr;
    return Value::boolean(op == "in" ? found : !found);
  }
  throw Error("unknown operator \"" + op + "\" between " + type_name(left) + " and " +
              type_name(right));
}

Value Interpreter::eval(const Node& node, const EnvPtr& env) {
  switch (node.type) {
    case NodeType::IntLit:
    case NodeType::FloatLit:
    case NodeType::StrLit:
      return node.literal;
    case NodeType::Ident: {
      const Value* v = env->lookup(node.str);
      return v ? *v : Value::undefined();
    }
    case NodeType::ArrayLit:
    case NodeType::TupleLit: {
      Array items;
      items.reserve(node.list.size());
      for (const auto& item : node.list) items.push_back(eval(*item, env));
      return Value::array(std::move(items), node.type == NodeType::TupleLit);
    }
    case NodeType::ObjectLit: {
      Object o;
      for (std::size_t i = 0; i + 1 < node.list.size(); i += 2) {
        Value key = eval(*node.list[i], env);
        if (!key.is(Kind::String)) {
          throw Error(std::string("dict keys must be strings: got ") + type_name(key));
        }
        o.set(key.str(), eval(*node.list[i + 1], env));
      }
      return Value::object(std::move(o));
    }
    case NodeType::Member:
      return eval_member(node, env);
    case NodeType::Call:
      return eval_call(node, env);
    case NodeType::Unary: {
      Value v = eval(*node.a, env);
      if (node.str == "not") return Value::boolean(!truthy(v));
      if (!numeric_like(v)) {
        throw Error("unknown operator \"" + node.str + "\" for " + type_name(v));
      }
      double r = (node.str == "-" ? -1 : 1) * numeric_value(v);
      return v.is(Kind::Float) ? Value::floating(r) : Value::integer(r);
    }
    case NodeType::Binary:
      return eval_binary(node, env);
    case NodeType::Filter:
      return apply_filter(*this, eval(*node.a, env), *node.b, env);
    case NodeType::Test: {
      Value v = eval(*node.a, env);
      bool result = run_test(node.str, {v});
      return Value::boolean(node.flag ? !result : result);
    }
    case NodeType::Select:
      return truthy(eval(*node.b, env)) ? eval(*node.a, env) : Value::undefined();
    case NodeType::Ternary:
      return truthy(eval(*node.a, env)) ? eval(*node.b, env) : eval(*node.c, env);
    default:
      throw Error("unexpected expression");
  }
}

}  // namespace slipway::text::jinja
