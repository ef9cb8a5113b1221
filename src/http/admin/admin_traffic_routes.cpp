// The traffic endpoints of docs/admin-api.md: routes (list, create, show, change, delete, their
// events), a route's rollout (start, status, promote, pause, resume, abort) and rollback. The
// bodies are the traffic service's own (it validates them), so this file only maps methods
// and paths to commands.
#include <algorithm>

#include "http/admin/admin_body.h"
#include "http/admin/admin_routes.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr int64_t kDefaultEvents = 100;
constexpr int64_t kMaxEvents = 1000;

AdminResponse ok(Json body, int status = 200) {
  return AdminResponse{status, std::move(body), {}};
}

// The optional "reason" of the commands that take nothing else.
std::string reason_of(const AdminCall& call) {
  const Json& body = body_object(call.request.body, true);
  reject_unknown_fields(body, {"reason"});
  return optional_string(body, "reason", "reason").value_or("");
}

AdminResponse list_routes(AdminCall& call) {
  return ok(call.traffic->list_routes());
}

AdminResponse create_route(AdminCall& call) {
  return ok(call.traffic->create_route(body_object(call.request.body), call.request.actor), 201);
}

AdminResponse show_route(AdminCall& call) {
  return ok(call.traffic->show_route(call.param("route")));
}

AdminResponse update_route(AdminCall& call) {
  return ok(call.traffic->update_route(call.param("route"), body_object(call.request.body),
                                       call.request.actor));
}

AdminResponse delete_route(AdminCall& call) {
  call.traffic->delete_route(call.param("route"), call.request.actor);
  return AdminResponse{204, nullptr, {}};
}

AdminResponse route_events(AdminCall& call) {
  reject_unknown_query(call.request.query, {"limit"});
  const int64_t limit = std::clamp<int64_t>(
      query_integer(call.request.query, "limit").value_or(kDefaultEvents), 1, kMaxEvents);
  return ok(call.traffic->events(call.param("route"), static_cast<int>(limit)));
}

AdminResponse start_rollout(AdminCall& call) {
  return ok(call.traffic->start_rollout(call.param("route"), body_object(call.request.body),
                                        call.request.actor),
            201);
}

AdminResponse rollout_status(AdminCall& call) {
  return ok(call.traffic->rollout_status(call.param("route")));
}

AdminResponse promote(AdminCall& call) {
  return ok(call.traffic->promote(call.param("route"), call.request.actor, reason_of(call)));
}

AdminResponse pause(AdminCall& call) {
  return ok(call.traffic->pause(call.param("route"), call.request.actor, reason_of(call)));
}

AdminResponse resume(AdminCall& call) {
  return ok(call.traffic->resume(call.param("route"), call.request.actor, reason_of(call)));
}

AdminResponse abort(AdminCall& call) {
  return ok(call.traffic->abort(call.param("route"), call.request.actor, reason_of(call)));
}

AdminResponse rollback(AdminCall& call) {
  return ok(call.traffic->rollback(call.param("route"), body_object(call.request.body, true),
                                   call.request.actor));
}

}  // namespace

const std::vector<AdminRoute>& traffic_routes() {
  using V = bhttp::verb;
  constexpr auto T = AdminNeeds::Traffic;
  static const std::vector<AdminRoute> routes{
      {V::get, "/admin/v1/routes", T, list_routes},
      {V::post, "/admin/v1/routes", T, create_route, "version_not_found", "route_exists"},
      {V::get, "/admin/v1/routes/{route}", T, show_route},
      {V::patch, "/admin/v1/routes/{route}", T, update_route, "version_not_found"},
      {V::delete_, "/admin/v1/routes/{route}", T, delete_route},
      {V::get, "/admin/v1/routes/{route}/events", T, route_events},
      {V::post, "/admin/v1/routes/{route}/rollout", T, start_rollout, "version_not_found"},
      {V::get, "/admin/v1/routes/{route}/rollout", T, rollout_status},
      {V::post, "/admin/v1/routes/{route}/rollout/promote", T, promote},
      {V::post, "/admin/v1/routes/{route}/rollout/pause", T, pause},
      {V::post, "/admin/v1/routes/{route}/rollout/resume", T, resume},
      {V::post, "/admin/v1/routes/{route}/rollout/abort", T, abort},
      {V::post, "/admin/v1/routes/{route}/rollback", T, rollback, "version_not_found"},
  };
  return routes;
}

}  // namespace slipway::http
