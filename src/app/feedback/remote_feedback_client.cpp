// The response log of a running `slipway serve`, through its admin API under
// /admin/v1/feedback (docs/admin-api.md).
#include <stdexcept>

#include "app/feedback/feedback_client.h"
#include "app/models/admin_client.h"
#include "feedback/prompt_key.h"

namespace slipway::app::feedback {
namespace {

using models::url_encode;

const std::string kBase = "/admin/v1/feedback";

std::vector<Json> list_data(const Json& answer) {
  if (!answer.is_object() || !answer.contains("data") || !answer["data"].is_array()) {
    throw std::runtime_error("the server's answer has no \"data\" list");
  }
  return answer["data"].get<std::vector<Json>>();
}

// "?a=1&b=2" of the non-empty values.
class Query {
 public:
  Query& add(const std::string& key, const std::string& value) {
    if (!value.empty()) text_ += (text_.empty() ? "?" : "&") + key + "=" + url_encode(value);
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class RemoteFeedbackClient : public FeedbackClient {
 public:
  RemoteFeedbackClient(const std::string& url, const std::string& api_key) : http_(url, api_key) {}

  CreatedExport create_export(const ExportRequest& request) override {
    Json body = {{"format", fb::export_format_name(request.format)},
                 {"source", fb::export_source_name(request.source)}};
    if (!request.route.empty()) body["route"] = request.route;
    if (!request.version.empty()) body["version"] = request.version;
    if (!request.since.empty()) body["since"] = request.since;
    if (request.with_metadata) body["with_metadata"] = true;
    CreatedExport created;
    created.record = http_.call("POST", kBase + "/exports", body);
    if (created.record.contains("id") && created.record["id"].is_string()) {
      created.content = export_content(created.record["id"].get<std::string>());
      check_hash(created.record, created.content);
    }
    return created;
  }

  std::vector<Json> list_exports(int64_t limit) override {
    return list_data(http_.call("GET", kBase + "/exports?limit=" + std::to_string(limit)));
  }

  Json get_export(const std::string& id) override {
    return http_.call("GET", kBase + "/exports/" + url_encode(id));
  }

  std::string export_content(const std::string& id) override {
    const std::string target = kBase + "/exports/" + url_encode(id) + "/content";
    models::AdminReply reply = http_.send("GET", target, "");
    if (reply.status >= 300) {
      // The error is JSON: let call() read it (and throw it) the usual way.
      http_.call("GET", target);
      throw std::runtime_error("the server answered " + std::to_string(reply.status) + " for " +
                               target);
    }
    return std::move(reply.body);
  }

  std::vector<Json> rates(const RatesRequest& request) override {
    Query query;
    query.add("route", request.route)
        .add("version", request.version)
        .add("arm", request.arm)
        .add("since", request.since)
        .add("until", request.until)
        .add("window", request.window);
    return list_data(http_.call("GET", kBase + "/rates" + query.text()));
  }

  Json get_response(const std::string& id) override {
    return http_.call("GET", kBase + "/responses/" + url_encode(id));
  }

  Json forget_user(const std::string& user) override {
    return http_.call("DELETE", kBase + "/users/" + url_encode(user));
  }

  Json purge() override { return http_.call("POST", kBase + "/purge", Json::object()); }

  bool remote() const override { return true; }

 private:
  // A download cut short or altered on the way must not be written as the dataset.
  void check_hash(const Json& record, const std::string& content) const {
    if (!record.contains("sha256") || !record["sha256"].is_string()) return;
    if (fb::sha256_hex(content) != record["sha256"].get<std::string>()) {
      throw std::runtime_error("the export downloaded from " + http_.url() +
                               " does not match its sha256; nothing was written");
    }
  }

  models::AdminClient http_;
};

}  // namespace

std::unique_ptr<FeedbackClient> make_remote_feedback_client(const std::string& server_url,
                                                            const std::string& api_key) {
  return std::make_unique<RemoteFeedbackClient>(server_url, api_key);
}

}  // namespace slipway::app::feedback
