#include "http/answer_logging.h"

#include "http/observed_answer.h"
#include "store/clock.h"

namespace slipway::http {

using backends::Endpoint;
using backends::Json;
using feedback::AnswerKind;

namespace {

std::optional<AnswerKind> logged_kind(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::ChatCompletions:
      return AnswerKind::Chat;
    case Endpoint::Completions:
      return AnswerKind::Completion;
    default:
      return std::nullopt;
  }
}

constexpr int kClientClosed = 499;  // nginx's convention, as the metrics record it

}  // namespace

AnswerLogger::AnswerLogger(AnswerDestinations to, AnswerKind kind)
    : to_(std::move(to)), capture_(kind), started_(std::chrono::steady_clock::now()) {
  answer_.kind = kind;
  answer_.created_ms = to_.log ? to_.log->now_ms() : store::system_now_ms();
}

std::optional<AnswerLogger> AnswerLogger::start(AnswerDestinations to, Endpoint endpoint,
                                                const Json& body, std::string route,
                                                std::string user, std::string id) {
  const auto kind = logged_kind(endpoint);
  if (to.log && !to.log->settings().enabled) to.log.reset();
  if (!kind || (!to.log && !to.monitor)) return std::nullopt;
  AnswerLogger logger(std::move(to), *kind);
  logger.answer_.id = std::move(id);
  logger.answer_.route = std::move(route);
  logger.answer_.user = std::move(user);
  logger.answer_.request = body;
  return logger;
}

feedback::LoggedAnswer AnswerLogger::build(const ExchangeEnd& end) const {
  feedback::LoggedAnswer answer = answer_;
  answer.status = end.client_left ? kClientClosed : 200;
  answer.choices = capture_.choices();
  answer.version = end.fallback_version;
  if (end.stats != nullptr) {
    const auto& stats = *end.stats;
    if (!stats.served_by.empty()) answer.version = stats.served_by;
    answer.prompt_tokens = stats.prompt_tokens;
    answer.ttft_seconds = stats.first_token_seconds;
    answer.latency_seconds = stats.total_seconds;
    if (answer.choices.size() == 1 && !answer.choices[0].completion_tokens) {
      answer.choices[0].completion_tokens = stats.completion_tokens;
    }
  }
  if (!end.version.empty()) answer.version = end.version;
  answer.arm = end.arm;
  answer.primary_id = end.primary_id;
  if (end.stats == nullptr || answer.latency_seconds <= 0) {
    // The backend never said how long it took (it was abandoned): what the server saw.
    answer.latency_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  return answer;
}

void AnswerLogger::finish(const ExchangeEnd& end) {
  if (finished_) return;
  const bool got_id = end.chunks > 0 || (end.whole_response && !end.client_left);
  if (!got_id) return;
  finished_ = true;
  feedback::LoggedAnswer answer = build(end);
  // A response without choices still got its id: keep a choice 0 so feedback finds it.
  if (answer.choices.empty()) answer.choices.push_back(feedback::LoggedChoice{});
  if (to_.monitor && answer.status == 200) to_.monitor->observe(observed_answer(answer));
  if (to_.log) to_.log->log(std::move(answer));
}

}  // namespace slipway::http
