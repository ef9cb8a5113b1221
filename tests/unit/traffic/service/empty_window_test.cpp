// A step's window is empty in the millisecond it starts: its status (the answer of the start,
// promote or resume that began it) reads no figures then, since stores refuse such a range
// (feedback rates: "until <= since"), which made a promote that had succeeded answer 500.
#include "traffic_service_support.h"

namespace slipway::traffic::test {
namespace {

TEST_P(TrafficServiceTest, AStepJustStartedReadsNoFiguresForItsEmptyWindow) {
  auto service = service_with_route();
  figures_.last_since = figures_.last_until = -1;
  const Json started = service->start_rollout("cs", daily_plan("support/2"), "tester");
  EXPECT_EQ(figures_.last_since, -1)
      << "figures asked for [" << figures_.last_since << ", " << figures_.last_until << ")";
  EXPECT_EQ(started["arms"]["canary"]["requests"], 0);

  now_ms_ += kMinute;
  service->rollout_status("cs");
  EXPECT_EQ(figures_.last_since, kStart);
  EXPECT_EQ(figures_.last_until, kStart + kMinute);

  figures_.last_since = figures_.last_until = -1;
  const Json promoted = service->promote("cs", "tester", "");
  EXPECT_EQ(promoted["step"], 1);
  EXPECT_EQ(figures_.last_since, -1) << "the promoted step's window is empty";

  now_ms_ -= 1;  // the wall clock stepped back
  service->tick();
  EXPECT_EQ(figures_.last_since, -1);
  EXPECT_EQ(service->rollout_status("cs")["step"], 1);
}

}  // namespace
}  // namespace slipway::traffic::test
