#include "app/serve/serve_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "app/serve/failover_config.h"
#include "app/serve/feedback_config.h"
#include "app/serve/monitoring_config.h"
#include "app/serve/traffic_config.h"
#include "app/serve/upstream_config.h"
#include "app/serve/yaml_section.h"
#include "registry/registry_error.h"
#include "registry/version_ref.h"

namespace slipway::app {
namespace {

using Section = YamlSection;

void read_server(Section section, http::ServerOptions& server, StateSettings& state,
                 const std::filesystem::path& base_dir) {
  section.read("data_dir", state.data_dir);
  section.read("store", state.store);
  section.read("memory_budget_mb", state.memory_budget_mb);
  if (state.memory_budget_mb < 0) section.fail("server.memory_budget_mb must not be negative");
  section.read("host", server.host);
  int port = server.port;
  section.read("port", port);
  if (port < 0 || port > 65535) section.fail("server.port must be 0-65535");
  server.port = static_cast<uint16_t>(port);
  section.read("io_threads", server.io_threads);
  section.read("max_body_bytes", server.max_body_bytes);
  section.read("max_header_bytes", server.max_header_bytes);
  read_range(section, "max_messages", server.max_messages, 0, 1'000'000);
  read_range(section, "max_tokens", server.max_tokens, 0, int64_t{1} << 32);
  read_range(section, "max_prompt_tokens", server.max_prompt_tokens, 0, int64_t{1} << 32);
  for (auto [key, path] : {std::pair{"tls_cert_file", &server.tls_cert_file},
                           std::pair{"tls_key_file", &server.tls_key_file}}) {
    section.read(key, *path);
    if (!path->empty()) *path = (base_dir / *path).string();
  }
  if (server.tls_cert_file.empty() != server.tls_key_file.empty()) {
    section.fail("server.tls_cert_file and server.tls_key_file go together: set both or neither");
  }
  struct Timeout {
    const char* key;
    std::chrono::milliseconds& value;
  };
  for (Timeout t : {Timeout{"header_timeout_seconds", server.header_timeout},
                    Timeout{"body_timeout_seconds", server.body_timeout},
                    Timeout{"idle_timeout_seconds", server.idle_timeout},
                    Timeout{"request_timeout_seconds", server.request_timeout},
                    Timeout{"drain_timeout_seconds", server.drain_timeout},
                    Timeout{"health_timeout_seconds", server.health_timeout},
                    Timeout{"tls_handshake_timeout_seconds", server.tls_handshake_timeout}}) {
    double seconds = static_cast<double>(t.value.count()) / 1000.0;
    section.read(t.key, seconds);
    if (seconds <= 0) section.fail(std::string("server.") + t.key + " must be positive");
    t.value = seconds_to_ms(seconds);
  }
  section.reject_unknown_keys();
}

void read_engine(Section section, EngineSettings& engine) {
  section.read("threads", engine.threads);
  section.read("kv_cache_mb", engine.kv_cache_mb);
  section.read("block_size", engine.block_size);
  section.read("max_num_seqs", engine.max_num_seqs);
  section.read("max_batch_tokens", engine.max_batch_tokens);
  section.read("max_waiting", engine.max_waiting);
  section.read("prefix_caching", engine.prefix_caching);
  section.read("max_lora_rank", engine.max_lora_rank);
  section.read("max_loras", engine.max_loras);
  section.reject_unknown_keys();
}

ModelSettings read_model(const YAML::Node& node, std::size_t index, const std::string& source,
                         const EngineSettings& engine, const std::filesystem::path& base_dir) {
  const std::string where = "models[" + std::to_string(index) + "]";
  Section section(node, where, source);
  ModelSettings model;
  model.engine = engine;
  section.read("name", model.name);
  std::string path;
  section.read("path", path);
  if (!path.empty()) model.path = base_dir / path;
  if (YAML::Node upstream = section.child("upstream"); upstream && !upstream.IsNull())
    model.upstream = read_upstream(Section(upstream, where + ".upstream", source));
  if (YAML::Node version = section.child("version"); version && !version.IsNull()) {
    try {
      model.version = version.as<std::string>();
      const registry::VersionRef ref = registry::parse_version_ref(model.version);
      if (model.name.empty()) model.name = ref.model;
    } catch (const YAML::Exception&) {
      section.fail(where + ".version has the wrong type", version.Mark());
    } catch (const registry::RegistryError& e) {
      section.fail(where + ".version: " + e.what(), version.Mark());
    }
  }
  std::string adapter;
  section.read("adapter", adapter);
  if (!adapter.empty()) model.adapter = base_dir / adapter;
  section.read("base", model.base);
  if (YAML::Node overrides = section.child("engine"); overrides && !overrides.IsNull()) {
    if (!model.adapter.empty())
      section.fail(where +
                       ".engine: an adapter runs on its base's engine; set engine settings "
                       "on the base model",
                   overrides.Mark());
    read_engine(Section(overrides, where + ".engine", source), model.engine);
  }
  section.reject_unknown_keys();
  if (model.name.empty() && !model.path.empty()) model.name = model.path.filename().string();
  if (model.name.empty() && !model.adapter.empty())
    model.name = model.adapter.lexically_normal().filename().string();
  return model;
}

}  // namespace

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

ServeConfig parse_serve_config(const std::string& yaml, const std::string& source,
                               const std::filesystem::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  ServeConfig config;
  Section top(root, "config", source);
  read_server(Section(top.child("server"), "server", source), config.server, config.state,
              base_dir);
  read_key_defaults(Section(top.child("keys"), "keys", source), config.server);
  read_failover_config(Section(top.child("failover"), "failover", source), config.failover);
  read_engine(Section(top.child("engine"), "engine", source), config.engine);
  read_feedback_config(Section(top.child("feedback"), "feedback", source), config.feedback);
  read_traffic_config(Section(top.child("traffic"), "traffic", source), config.traffic);
  read_routes_config(top, config.traffic);
  read_monitoring_config(Section(top.child("monitoring"), "monitoring", source), base_dir,
                         config.monitoring);
  YAML::Node models = top.child("models");
  if (models && !models.IsNull()) {
    if (!models.IsSequence()) top.fail("models must be a list", models.Mark());
    for (std::size_t i = 0; i < models.size(); ++i)
      config.models.push_back(read_model(models[i], i, source, config.engine, base_dir));
  }
  top.reject_unknown_keys();
  return config;
}

ServeConfig load_serve_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(file.string() + ": cannot read the configuration file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_serve_config(text.str(), file.string(), file.parent_path());
}

namespace {

// An adapter's base: another model of the config, embedded (a folder or a registered version;
// whether that version is embedded is checked when it loads).
void validate_adapter_base(const ServeConfig& config, const ModelSettings& model) {
  if (model.adapter.empty()) {
    if (!model.base.empty())
      throw ConfigError("model \"" + model.name + "\": base is only for adapter models");
    return;
  }
  if (model.base.empty())
    throw ConfigError("model \"" + model.name +
                      "\": an adapter needs base, the name of the model it adapts (a model of "
                      "this config given by path or version)");
  for (const auto& other : config.models) {
    if (other.name != model.base) continue;
    if (&other == &model) break;
    if (!other.path.empty() || !other.version.empty()) return;
    throw ConfigError("model \"" + model.name + "\": its base \"" + model.base + "\" is " +
                      (other.upstream ? "an upstream" : "an adapter") +
                      "; a base must be an embedded model (path or version)");
  }
  throw ConfigError("model \"" + model.name + "\": base \"" + model.base +
                    "\" is not another model of this config");
}

}  // namespace

void validate_serve_config(const ServeConfig& config) {
  std::set<std::string> names;
  for (const auto& model : config.models) {
    if (model.name.empty()) throw ConfigError("a model has no name");
    if (!names.insert(model.name).second)
      throw ConfigError("two models are named \"" + model.name + "\"");
    const int sources = int{!model.path.empty()} + int{model.upstream.has_value()} +
                        int{!model.version.empty()} + int{!model.adapter.empty()};
    if (sources != 1)
      throw ConfigError("model \"" + model.name +
                        "\" needs exactly one of path, upstream, version (a registered version "
                        "such as name@production or name/3) or adapter (a LoRA folder with base)");
    validate_adapter_base(config, model);
    if (model.upstream && model.upstream->base_url.empty())
      throw ConfigError("model \"" + model.name + "\": upstream.base_url is required");
    const EngineSettings& e = model.engine;
    if (e.threads < 0 || e.kv_cache_mb < 0 || e.block_size < 1 || e.block_size > 1024 ||
        e.max_num_seqs < 1 || e.max_batch_tokens < 1 || e.max_waiting < 0 || e.max_lora_rank < 1 ||
        e.max_lora_rank > 4096 || e.max_loras < 1)
      throw ConfigError("model \"" + model.name +
                        "\": engine settings out of range (threads >= 0, kv_cache_mb >= 0, "
                        "block_size 1-1024, max_num_seqs >= 1, max_batch_tokens >= 1, "
                        "max_waiting >= 0, max_lora_rank 1-4096, max_loras >= 1)");
  }
  if (config.state.memory_budget_mb < 0)
    throw ConfigError("server.memory_budget_mb must not be negative");
  const auto& s = config.server;
  if (s.io_threads < 1 || s.io_threads > 64) throw ConfigError("server.io_threads must be 1-64");
  if (s.max_body_bytes < 1024) throw ConfigError("server.max_body_bytes must be at least 1024");
}

}  // namespace slipway::app
