#pragma once
// Where shadow copies' answers go: the response log (arm "shadow", the primary's id, so
// `slipway shadow report` and the dashboard compare both answers) and the metric windows.
#include <memory>

#include "feedback/feedback_log.h"
#include "monitor/traffic_windows.h"
#include "traffic/shadow_mirror.h"

namespace slipway::http {

// Either may be null. The sink never blocks (both only queue).
traffic::ShadowMirror::AnswerSink shadow_answer_sink(
    std::shared_ptr<feedback::FeedbackLog> log, std::shared_ptr<monitor::WindowRecorder> windows);

}  // namespace slipway::http
