#include "http/admin/admin_register_body.h"

#include <filesystem>

#include "http/admin/admin_body.h"
#include "registry/registry_error.h"

namespace slipway::http {

using backends::ApiError;
using registry::SourceKind;

namespace {

// A field set (non-empty) that means nothing for this kind of source.
void reject_inapplicable(const Json& source, std::string_view key, SourceKind kind) {
  auto value = optional_string(source, key, "source." + std::string(key));
  if (value && !value->empty()) {
    throw ApiError::bad_request("`source." + std::string(key) + "` does not apply to " +
                                    registry::to_string(kind) + " sources.",
                                "source." + std::string(key));
  }
}

registry::Source source_from_body(const Json& body) {
  const auto it = body.find("source");
  if (it == body.end() || it->is_null()) {
    throw ApiError::bad_request(
        "Missing required field `source`: {\"kind\": \"embedded\"|\"lora\"|\"upstream\", ...}.",
        "source");
  }
  if (!it->is_object()) {
    throw ApiError::invalid_field("`source` must be an object.", "source");
  }
  const Json& source = *it;
  reject_unknown_fields(source, {"kind", "path", "base", "url", "upstream_model", "api_key_env"},
                        "source.");
  registry::Source out;
  const std::string kind = required_string(source, "kind", "source.kind");
  try {
    out.kind = registry::source_kind_from_string(kind);
  } catch (const registry::RegistryError& e) {
    throw ApiError::bad_request(e.what(), "source.kind");
  }
  switch (out.kind) {
    case SourceKind::Embedded:
    case SourceKind::Lora: {
      const std::string path = required_string(source, "path", "source.path");
      out.path = path;
      if (!out.path.is_absolute()) {
        throw ApiError::bad_request(
            "`source.path` must be an absolute path on the server's "
            "machine (the server reads the files itself); got \"" +
                path + "\".",
            "source.path");
      }
      if (out.kind == SourceKind::Lora) {
        out.base = required_string(source, "base", "source.base");
      } else {
        reject_inapplicable(source, "base", out.kind);
      }
      for (const auto key : {"url", "upstream_model", "api_key_env"}) {
        reject_inapplicable(source, key, out.kind);
      }
      break;
    }
    case SourceKind::Upstream:
      out.url = required_string(source, "url", "source.url");
      out.upstream_model =
          optional_string(source, "upstream_model", "source.upstream_model").value_or("");
      out.api_key_env = optional_string(source, "api_key_env", "source.api_key_env").value_or("");
      reject_inapplicable(source, "path", out.kind);
      reject_inapplicable(source, "base", out.kind);
      break;
  }
  return out;
}

}  // namespace

registry::RegisterRequest register_request_from_body(const Json& json, const std::string& model,
                                                     const std::string& actor) {
  const Json& body = body_object(json);
  reject_unknown_fields(body, {"label", "source", "params", "metrics", "tags", "description",
                               "git_commit", "parent", "dataset", "reuse_identical"});
  registry::RegisterRequest request;
  request.model = model;
  request.actor = actor;
  request.label = optional_string(body, "label", "label");
  request.source = source_from_body(body);
  request.params = optional_object(body, "params", "params");
  request.metrics = optional_object(body, "metrics", "metrics");
  request.tags = optional_string_map(body, "tags", "tags");
  request.description = optional_string(body, "description", "description").value_or("");
  request.git_commit = optional_string(body, "git_commit", "git_commit").value_or("");
  request.parent = optional_string(body, "parent", "parent").value_or("");
  request.dataset = optional_string(body, "dataset", "dataset").value_or("");
  request.reuse_identical =
      optional_bool(body, "reuse_identical", "reuse_identical").value_or(false);
  return request;
}

}  // namespace slipway::http
