#pragma once
// The backends a server answers with, by the model name clients send. Thread-safe: the traffic
// and registry parts add and remove backends while requests look them up.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace slipway::backends {

class BackendSet {
 public:
  // Maps a name no backend has (e.g. "demo@production", "demo/3") to the name of one that
  // serves it, or nullopt. Called by find() on request threads, outside the set's lock: it
  // must be cheap, thread-safe and must not call back into the set.
  using Resolver = std::function<std::optional<std::string>(const std::string& name)>;

  void add(std::shared_ptr<Backend> backend);  // replaces one of the same name
  void remove(const std::string& name);
  // The backend of that name; else the one the resolver names; else null.
  std::shared_ptr<Backend> find(const std::string& name) const;
  std::shared_ptr<Backend> find_exact(const std::string& name) const;  // no resolver
  std::vector<std::shared_ptr<Backend>> all() const;                   // in name order
  // Replaces the resolver (null: none).
  void set_resolver(Resolver resolver);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Backend>> backends_;
  std::shared_ptr<const Resolver> resolver_;
};

}  // namespace slipway::backends
