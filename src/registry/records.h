#pragma once
// What the registry stores: registered models, their immutable versions, aliases, stage
// changes and the audit history.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace slipway::registry {

using Json = nlohmann::ordered_json;

// Where a version's weights come from.
enum class SourceKind { Embedded, Lora, Upstream };
std::string to_string(SourceKind kind);                       // "embedded", "lora", "upstream"
SourceKind source_kind_from_string(const std::string& text);  // throws RegistryError Invalid

struct Source {
  SourceKind kind = SourceKind::Embedded;
  std::filesystem::path path;  // embedded, lora: the folder (absolute, canonical)
  std::string base;            // lora: the base version as "name/version"
  std::string url;             // upstream: base URL, e.g. http://gpu:8000/v1
  std::string upstream_model;  // upstream: the upstream's model name (empty: the served name)
  std::string api_key_env;     // upstream: environment variable holding its key
};

// One artifact file, relative to the source folder. mtime is a cache for the fast check, not
// part of the version's identity.
struct Artifact {
  std::string path;  // relative, '/'-separated
  int64_t size = 0;
  std::string sha256;  // lowercase hex
  int64_t mtime_ns = 0;
};

enum class Stage { Candidate, Staging, Production, Archived };
std::string to_string(Stage stage);             // "candidate", ...
Stage stage_from_string(const std::string& s);  // throws RegistryError Invalid

struct Version {
  std::string model;
  int64_t version = 0;  // 1, 2, ... per model
  std::string label;    // unique per model, e.g. llama-3.2-1b-support-v3-20261129
  Source source;
  Json params = Json::object();   // base_model, dataset_version, lora_r, learning_rate, ...
  Json metrics = Json::object();  // val_loss, eval_accuracy, ...
  Json tags = Json::object();     // string -> string
  std::string description;
  std::string creator;
  int64_t created_at_ms = 0;
  std::string git_commit;  // of the training code; empty when unknown
  std::string parent;      // lineage: the version it was trained from ("name/version"), or ""
  std::string dataset;     // lineage: the dataset export id or URI it was trained on, or ""
  std::vector<Artifact> artifacts;  // sorted by path; empty for upstream sources
  std::string content_hash;         // sha256 over source kind, base/url and every (path, sha256)
  Stage stage = Stage::Candidate;
  std::vector<std::string> aliases;  // aliases pointing here, sorted

  std::string ref() const { return model + "/" + std::to_string(version); }
};

struct Model {
  std::string name;
  std::string description;
  Json tags = Json::object();
  std::string creator;
  int64_t created_at_ms = 0;
  int64_t version_count = 0;
  int64_t latest_version = 0;              // 0 when none
  std::map<std::string, int64_t> aliases;  // alias -> version
};

// One line of the audit trail.
struct Event {
  int64_t id = 0;
  std::string model;
  int64_t version = 0;  // 0 for model-level events
  std::string kind;     // "model_created", "registered", "alias_set", "alias_removed", "stage"
  std::string alias;    // alias events
  std::string from;     // previous stage, or previous version number of an alias ("" if none)
  std::string to;       // new stage, or new version number of an alias
  std::string actor;    // the API key's name, or "cli:<os user>"
  std::string reason;
  bool automatic = false;  // set by traffic (rollouts) rather than by hand
  int64_t at_ms = 0;
};

}  // namespace slipway::registry
