// The feedback endpoints of docs/admin-api.md: dataset exports (create, list, read, download),
// satisfaction and completion rates, a route's shadow report, one logged answer, forgetting a
// user, and retention now.
// Reads and exports flush the log first, so what was answered before the request is in them.
#include <stdexcept>

#include "feedback/dataset_export.h"
#include "feedback/rates.h"
#include "feedback/response_view.h"
#include "feedback/shadow_report.h"
#include "http/admin/admin_body.h"
#include "http/admin/admin_routes.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;
using backends::ApiError;

namespace {

constexpr int64_t kDefaultRangeMs = 24LL * 3600 * 1000;
constexpr int64_t kDefaultExportList = 100;
constexpr int64_t kMaxExportList = 1000;

AdminResponse ok(Json body, int status = 200) {
  return AdminResponse{status, std::move(body), {}};
}

// A time or duration the feedback part parses; its message (the accepted forms) becomes a 422.
template <class Parse>
int64_t parsed_time(std::string_view name, Parse parse) {
  try {
    return parse();
  } catch (const std::invalid_argument& e) {
    throw ApiError::invalid_field("`" + std::string(name) + "`: " + e.what(), std::string(name));
  }
}

std::optional<std::string> query_value(const AdminRequest& request, const std::string& name) {
  const auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

feedback::ExportFilters export_filters(const Json& body, int64_t now_ms) {
  reject_unknown_fields(body, {"format", "route", "version", "since", "source", "with_metadata"});
  feedback::ExportFilters filters;
  const std::string format = required_string(body, "format", "format");
  const auto parsed_format = feedback::parse_export_format(format);
  if (!parsed_format) {
    throw ApiError::invalid_field("`format` must be \"dpo\" or \"kto\"; got \"" + format + "\".",
                                  "format");
  }
  filters.format = *parsed_format;
  if (const auto source = optional_string(body, "source", "source")) {
    const auto parsed_source = feedback::parse_export_source(*source);
    if (!parsed_source) {
      throw ApiError::invalid_field(
          "`source` must be \"user\", \"judge\" or \"all\"; got \"" + *source + "\".", "source");
    }
    filters.source = *parsed_source;
  }
  filters.route = optional_string(body, "route", "route").value_or("");
  filters.version = optional_string(body, "version", "version").value_or("");
  if (const auto since = optional_string(body, "since", "since")) {
    filters.since_ms = parsed_time("since", [&] { return feedback::parse_since(*since, now_ms); });
  }
  filters.with_metadata = optional_bool(body, "with_metadata", "with_metadata").value_or(false);
  return filters;
}

AdminResponse create_export(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  auto& log = *call.feedback;
  const auto filters = export_filters(body_object(call.request.body), log.now_ms());
  log.flush();  // answers and ratings still queued belong in the dataset
  const auto record =
      feedback::create_export(log.store(), filters, call.request.actor, log.now_ms());
  if (record.id.empty()) {
    // Nothing matched: no file and no record, and the summary says why.
    Json body{{"object", "feedback.export"},
              {"id", nullptr},
              {"rows", 0},
              {"summary", feedback::summary_to_json(record.summary)},
              {"message", record.summary.message}};
    return ok(std::move(body));
  }
  Json body = feedback::record_to_json(record);
  body["object"] = "feedback.export";
  return ok(std::move(body), 201);
}

AdminResponse list_exports(AdminCall& call) {
  reject_unknown_query(call.request.query, {"limit"});
  const int64_t limit = query_integer(call.request.query, "limit").value_or(kDefaultExportList);
  if (limit < 1 || limit > kMaxExportList) {
    throw ApiError::bad_request("`limit` must be from 1 to " + std::to_string(kMaxExportList) + ".",
                                "limit");
  }
  Json data = Json::array();
  for (const auto& record : feedback::list_exports(call.feedback->store(), limit)) {
    data.push_back(feedback::record_to_json(record));
  }
  return ok(Json{{"object", "list"}, {"data", std::move(data)}});
}

ApiError export_not_found(const std::string& id) {
  return ApiError::not_found("No dataset export with id `" + id + "`.", "export_not_found");
}

AdminResponse get_export(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const std::string& id = call.param("id");
  const auto record = feedback::get_export(call.feedback->store(), id);
  if (!record) throw export_not_found(id);
  return ok(feedback::record_to_json(*record));
}

AdminResponse export_content(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const std::string& id = call.param("id");
  auto& store = call.feedback->store();
  const auto record = feedback::get_export(store, id);
  auto content = record ? feedback::export_content(store, id) : std::nullopt;
  if (!content) throw export_not_found(id);
  AdminResponse response;
  response.raw_body = std::move(*content);
  response.content_type = "application/x-ndjson";
  response.headers["x-slipway-export-sha256"] = record->sha256;
  response.headers["content-disposition"] = "attachment; filename=\"" + id + ".jsonl\"";
  return response;
}

struct TimeRange {
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // 0: now
};

// `since` (default 24 hours ago) and `until` (default none) of a read over served answers.
TimeRange time_range(const AdminRequest& request, int64_t now) {
  TimeRange range{now - kDefaultRangeMs, 0};
  if (const auto since = query_value(request, "since")) {
    range.since_ms = parsed_time("since", [&] { return feedback::parse_since(*since, now); });
  }
  if (const auto until = query_value(request, "until")) {
    range.until_ms = parsed_time("until", [&] { return feedback::parse_since(*until, now); });
    if (range.until_ms <= range.since_ms) {
      throw ApiError::invalid_field("`until` must be after `since`.", "until");
    }
  }
  return range;
}

AdminResponse rates(AdminCall& call) {
  const auto& request = call.request;
  reject_unknown_query(request.query, {"route", "version", "arm", "since", "until", "window"});
  auto& log = *call.feedback;
  const TimeRange range = time_range(request, log.now_ms());
  feedback::RateQuery query;
  query.route = query_value(request, "route").value_or("");
  query.version = query_value(request, "version").value_or("");
  query.arm = query_value(request, "arm").value_or("");
  query.since_ms = range.since_ms;
  query.until_ms = range.until_ms;
  if (const auto window = query_value(request, "window")) {
    query.window_ms = parsed_time("window", [&] { return feedback::parse_duration_ms(*window); });
  }
  log.flush();
  Json data = Json::array();
  for (const auto& window : feedback::feedback_rates(log.store(), query)) {
    data.push_back(feedback::rate_window_to_json(window));
  }
  return ok(Json{{"object", "list"}, {"data", std::move(data)}});
}

AdminResponse shadow_report(AdminCall& call) {
  const auto& request = call.request;
  reject_unknown_query(request.query, {"since", "until", "version"});
  auto& log = *call.feedback;
  const TimeRange range = time_range(request, log.now_ms());
  feedback::ShadowReportQuery query;
  query.route = call.param("route");
  query.since_ms = range.since_ms;
  query.until_ms = range.until_ms;
  query.version = query_value(request, "version").value_or("");
  log.flush();  // shadow answers still queued belong in the comparison
  return ok(feedback::shadow_report_to_json(feedback::build_shadow_report(log.store(), query)));
}

AdminResponse get_response(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const std::string& id = call.param("id");
  call.feedback->flush();
  auto response = feedback::get_response(call.feedback->store(), id);
  if (!response) {
    throw ApiError::not_found("No answer with id `" + id + "` was logged, or it was purged.",
                              "response_not_found");
  }
  return ok(std::move(*response));
}

AdminResponse forget_user(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  const std::string& user = call.param("user");
  const auto counts = call.feedback->forget_user(user);  // flushes first
  return ok(Json{{"user", user},
                 {"responses", counts.responses},
                 {"bodies", counts.bodies},
                 {"ratings", counts.ratings},
                 {"judgments", counts.judgments}});
}

AdminResponse purge(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  body_object(call.request.body, true);
  const auto counts = call.feedback->purge_now();
  return ok(Json{{"bodies_expired", counts.bodies_expired},
                 {"bodies_over_cap", counts.bodies_over_cap},
                 {"responses_expired", counts.responses_expired},
                 {"ratings_expired", counts.ratings_expired}});
}

}  // namespace

const std::vector<AdminRoute>& feedback_routes() {
  using V = bhttp::verb;
  constexpr auto F = AdminNeeds::Feedback;
  static const std::vector<AdminRoute> routes{
      {V::post, "/admin/v1/feedback/exports", F, create_export},
      {V::get, "/admin/v1/feedback/exports", F, list_exports},
      {V::get, "/admin/v1/feedback/exports/{id}", F, get_export},
      {V::get, "/admin/v1/feedback/exports/{id}/content", F, export_content},
      {V::get, "/admin/v1/feedback/rates", F, rates},
      {V::get, "/admin/v1/routes/{route}/shadow-report", F, shadow_report},
      {V::get, "/admin/v1/feedback/responses/{id}", F, get_response},
      {V::delete_, "/admin/v1/feedback/users/{user}", F, forget_user},
      {V::post, "/admin/v1/feedback/purge", F, purge},
  };
  return routes;
}

}  // namespace slipway::http
