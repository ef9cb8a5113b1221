// slipway serve: the OpenAI-compatible server over embedded models and upstream servers.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/commands.h"
#include "app/serve/backend_factory.h"
#include "app/serve/demo_model.h"
#include "app/serve/serve_config.h"
#include "backends/backend_set.h"
#include "engine/compute_pool.h"
#include "http/server.h"
#include "monitor/serving_metrics.h"

namespace slipway::app {
namespace {

// Flags override the YAML file; unset flags leave it alone.
struct ServeArgs {
  std::string config;
  std::string model;
  std::string served_model_name;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<int> threads;
  std::optional<double> kv_cache_mb;
  std::optional<int32_t> block_size;
  std::optional<int64_t> max_num_seqs;
  std::optional<int64_t> max_batch_tokens;
  std::optional<int64_t> max_waiting;
  std::optional<double> request_timeout;
  std::optional<double> drain_timeout;
  std::optional<std::size_t> max_body_bytes;
  bool no_prefix_caching = false;
};

void apply_engine_flags(const ServeArgs& args, EngineSettings& engine) {
  if (args.threads) engine.threads = *args.threads;
  if (args.kv_cache_mb) engine.kv_cache_mb = *args.kv_cache_mb;
  if (args.block_size) engine.block_size = *args.block_size;
  if (args.max_num_seqs) engine.max_num_seqs = *args.max_num_seqs;
  if (args.max_batch_tokens) engine.max_batch_tokens = *args.max_batch_tokens;
  if (args.max_waiting) engine.max_waiting = *args.max_waiting;
  if (args.no_prefix_caching) engine.prefix_caching = false;
}

ServeConfig build_config(const ServeArgs& args) {
  ServeConfig config = args.config.empty() ? ServeConfig{} : load_serve_config(args.config);
  auto& server = config.server;
  if (args.host) server.host = *args.host;
  if (args.port) server.port = static_cast<uint16_t>(*args.port);
  if (args.request_timeout) server.request_timeout = seconds_to_ms(*args.request_timeout);
  if (args.drain_timeout) server.drain_timeout = seconds_to_ms(*args.drain_timeout);
  if (args.max_body_bytes) server.max_body_bytes = *args.max_body_bytes;
  apply_engine_flags(args, config.engine);
  for (auto& model : config.models) apply_engine_flags(args, model.engine);

  std::filesystem::path folder = args.model;
  if (folder.empty() && config.models.empty()) {
    folder = ensure_demo_model();
    std::fprintf(stderr,
                 "slipway: no model given: serving the demo model in %s (random weights, so its "
                 "text is gibberish; use --model DIR for a real one)\n",
                 folder.c_str());
  }
  if (!folder.empty()) {
    ModelSettings model;
    model.path = folder;
    model.name = !args.served_model_name.empty() ? args.served_model_name
                 : args.model.empty()            ? std::string("demo")
                                                 : folder.lexically_normal().filename().string();
    if (model.name.empty()) model.name = folder.lexically_normal().parent_path().filename();
    model.engine = config.engine;
    config.models.push_back(std::move(model));
  }
  if (const char* key = std::getenv("SLIPWAY_API_KEY"); key && *key) server.api_key = key;
  validate_serve_config(config);
  return config;
}

void run_serve(const ServeArgs& args) {
  const ServeConfig config = build_config(args);
  // Destruction runs bottom-up: the server first, then the backends (whose schedulers use the
  // pool and whose upstream clients use the io_context), then the pool and the io_context.
  boost::asio::io_context io;
  engine::ComputePool pool(config.engine.threads);
  auto backends = std::make_shared<backends::BackendSet>();
  auto metrics = std::make_shared<monitor::ServingMetrics>();
  http::Server server(io, config.server, backends, metrics);
  server.listen();

  // Models load while the server already answers /health with 503 "loading".
  std::atomic<bool> load_failed{false};
  std::string load_error;
  std::thread loader([&] {
    try {
      for (const auto& model : config.models) {
        backends->add(make_backend(model, pool, io));
        std::fprintf(stderr, "slipway: model \"%s\" ready (%s)\n", model.name.c_str(),
                     model.upstream ? model.upstream->base_url.c_str() : model.path.c_str());
      }
      server.set_ready(true);
    } catch (const std::exception& e) {
      load_error = e.what();
      load_failed = true;
      server.shutdown();
    }
  });
  server.run();
  loader.join();
  if (load_failed) throw std::runtime_error(load_error);
}

}  // namespace

void register_serve_command(CLI::App& root) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = root.add_subcommand(
      "serve",
      "OpenAI-compatible server for embedded models and upstream servers (no model: a demo)");
  cmd->add_option("--config", args->config, "YAML configuration (docs/configuration.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--model", args->model, "A Hugging Face model folder to serve")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--served-model-name", args->served_model_name,
                  "The name clients send as \"model\" (default: the folder's name)");
  cmd->add_option("--host", args->host, "Address to bind (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "Port (default 8000; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", args->threads, "Compute threads (0: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--kv-cache-mb", args->kv_cache_mb, "KV cache budget per model in MiB")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--block-size", args->block_size, "Tokens per KV cache block")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--max-num-seqs", args->max_num_seqs, "Sequences in a running batch")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--max-batch-tokens", args->max_batch_tokens,
                  "Tokens per scheduler step (chunked prefill budget)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--max-waiting", args->max_waiting, "Waiting queue bound (429 beyond)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  cmd->add_option("--request-timeout", args->request_timeout, "Seconds a request may take")
      ->check(CLI::Range(0.001, 1e7));
  cmd->add_option("--drain-timeout", args->drain_timeout,
                  "Seconds in-flight requests get after SIGTERM")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--max-body-bytes", args->max_body_bytes, "Largest request body (413 beyond)");
  cmd->add_flag("--no-prefix-caching", args->no_prefix_caching,
                "Do not reuse KV blocks of identical prompt prefixes");
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace slipway::app
