#pragma once
// Tree-walking evaluation of a parsed template with @huggingface/jinja's semantics
// (scoping, truthiness, operators, loop variables, macros).
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/env.h"
#include "text/jinja/value.h"

namespace slipway::text::jinja {

struct Limits {
  std::size_t max_output = 64u << 20;  // bytes of any string or the rendered text
  std::size_t max_items = 10'000'000;  // elements of any array built while rendering
  std::size_t max_steps = 50'000'000;  // loop iterations plus macro calls
  int max_call_depth = 100;            // nested macro calls
};

class Interpreter {
 public:
  explicit Interpreter(Limits limits = {}) : limits_(limits) {}
  ~Interpreter();

  // Renders program with globals as the outermost scope. Throws jinja::Error.
  std::string run(const Program& program, const EnvPtr& globals);

  Value eval(const Node& node, const EnvPtr& env);
  void exec_block(const NodeList& body, const EnvPtr& env, std::string& out);
  // Positional values (with *spread expanded) and keyword values (with **spread merged).
  std::pair<std::vector<Value>, Object> eval_args(const NodeList& args, const EnvPtr& env);

  const Limits& limits() const { return limits_; }
  void check_size(std::size_t bytes) const;
  void check_items(std::size_t count) const;
  // Namespaces are the only mutable values, so only they can form reference cycles.
  void track_namespace(std::shared_ptr<Object> ns) { namespaces_.push_back(std::move(ns)); }

 private:
  enum class Flow { Normal, Break, Continue };

  void exec(const Node& node, const EnvPtr& env, std::string& out);
  void exec_set(const Node& node, const EnvPtr& env);
  void exec_for(const Node& node, const EnvPtr& env, std::string& out);
  Value define_macro(const Node& node);
  Value exec_call_block(const Node& node, const EnvPtr& env);
  void bind_macro_args(const std::string& name, const NodeList& params, const Node* body_owner,
                       std::vector<Value> args, const EnvPtr& scope);
  Value eval_binary(const Node& node, const EnvPtr& env);
  Value eval_member(const Node& node, const EnvPtr& env);
  Value eval_slice(const Value& object, const Node& slice, const EnvPtr& env);
  Value eval_call(const Node& node, const EnvPtr& env);
  void step();

  Limits limits_;
  Flow flow_ = Flow::Normal;
  int call_depth_ = 0;
  std::size_t steps_ = 0;
  std::vector<std::shared_ptr<Object>> namespaces_;
};

}  // namespace slipway::text::jinja
