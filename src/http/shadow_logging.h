#pragma once
// Where shadow copies' answers go: the response log (arm "shadow", the primary's id, so
// `slipway shadow report` and the dashboard compare both answers), the monitor (drift of the
// shadow version, pairwise judging against the primary) and the metric windows.
#include <memory>

#include "http/answer_logging.h"
#include "monitor/traffic_windows.h"
#include "traffic/shadow_mirror.h"

namespace slipway::http {

// Any may be null. The sink never blocks (each only queues or counts).
traffic::ShadowMirror::AnswerSink shadow_answer_sink(
    AnswerDestinations to, std::shared_ptr<monitor::WindowRecorder> windows);

}  // namespace slipway::http
