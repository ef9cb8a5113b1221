#pragma once
// Turns the models of a serve configuration into backends: embedded folders get a model
// package, a scheduler and an EmbeddedBackend on the shared compute pool; upstreams get an
// UpstreamBackend on the server's io_context.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "app/serve/serve_config.h"
#include "backends/backend.h"
#include "engine/compute_pool.h"

namespace slipway::app {

std::shared_ptr<backends::Backend> make_backend(const ModelSettings& model,
                                                engine::ComputePool& pool,
                                                boost::asio::io_context& io);

}  // namespace slipway::app
