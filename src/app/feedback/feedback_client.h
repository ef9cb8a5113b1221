#pragma once
// What `slipway feedback` asks of the response log, written once for both places it can live:
// a data folder or store opened directly (its tables migrated first) or a running server's
// admin API (/admin/v1/feedback/..., docs/admin-api.md). Records travel as the JSON the admin
// API answers (feedback::record_to_json, rate_window_to_json, ...), so both print alike. Errors
// are exceptions with messages meant for the user.
#include <memory>
#include <string>
#include <vector>

#include "app/client_flags.h"
#include "feedback/export_format.h"
#include "feedback/json.h"

namespace slipway::app::feedback {

namespace fb = ::slipway::feedback;
using Json = fb::Json;

struct ExportRequest {
  fb::ExportFormat format = fb::ExportFormat::Dpo;
  fb::ExportSource source = fb::ExportSource::User;
  std::string route, version;
  std::string since;  // a parse_since form, read by whoever builds the export; "" none
  bool with_metadata = false;
};

struct CreatedExport {
  Json record;          // record_to_json plus "summary"; "id" is null when no row matched
  std::string content;  // the JSONL
};

struct RatesRequest {
  std::string route, version, arm;
  std::string since = "24h";  // parse_since forms
  std::string until;          // "" now
  std::string window;         // a duration; "" one window over the whole range
};

class FeedbackClient {
 public:
  virtual ~FeedbackClient() = default;

  // Builds and records an export (the actor: cli_actor() direct, the API key remote).
  virtual CreatedExport create_export(const ExportRequest& request) = 0;
  virtual std::vector<Json> list_exports(int64_t limit) = 0;
  // Throw std::runtime_error naming the id when there is no such export.
  virtual Json get_export(const std::string& id) = 0;
  virtual std::string export_content(const std::string& id) = 0;
  virtual std::vector<Json> rates(const RatesRequest& request) = 0;
  // The answer as feedback::get_response shows it; throws when it was never logged.
  virtual Json get_response(const std::string& id) = 0;
  // The counts deleted, as JSON objects of numbers.
  virtual Json forget_user(const std::string& user) = 0;
  virtual Json purge() = 0;
  virtual bool remote() const = 0;
};

std::unique_ptr<FeedbackClient> make_direct_feedback_client(const DataLocation& location);
std::unique_ptr<FeedbackClient> make_remote_feedback_client(const std::string& server_url,
                                                            const std::string& api_key);
// Remote when --server is given (then --data/--store may not be), else direct.
std::unique_ptr<FeedbackClient> make_feedback_client(const ClientOptions& options);

}  // namespace slipway::app::feedback
