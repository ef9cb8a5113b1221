#pragma once
// The backends a server answers with, by the model name clients send. Thread-safe: the traffic
// and registry parts add and remove backends while requests look them up.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace slipway::backends {

class BackendSet {
 public:
  void add(std::shared_ptr<Backend> backend);  // replaces one of the same name
  void remove(const std::string& name);
  std::shared_ptr<Backend> find(const std::string& name) const;  // null when unknown
  std::vector<std::shared_ptr<Backend>> all() const;             // in name order

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Backend>> backends_;
};

}  // namespace slipway::backends
