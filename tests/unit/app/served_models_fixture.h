#pragma once
// What the tests of ServedModels stand on: a real SQLite registry in a fresh folder, the backend
// set, compute pool and io_context a loader runs with, and the ApiError a call throws.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/serve/model_loader.h"
#include "test_dir.h"

namespace slipway::app {

class ServedModelsFixture : public ::testing::Test {
 protected:
  // A fresh folder for the test (see fresh_test_dir) holding the registry's database.
  void open_registry(const std::string& part, const std::string& name) {
    dir_ = ::slipway::test::fresh_test_dir(part, name);
    store_ = store::Store::open((dir_ / "slipway.db").string());
    registry_.emplace(*store_);
  }

  // A loader on this registry that already resolves names of loaded versions.
  std::unique_ptr<ServedModels> start_loader(const ServedModels::Options& options) {
    auto result = std::make_unique<ServedModels>(*registry_, backends_, pool_, io_, options);
    result->start_resolving();
    return result;
  }

  // The request that registers `folder` as the next version of `model`.
  static registry::RegisterRequest registration(const std::string& model,
                                                const std::filesystem::path& folder,
                                                const std::string& label) {
    registry::RegisterRequest request;
    request.model = model;
    request.label = label;
    request.source.path = std::filesystem::canonical(folder);
    request.actor = "test";
    return request;
  }

  registry::Version register_folder(const std::string& model, const std::filesystem::path& folder,
                                    const std::string& label) {
    return registry_->register_version(registration(model, folder, label)).version;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<registry::Registry> registry_;
  boost::asio::io_context io_;
  engine::ComputePool pool_{1};
  std::shared_ptr<backends::BackendSet> backends_ = std::make_shared<backends::BackendSet>();
};

// The ApiError `body` throws; a test failure when it throws none.
inline backends::ApiError api_error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const backends::ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError";
  return {};
}

}  // namespace slipway::app
