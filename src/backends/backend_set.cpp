#include "backends/backend_set.h"

namespace slipway::backends {

void BackendSet::add(std::shared_ptr<Backend> backend) {
  std::lock_guard lock(mutex_);
  const std::string name = backend->name();
  backends_[name] = std::move(backend);
}

void BackendSet::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  backends_.erase(name);
}

std::shared_ptr<Backend> BackendSet::find_exact(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = backends_.find(name);
  return it == backends_.end() ? nullptr : it->second;
}

std::shared_ptr<Backend> BackendSet::find(const std::string& name) const {
  std::shared_ptr<const Resolver> resolver;
  {
    std::lock_guard lock(mutex_);
    if (auto it = backends_.find(name); it != backends_.end()) return it->second;
    resolver = resolver_;
  }
  if (!resolver || !*resolver) return nullptr;
  const std::optional<std::string> resolved = (*resolver)(name);
  if (!resolved || *resolved == name) return nullptr;
  return find_exact(*resolved);
}

std::vector<std::shared_ptr<Backend>> BackendSet::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Backend>> result;
  result.reserve(backends_.size());
  for (const auto& [name, backend] : backends_) result.push_back(backend);
  return result;
}

void BackendSet::set_resolver(Resolver resolver) {
  auto shared = resolver ? std::make_shared<const Resolver>(std::move(resolver)) : nullptr;
  std::lock_guard lock(mutex_);
  resolver_ = std::move(shared);
}

}  // namespace slipway::backends
