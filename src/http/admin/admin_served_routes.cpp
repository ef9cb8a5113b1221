// The served-model endpoints of docs/admin-api.md: what this server serves, loading a
// registered version under a name, and unloading one. The work is the ModelLoader's (the app's);
// this file checks the request's shape and passes the actor along.
#include "http/admin/admin_body.h"
#include "http/admin/admin_routes.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;

namespace {

AdminResponse list_served(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  return AdminResponse{200, call.loader->list(), {}};
}

AdminResponse load_served(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const Json& body = body_object(call.request.body);
  reject_unknown_fields(body, {"version", "name"});
  required_string(body, "version", "version");
  optional_string(body, "name", "name");
  return AdminResponse{201, call.loader->load(body, call.request.actor), {}};
}

AdminResponse unload_served(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  call.loader->unload(call.param("name"), call.request.actor);
  return AdminResponse{200, Json{{"deleted", true}}, {}};
}

}  // namespace

const std::vector<AdminRoute>& served_routes() {
  using V = bhttp::verb;
  constexpr auto L = AdminNeeds::Loader;
  static const std::vector<AdminRoute> routes{
      {V::get, "/admin/v1/served", L, list_served},
      {V::post, "/admin/v1/served", L, load_served, "version_not_found", "conflict",
       "version_archived"},
      {V::delete_, "/admin/v1/served/{name}", L, unload_served, "model_not_found"},
  };
  return routes;
}

}  // namespace slipway::http
