#pragma once
// What the controller does with a running rollout at one tick. Pure: the same rollout, time and
// figures give the same decision, so a week-long plan is tested in milliseconds.
#include <cstdint>
#include <string>
#include <vector>

#include "traffic/gates.h"
#include "traffic/route.h"

namespace slipway::traffic {

struct RolloutDecision {
  enum class Kind {
    Wait,      // step not long enough, too few requests, or a gate still waiting
    Advance,   // go to next_step (its weight applies now)
    Complete,  // the step before the last passed: the last step is 100%, so the canary
               // becomes the route's stable version
    GateMiss,  // a gate failed: pause or roll back as the plan says
  };
  Kind kind = Kind::Wait;
  int32_t next_step = 0;          // Advance
  std::vector<GateResult> gates;  // what was judged (empty while the step is too young)
  std::string reason;             // a sentence: why waiting, which gates missed
};

// `stable`/`canary` are the arms' figures over [rollout.step_started_ms, now_ms). A rollout that
// is not Running always gets Wait. A step is judged once it lasted min_duration_ms and each arm
// answered min_requests; then every gate must pass or be not tracked (a waiting gate waits, a
// failed one is a GateMiss). The last step (100%) is never run as a step: passing the one
// before it completes the rollout.
RolloutDecision decide_rollout(const Rollout& rollout, int64_t now_ms, const ArmFigures& stable,
                               const ArmFigures& canary);

Json decision_to_json(const RolloutDecision& decision);

}  // namespace slipway::traffic
