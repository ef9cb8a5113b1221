#pragma once
// A variable scope; child scopes see their parents' variables (as the reference's Environment).
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/jinja/value.h"

namespace slipway::text::jinja {

struct Env {
  explicit Env(EnvPtr parent_scope = nullptr) : parent(std::move(parent_scope)) {}

  const Value* lookup(std::string_view name) const {
    for (const Env* e = this; e != nullptr; e = e->parent.get()) {
      for (const auto& [key, value] : e->vars) {
        if (key == name) return &value;
      }
    }
    return nullptr;
  }
  bool has_own(std::string_view name) const {
    for (const auto& entry : vars) {
      if (entry.first == name) return true;
    }
    return false;
  }
  void set(std::string_view name, Value value) {
    for (auto& entry : vars) {
      if (entry.first == name) {
        entry.second = std::move(value);
        return;
      }
    }
    vars.emplace_back(std::string(name), std::move(value));
  }

  EnvPtr parent;
  std::vector<std::pair<std::string, Value>> vars;
};

}  // namespace slipway::text::jinja
