// The registry endpoints of docs/admin-api.md: models, versions, stages, aliases, history and
// diffs. Each handler validates its body and query, calls the registry with the request's
// actor, and answers the registry's JSON records (registry/record_json.h).
#include <charconv>

#include "http/admin/admin_body.h"
#include "http/admin/admin_register_body.h"
#include "http/admin/admin_routes.h"
#include "registry/record_json.h"
#include "registry/version_diff.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;
using backends::ApiError;
using registry::VersionRef;

namespace {

AdminResponse ok(Json body, int status = 200) {
  return AdminResponse{status, std::move(body), {}};
}

template <class Records>
Json list_of(const Records& records) {
  Json data = Json::array();
  for (const auto& record : records) data.push_back(registry::to_json(record));
  return Json{{"object", "list"}, {"data", std::move(data)}};
}

// The {name} of the path; a 404 then says model_not_found when this model does not exist.
const std::string& model_param(AdminCall& call) {
  const std::string& name = call.param("name");
  call.errors.models.push_back(name);
  return name;
}

// {name} with {ref}: a version number or a label.
VersionRef version_param(AdminCall& call) {
  VersionRef ref;
  ref.model = model_param(call);
  const std::string& text = call.param("ref");
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    int64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size()) {
      throw ApiError::bad_request("Version number out of range: " + text);
    }
    ref.number = number;
  } else {
    ref.label = text;
  }
  return ref;
}

registry::Stage stage_value(const std::string& text, const std::string& name) {
  try {
    return registry::stage_from_string(text);
  } catch (const registry::RegistryError& e) {
    throw ApiError::bad_request(e.what(), name);
  }
}

VersionRef version_ref_value(const std::string& text, const std::string& name) {
  try {
    return registry::parse_version_ref(text);
  } catch (const registry::RegistryError& e) {
    throw ApiError::bad_request("`" + name + "`: " + e.what(), name);
  }
}

const std::string& required_query(const AdminRequest& request, const std::string& name,
                                  std::string_view example) {
  const auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) {
    throw ApiError::bad_request(
        "Missing query parameter `" + name + "` (e.g. " + std::string(example) + ").", name);
  }
  return it->second;
}

// Handlers ------------------------------------------------------------------------------------

AdminResponse list_models(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  return ok(list_of(call.registry->list_models()));
}

AdminResponse create_model(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const Json& body = body_object(call.request.body);
  reject_unknown_fields(body, {"name", "description", "tags"});
  const std::string name = required_string(body, "name", "name");
  const std::string description = optional_string(body, "description", "description").value_or("");
  const Json tags = optional_string_map(body, "tags", "tags");
  return ok(
      registry::to_json(call.registry->create_model(name, description, tags, call.request.actor)),
      201);
}

AdminResponse get_model(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  return ok(registry::to_json(call.registry->get_model(model_param(call))));
}

AdminResponse list_versions(AdminCall& call) {
  const auto& query = call.request.query;
  reject_unknown_query(query, {"stage", "tag"});
  const std::string& model = model_param(call);
  registry::ListFilter filter;
  if (const auto it = query.find("stage"); it != query.end()) {
    filter.stage = stage_value(it->second, "stage");
  }
  if (const auto it = query.find("tag"); it != query.end()) {
    const std::size_t eq = it->second.find('=');
    filter.tag_key = it->second.substr(0, eq);
    if (filter.tag_key->empty()) {
      throw ApiError::bad_request("`tag` must be key or key=value.", "tag");
    }
    if (eq != std::string::npos) filter.tag_value = it->second.substr(eq + 1);
  }
  call.registry->get_model(model);  // an unknown model is 404, not an empty list
  return ok(list_of(call.registry->list_versions(model, filter)));
}

AdminResponse register_version(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  // The model is created on first registration: a 404 here is the parent or the LoRA base.
  const std::string& model = call.param("name");
  auto request = register_request_from_body(call.request.body, model, call.request.actor);
  const registry::RegisterResult result = call.registry->register_version(request);
  return ok(Json{{"created", result.created}, {"version", registry::to_json(result.version)}},
            result.created ? 201 : 200);
}

AdminResponse get_version(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  return ok(registry::to_json(call.registry->get_version(version_param(call))));
}

AdminResponse verify_version(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const VersionRef ref = version_param(call);
  const Json& body = body_object(call.request.body, true);
  reject_unknown_fields(body, {"mode"});
  const std::string mode = optional_string(body, "mode", "mode").value_or("fast");
  registry::VerifyMode verify_mode = registry::VerifyMode::Fast;
  if (mode == "full") {
    verify_mode = registry::VerifyMode::Full;
  } else if (mode != "fast") {
    throw ApiError::bad_request("`mode` must be \"fast\" or \"full\".", "mode");
  }
  const registry::Version version = call.registry->get_version(ref);
  const registry::VerifyReport report = call.registry->verify(version, verify_mode);
  return ok(Json{{"ok", true}, {"files_hashed", report.files_hashed}});
}

AdminResponse set_stage(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const VersionRef ref = version_param(call);
  const Json& body = body_object(call.request.body);
  reject_unknown_fields(body, {"stage", "reason"});
  const registry::Stage stage = stage_value(required_string(body, "stage", "stage"), "stage");
  const std::string reason = required_string(body, "reason", "reason");
  const registry::Version version = call.registry->get_version(ref);
  return ok(registry::to_json(
      call.registry->set_stage(version.model, version.version, stage, call.request.actor, reason)));
}

AdminResponse list_aliases(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const registry::Model model = call.registry->get_model(model_param(call));
  Json aliases = Json::object();
  for (const auto& [alias, version] : model.aliases) aliases[alias] = version;
  return ok(std::move(aliases));
}

AdminResponse get_alias(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  VersionRef ref;
  ref.model = model_param(call);
  ref.alias = call.param("alias");
  return ok(registry::to_json(call.registry->get_version(ref)));
}

AdminResponse set_alias(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const std::string& model = model_param(call);
  const Json& body = body_object(call.request.body);
  reject_unknown_fields(body, {"version", "reason"});
  const auto version = body.find("version");
  if (version == body.end() || version->is_null()) {
    throw ApiError::bad_request("Missing required field `version`.", "version");
  }
  const int64_t number = version_number(*version, "version");
  const std::string reason = optional_string(body, "reason", "reason").value_or("");
  return ok(registry::to_json(
      call.registry->set_alias(model, call.param("alias"), number, call.request.actor, reason)));
}

AdminResponse delete_alias(AdminCall& call) {
  reject_unknown_query(call.request.query, {"reason"});
  const std::string& model = model_param(call);
  const auto reason = call.request.query.find("reason");
  call.registry->remove_alias(model, call.param("alias"), call.request.actor,
                              reason == call.request.query.end() ? "" : reason->second);
  return ok(Json{{"deleted", true}});
}

AdminResponse history(AdminCall& call) {
  reject_unknown_query(call.request.query, {"version"});
  const std::string& model = model_param(call);
  const int64_t version = query_integer(call.request.query, "version").value_or(0);
  call.registry->get_model(model);  // an unknown model is 404, not an empty list
  if (version > 0) {
    VersionRef ref;
    ref.model = model;
    ref.number = version;
    call.registry->get_version(ref);  // so is an unknown version
  }
  return ok(list_of(call.registry->history(model, version)));
}

AdminResponse diff(AdminCall& call) {
  reject_unknown_query(call.request.query, {"a", "b"});
  const VersionRef a = version_ref_value(required_query(call.request, "a", "a=name/1"), "a");
  const VersionRef b =
      version_ref_value(required_query(call.request, "b", "b=name@production"), "b");
  call.errors.models = {a.model, b.model};
  return ok(registry::diff_versions(call.registry->get_version(a), call.registry->get_version(b)));
}

}  // namespace

const std::vector<AdminRoute>& registry_routes() {
  using V = bhttp::verb;
  constexpr auto R = AdminNeeds::Registry;
  static const std::vector<AdminRoute> routes{
      {V::get, "/admin/v1/models", R, list_models},
      {V::post, "/admin/v1/models", R, create_model, "not_found", "model_exists"},
      {V::get, "/admin/v1/models/{name}", R, get_model, "model_not_found"},
      {V::get, "/admin/v1/models/{name}/versions", R, list_versions, "model_not_found"},
      {V::post, "/admin/v1/models/{name}/versions", R, register_version, "version_not_found",
       "label_taken"},
      {V::get, "/admin/v1/models/{name}/versions/{ref}", R, get_version, "version_not_found"},
      {V::post, "/admin/v1/models/{name}/versions/{ref}/verify", R, verify_version,
       "version_not_found", "conflict", "version_archived"},
      {V::put, "/admin/v1/models/{name}/versions/{ref}/stage", R, set_stage, "version_not_found",
       "conflict", "stage_rule"},
      {V::get, "/admin/v1/models/{name}/aliases", R, list_aliases, "model_not_found"},
      {V::get, "/admin/v1/models/{name}/aliases/{alias}", R, get_alias, "alias_not_found"},
      {V::put, "/admin/v1/models/{name}/aliases/{alias}", R, set_alias, "version_not_found",
       "conflict", "version_archived"},
      {V::delete_, "/admin/v1/models/{name}/aliases/{alias}", R, delete_alias, "alias_not_found"},
      {V::get, "/admin/v1/models/{name}/history", R, history, "version_not_found"},
      {V::get, "/admin/v1/diff", R, diff, "version_not_found"},
  };
  return routes;
}

}  // namespace slipway::http
