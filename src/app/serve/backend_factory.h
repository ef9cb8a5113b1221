#pragma once
// Backends of served models: an EmbeddedBackend on a shared BaseEngine (with a LoRA adapter or
// none), or an UpstreamBackend on the server's io_context.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "app/serve/base_engines.h"
#include "app/serve/serve_config.h"
#include "backends/backend.h"
#include "engine/lora/lora_adapter.h"

namespace slipway::app {

// The backend keeps `engine` alive (through the package and scheduler it holds), so the engine
// lives while any backend on it does. With an adapter, `parent` names the base ("llama/1").
std::shared_ptr<backends::Backend> make_embedded_backend(
    const std::string& name, const std::shared_ptr<const BaseEngine>& engine,
    std::shared_ptr<const engine::LoraAdapter> adapter = nullptr, const std::string& parent = "");

std::shared_ptr<backends::Backend> make_upstream_backend(const std::string& name,
                                                         const UpstreamSettings& upstream,
                                                         boost::asio::io_context& io);

}  // namespace slipway::app
