// A request under /admin/v1/: the target and body are parsed here, on the connection's strand;
// AdminApi::handle (which blocks on store writes and model loads) runs on the admin thread pool
// and its answer comes back through the connection's waiter.
#include <boost/asio/post.hpp>
#include <optional>

#include "http/admin/admin_api.h"
#include "http/connection.h"
#include "http/coro.h"
#include "http/query_string.h"
#include "http/result_slot.h"

namespace slipway::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using backends::ApiError;
using backends::Json;

namespace {

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

asio::awaitable<bool> Connection::serve_admin(Request& request, bool keep_alive) {
  auto admin = state_->admin_api();
  if (!admin) {
    co_return co_await reject(ApiError::unavailable("The admin API is not enabled on this server."),
                              keep_alive);
  }
  auto target = parse_target(request.target());
  if (!target) {
    co_return co_await reject(
        ApiError::bad_request("Malformed percent-encoding in the request target."), keep_alive);
  }
  AdminRequest admin_request;
  admin_request.method = request.method();
  admin_request.path = std::move(target->path);
  admin_request.query = std::move(target->query);
  if (!blank(request.body())) {
    std::optional<ApiError> invalid;  // no co_await inside a handler
    try {
      admin_request.body = Json::parse(request.body());
    } catch (const Json::exception& e) {  // parse_error, or out_of_range (1e400)
      invalid = ApiError::bad_request(std::string("Invalid JSON body: ") + e.what());
    }
    if (invalid) co_return co_await reject(*invalid, keep_alive);
  }
  // Until named keys exist, the bootstrap key is the only identity a request can prove.
  admin_request.actor = caller_.name;

  auto slot = std::make_shared<ResultSlot<AdminResponse>>(waiter_);
  asio::post(state_->admin_pool(), [admin, slot, admin_request = std::move(admin_request)] {
    AdminResponse response;
    try {
      response = admin->handle(admin_request);  // never throws, but a pool thread must not die
    } catch (...) {
      response.status = 500;
      response.body = ApiError::internal("The admin request failed.").to_json();
    }
    slot->set(std::move(response));
  });
  AdminResponse response = co_await slot->take(waiter_);

  if (response.status >= 400) state_->metrics->record_rejection(response.status);
  Response res;
  if (response.raw_body) {
    // A download (a dataset export): the bytes as stored, with their own type and headers.
    res = text_response(response.status, response.content_type, std::move(*response.raw_body));
    for (const auto& [name, value] : response.headers) res.set(name, value);
  } else if (response.body.is_null()) {
    res = Response{static_cast<bhttp::status>(response.status), 11};
    res.prepare_payload();
  } else {
    res = json_response(response.status, response.body);
  }
  if (!response.allow.empty()) res.set(bhttp::field::allow, response.allow);
  co_return co_await send(std::move(res), keep_alive);
}

}  // namespace slipway::http
