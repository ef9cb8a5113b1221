// The response log in a data folder or store opened by this process. Its tables are migrated
// first, so a fresh folder answers with empty lists rather than missing-table errors.
#include <stdexcept>

#include "app/feedback/feedback_client.h"
#include "feedback/dataset_export.h"
#include "feedback/feedback_schema.h"
#include "feedback/rates.h"
#include "feedback/response_view.h"
#include "feedback/retention.h"
#include "store/clock.h"

namespace slipway::app::feedback {
namespace {

Json forget_counts_json(const std::string& user, const fb::ForgetCounts& counts) {
  return Json{{"user", user},
              {"responses", counts.responses},
              {"bodies", counts.bodies},
              {"ratings", counts.ratings},
              {"judgments", counts.judgments}};
}

Json purge_counts_json(const fb::PurgeCounts& counts) {
  return Json{{"bodies_expired", counts.bodies_expired},
              {"bodies_over_cap", counts.bodies_over_cap},
              {"responses_expired", counts.responses_expired},
              {"ratings_expired", counts.ratings_expired}};
}

class DirectFeedbackClient : public FeedbackClient {
 public:
  explicit DirectFeedbackClient(const DataLocation& location) : store_(open_store(location)) {
    fb::migrate_feedback(*store_);
  }

  CreatedExport create_export(const ExportRequest& request) override {
    const int64_t now = store::system_now_ms();
    fb::ExportFilters filters;
    filters.format = request.format;
    filters.source = request.source;
    filters.route = request.route;
    filters.version = request.version;
    if (!request.since.empty()) filters.since_ms = fb::parse_since(request.since, now);
    filters.with_metadata = request.with_metadata;
    CreatedExport created;
    const fb::ExportRecord record =
        fb::create_export(*store_, filters, cli_actor(), now, &created.content);
    created.record = fb::record_to_json(record);
    if (record.id.empty()) created.record["id"] = nullptr;
    created.record["summary"] = fb::summary_to_json(record.summary);
    return created;
  }

  std::vector<Json> list_exports(int64_t limit) override {
    std::vector<Json> records;
    for (const auto& record : fb::list_exports(*store_, limit)) {
      records.push_back(fb::record_to_json(record));
    }
    return records;
  }

  Json get_export(const std::string& id) override {
    const auto record = fb::get_export(*store_, id);
    if (!record) throw std::runtime_error("No export with id `" + id + "`.");
    return fb::record_to_json(*record);
  }

  std::string export_content(const std::string& id) override {
    auto content = fb::export_content(*store_, id);
    if (!content) throw std::runtime_error("No export with id `" + id + "`.");
    return std::move(*content);
  }

  std::vector<Json> rates(const RatesRequest& request) override {
    const int64_t now = store::system_now_ms();
    fb::RateQuery query;
    query.route = request.route;
    query.version = request.version;
    query.arm = request.arm;
    query.since_ms = request.since.empty() ? 0 : fb::parse_since(request.since, now);
    if (!request.until.empty()) query.until_ms = fb::parse_since(request.until, now);
    if (!request.window.empty()) query.window_ms = fb::parse_duration_ms(request.window);
    std::vector<Json> windows;
    for (const auto& window : fb::feedback_rates(*store_, query)) {
      windows.push_back(fb::rate_window_to_json(window));
    }
    return windows;
  }

  Json get_response(const std::string& id) override {
    auto response = fb::get_response(*store_, id);
    if (!response) {
      throw std::runtime_error("No answer with id `" + id + "` was logged, or it was purged.");
    }
    return std::move(*response);
  }

  Json forget_user(const std::string& user) override {
    return forget_counts_json(user, fb::forget_user_rows(*store_, user));
  }

  Json purge() override {
    return purge_counts_json(
        fb::purge_expired(*store_, fb::RetentionSettings{}, store::system_now_ms()));
  }

  bool remote() const override { return false; }

 private:
  std::unique_ptr<store::Store> store_;
};

}  // namespace

std::unique_ptr<FeedbackClient> make_direct_feedback_client(const DataLocation& location) {
  return std::make_unique<DirectFeedbackClient>(location);
}

std::unique_ptr<FeedbackClient> make_feedback_client(const ClientOptions& options) {
  if (uses_server(options)) return make_remote_feedback_client(options.server, options.api_key);
  return make_direct_feedback_client(options.location);
}

}  // namespace slipway::app::feedback
