#include "http/shadow_logging.h"

#include "http/answer_logging.h"

namespace slipway::http {

traffic::ShadowMirror::AnswerSink shadow_answer_sink(
    AnswerDestinations to, std::shared_ptr<monitor::WindowRecorder> windows) {
  return [to = std::move(to), windows = std::move(windows)](traffic::ShadowAnswer&& answer) {
    if (windows) {
      windows->record({answer.route, answer.version, "shadow", answer.status,
                       answer.stats.total_seconds, answer.stats.first_token_seconds,
                       answer.stats.prompt_tokens, answer.stats.completion_tokens});
    }
    // Only answers are logged: a failed copy has nothing to compare (it is counted instead).
    if (!answer.response) return;
    auto logger = AnswerLogger::start(to, answer.endpoint, answer.request, answer.route,
                                      answer.user, answer.id);
    if (!logger) return;
    logger->set_response(*answer.response);
    ExchangeEnd end;
    end.whole_response = true;
    end.stats = &answer.stats;
    end.fallback_version = answer.version;
    end.version = answer.version;
    end.arm = "shadow";
    end.primary_id = answer.primary_id;
    logger->finish(end);
  };
}

}  // namespace slipway::http
