// Registry::register_version and suggest_label: validating a source, detecting its params,
// hashing its files and recording the new version.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>

#include "registry/record_json.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

namespace slipway::registry {

namespace fs = std::filesystem;
using store::Transaction;

namespace {

constexpr std::size_t kMaxLabelLength = 128;

[[noreturn]] void invalid(const std::string& message) {
  throw RegistryError(RegistryError::Code::Invalid, message);
}

// A source folder after validation, with the config file the params are detected from.
struct PreparedSource {
  Source source;
  Json config = Json::object();  // config.json (embedded) or adapter_config.json (lora)
};

struct Prepared {
  PreparedSource source;
  Json params;
  std::string git_commit;
  std::string parent;
};

Json read_json_object(const fs::path& file, const fs::path& folder, const std::string& role) {
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    invalid(folder.string() + " is not " + role + ": " + file.filename().string() + " is missing");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Json json = Json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    invalid(file.string() + " is not a JSON object");
  }
  return json;
}

bool has_safetensors(const fs::path& folder) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.path().extension() == ".safetensors" && entry.is_regular_file(error)) return true;
  }
  return false;
}

fs::path existing_folder(const Source& source) {
  const std::string kind = to_string(source.kind);
  if (source.path.empty()) {
    invalid("a" + std::string(source.kind == SourceKind::Embedded ? "n " : " ") + kind +
            " source needs the model folder's path");
  }
  std::error_code error;
  fs::path path = fs::absolute(source.path, error);
  if (error) invalid("cannot resolve " + source.path.string() + ": " + error.message());
  if (!fs::exists(path, error)) invalid("model folder " + path.string() + " does not exist");
  if (!fs::is_directory(path, error)) {
    invalid(path.string() + " is not a folder; give the folder that holds the model's files");
  }
  fs::path canonical = fs::canonical(path, error);
  if (error) invalid("cannot resolve " + path.string() + ": " + error.message());
  return canonical;
}

bool is_http_url(const std::string& url) {
  for (const std::string scheme : {"http://", "https://"}) {
    if (url.rfind(scheme, 0) == 0) {
      const std::string rest = url.substr(scheme.size());
      if (rest.empty() || rest.front() == '/') return false;
      return std::none_of(url.begin(), url.end(), [](char ch) {
        return std::isspace(static_cast<unsigned char>(ch)) != 0;
      });
    }
  }
  return false;
}

std::string text_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return "";
}

// Lowercase, [a-z0-9._-] only (anything else becomes '-'), no repeated or edge dashes.
std::string slug(const std::string& text) {
  std::string out;
  for (char raw : text) {
    const auto ch = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    const bool keep =
        (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    const char next = keep ? ch : '-';
    if (next == '-' && (out.empty() || out.back() == '-')) continue;
    out.push_back(next);
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '.' || out.back() == '_')) {
    out.pop_back();
  }
  std::size_t start = 0;
  while (start < out.size() && !std::isalnum(static_cast<unsigned char>(out[start]))) ++start;
  return out.substr(start);
}

std::string utc_date(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y%m%d", &tm);
  return buffer;
}

// {base_model}-{dataset_version}-{date}, before uniqueness suffixes.
std::string label_base(const std::string& model, const Json& params, int64_t now_ms) {
  std::string base_model;
  if (auto it = params.find("base_model"); it != params.end()) base_model = text_of(*it);
  if (auto slash = base_model.find_last_of('/'); slash != std::string::npos) {
    base_model = base_model.substr(slash + 1);
  }
  base_model = slug(base_model);
  if (base_model.empty()) base_model = slug(model);
  std::string dataset;
  if (auto it = params.find("dataset_version"); it != params.end()) dataset = slug(text_of(*it));
  std::string label;
  for (const std::string& part : {base_model, dataset, utc_date(now_ms)}) {
    if (part.empty()) continue;
    if (!label.empty()) label += "-";
    label += part;
  }
  return label;
}

bool label_taken(Transaction& tx, int64_t model_id, const std::string& label) {
  return !tx.query("SELECT 1 FROM registry_versions WHERE model_id = ? AND label = ?",
                   {model_id, label})
              .empty();
}

std::string unique_label(Transaction& tx, std::optional<int64_t> model_id,
                         const std::string& base) {
  for (int64_t n = 1;; ++n) {
    std::string suffix;
    if (n > 1) suffix.append("-").append(std::to_string(n));
    std::string label = base.substr(0, kMaxLabelLength - suffix.size()) + suffix;
    if (!model_id || !label_taken(tx, *model_id, label)) return label;
  }
}

Json detect_params(SourceKind kind, const Json& config) {
  Json detected = Json::object();
  auto copy = [&](const char* from, const char* to) {
    auto it = config.find(from);
    if (it == config.end() || it->is_null()) return;
    if (it->is_string() && it->get<std::string>().empty()) return;
    detected[to] = *it;
  };
  if (kind == SourceKind::Embedded) {
    copy("_name_or_path", "base_model");
    copy("model_type", "model_type");
    copy("torch_dtype", "torch_dtype");
  } else if (kind == SourceKind::Lora) {
    copy("base_model_name_or_path", "base_model");
    copy("r", "lora_r");
    copy("lora_alpha", "lora_alpha");
    copy("target_modules", "target_modules");
  }
  return detected;
}

std::string validated_git_commit(const std::string& text) {
  if (text.empty()) return text;
  std::string commit;
  for (char ch : text)
    commit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  const bool hex = std::all_of(commit.begin(), commit.end(), [](char ch) {
    return std::isxdigit(static_cast<unsigned char>(ch));
  });
  if (!hex || commit.size() < 7 || commit.size() > 40) {
    invalid("git_commit \"" + text + "\" is not a commit hash (7 to 40 hexadecimal digits)");
  }
  return commit;
}

void require_object(const Json& json, const std::string& what) {
  if (!json.is_object()) invalid(what + " must be a JSON object, not " + json.type_name());
}

// A referenced version (LoRA base, parent): `what` says whose, for the messages.
Version resolve_reference(store::Store& store, const std::string& text, const std::string& what) {
  VersionRef ref;
  try {
    ref = parse_version_ref(text);
  } catch (const RegistryError& e) {
    invalid(what + ": " + e.what());
  }
  try {
    return store.read([&](Transaction& tx) { return detail::resolve(tx, ref).version; });
  } catch (const RegistryError& e) {
    if (e.code() != RegistryError::Code::NotFound) throw;
    throw RegistryError(RegistryError::Code::NotFound, what + ": " + e.what());
  }
}

PreparedSource prepare_source(store::Store& store, const Source& given) {
  PreparedSource prepared;
  Source& source = prepared.source;
  source = given;
  if (source.kind == SourceKind::Upstream) {
    if (!source.path.empty()) {
      invalid("an upstream source is a URL, not a folder: give url instead of path " +
              source.path.string());
    }
    if (!source.base.empty()) invalid("base is only for lora sources");
    if (!is_http_url(source.url)) {
      invalid(
          "an upstream source needs an http:// or https:// url (e.g. http://gpu:8000/v1), "
          "got \"" +
          source.url + "\"");
    }
    return prepared;
  }
  const std::string kind = to_string(source.kind);
  if (!source.url.empty() || !source.upstream_model.empty() || !source.api_key_env.empty()) {
    invalid("a" + std::string(source.kind == SourceKind::Embedded ? "n " : " ") + kind +
            " source is a folder: url, upstream_model and api_key_env are for upstream sources");
  }
  source.path = existing_folder(source);
  const fs::path& folder = source.path;
  if (source.kind == SourceKind::Embedded) {
    if (!source.base.empty()) invalid("base is only for lora sources");
    std::error_code error;
    if (!fs::exists(folder / "config.json", error) &&
        fs::is_regular_file(folder / "adapter_config.json", error)) {
      invalid(folder.string() +
              " is a LoRA adapter (it has adapter_config.json): register it as a lora source "
              "with its base version (slipway models register NAME --path DIR --lora-base "
              "BASE/N)");
    }
    prepared.config = read_json_object(folder / "config.json", folder, "a model folder");
    if (!has_safetensors(folder)) {
      invalid(folder.string() + " is not a model folder: it has no *.safetensors weights");
    }
    return prepared;
  }
  prepared.config = read_json_object(folder / "adapter_config.json", folder, "a LoRA folder");
  std::error_code error;
  if (!fs::is_regular_file(folder / "adapter_model.safetensors", error)) {
    invalid(folder.string() + " is not a LoRA folder: adapter_model.safetensors is missing");
  }
  if (source.base.empty()) {
    invalid("the LoRA source " + folder.string() +
            " needs base, the registered version it adapts (e.g. llama/1 or llama@production)");
  }
  const Version base = resolve_reference(store, source.base, "LoRA base of " + folder.string());
  if (base.stage == Stage::Archived) {
    throw RegistryError(RegistryError::Code::StageRule,
                        "LoRA base " + base.ref() + " of " + folder.string() +
                            " is archived; restore it to candidate first");
  }
  source.base = base.ref();
  return prepared;
}

Prepared prepare(store::Store& store, const RegisterRequest& request) {
  if (!valid_model_name(request.model)) {
    invalid("invalid model name \"" + request.model +
            "\": use letters, digits, '.', '_' and '-' (at most 128), starting with a letter or "
            "digit");
  }
  if (request.label && !valid_label(*request.label)) {
    invalid("invalid label \"" + *request.label +
            "\": use letters, digits, '.', '_' and '-' (at most 128), starting with a letter or "
            "digit, and not only digits (numbers name versions)");
  }
  require_object(request.params, "params");
  require_object(request.metrics, "metrics");
  require_object(request.tags, "tags");
  for (const auto& item : request.tags.items()) {
    if (!item.value().is_string()) {
      invalid("tags values must be strings; \"" + item.key() + "\" is " + item.value().type_name());
    }
  }
  Prepared prepared;
  prepared.git_commit = validated_git_commit(request.git_commit);
  prepared.source = prepare_source(store, request.source);
  // The user's params win over what the folder says.
  prepared.params = request.params;
  const Json detected = detect_params(request.source.kind, prepared.source.config);
  for (const auto& item : detected.items()) {
    if (!prepared.params.contains(item.key())) prepared.params[item.key()] = item.value();
  }
  if (!request.parent.empty()) {
    prepared.parent =
        resolve_reference(store, request.parent, "parent \"" + request.parent + "\"").ref();
  }
  return prepared;
}

}  // namespace

std::string Registry::suggest_label(const RegisterRequest& request) {
  if (request.label) return *request.label;
  const Prepared prepared = prepare(store_, request);
  const std::string base = label_base(request.model, prepared.params, clock_());
  return store_.read([&](Transaction& tx) {
    return unique_label(tx, detail::find_model_id(tx, request.model), base);
  });
}

RegisterResult Registry::register_version(const RegisterRequest& request) {
  const Prepared prepared = prepare(store_, request);
  const Source& source = prepared.source.source;
  // Hashing can take minutes for large weights: never inside a transaction.
  std::vector<Artifact> artifacts;
  if (source.kind != SourceKind::Upstream) artifacts = scan_artifacts(source.path);
  const std::string hash = content_hash(source, artifacts);
  const int64_t now = clock_();
  const std::string suggested =
      request.label ? "" : label_base(request.model, prepared.params, now);
  const std::string source_json = to_json(source).dump();

  return store_.write([&](Transaction& tx) -> RegisterResult {
    std::optional<int64_t> model_id = detail::find_model_id(tx, request.model);
    if (!model_id) {
      auto rows = tx.query(
          "INSERT INTO registry_models (name, description, tags_json, creator, created_at) "
          "VALUES (?, '', '{}', ?, ?) RETURNING id",
          {request.model, request.actor, now});
      model_id = rows.at(0).integer(0);
      Event created;
      created.kind = "model_created";
      created.actor = request.actor;
      created.at_ms = now;
      detail::record_change(tx, *model_id, request.model, created);
    } else if (request.reuse_identical) {
      auto same = tx.query(
          "SELECT id FROM registry_versions WHERE model_id = ? AND content_hash = ? "
          "ORDER BY version LIMIT 1",
          {*model_id, hash});
      if (!same.empty()) {
        return {detail::load_version(tx, *model_id, request.model, same.front().integer(0)).version,
                false};
      }
    }

    std::string label;
    if (request.label) {
      label = *request.label;
      auto taken =
          tx.query("SELECT version FROM registry_versions WHERE model_id = ? AND label = ?",
                   {*model_id, label});
      if (!taken.empty()) {
        throw RegistryError(RegistryError::Code::Conflict,
                            "label \"" + label + "\" is taken by " + request.model + "/" +
                                std::to_string(taken.front().integer(0)) +
                                "; choose another label, or leave it out for a suggested one");
      }
    } else {
      label = unique_label(tx, model_id, suggested);
    }

    const int64_t number =
        tx.query("SELECT COALESCE(MAX(version), 0) + 1 FROM registry_versions WHERE model_id = ?",
                 {*model_id})
            .at(0)
            .integer(0);
    int64_t version_id = 0;
    try {
      version_id =
          tx.query(
                "INSERT INTO registry_versions (model_id, version, label, source_kind, "
                "source_json, params_json, metrics_json, tags_json, description, creator, "
                "created_at, git_commit, parent, dataset, content_hash, stage) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'candidate') RETURNING id",
                {*model_id, number, label, to_string(source.kind), source_json,
                 prepared.params.dump(), request.metrics.dump(), request.tags.dump(),
                 request.description, request.actor, now, prepared.git_commit, prepared.parent,
                 request.dataset, hash})
              .at(0)
              .integer(0);
    } catch (const store::StoreError& e) {
      // Another writer took the number or label between our read and insert: run again.
      if (e.kind() != store::StoreError::Kind::Unique) throw;
      throw store::StoreError(store::StoreError::Kind::Conflict,
                              std::string("concurrent registration: ") + e.what());
    }
    for (const auto& artifact : artifacts) {
      tx.execute(
          "INSERT INTO registry_artifacts (version_id, path, size, sha256) VALUES (?, ?, ?, ?)",
          {version_id, artifact.path, artifact.size, artifact.sha256});
      tx.execute(
          "INSERT INTO registry_artifact_stats (version_id, path, mtime_ns) VALUES (?, ?, ?)",
          {version_id, artifact.path, artifact.mtime_ns});
    }
    Event registered;
    registered.version = number;
    registered.kind = "registered";
    registered.to = to_string(Stage::Candidate);
    registered.actor = request.actor;
    registered.at_ms = now;
    detail::record_change(tx, *model_id, request.model, registered);
    return {detail::load_version(tx, *model_id, request.model, version_id).version, true};
  });
}

}  // namespace slipway::registry
