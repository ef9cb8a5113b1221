#pragma once
// What the store-backed recorders (traffic windows, drift slots) share: a random replica id so
// each replica owns its rows, and the background flush thread's loop and shutdown.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace slipway::monitor {

// 16 random hex digits.
std::string random_replica_id();

// The flush thread's body: calls `flush` every `interval_ms` until `stop` is set (under
// `mutex`, then `wake` notified). A failing flush is retried at the next interval; the first
// failure and the recovery are logged, not every retry. `what` names the recorder in logs,
// `where` the store.
void run_flush_loop(std::mutex& mutex, std::condition_variable& wake, const bool& stop,
                    int64_t interval_ms, const std::function<void()>& flush,
                    const std::string& what, const std::string& where);

// For destructors: stops the loop, joins the thread, then flushes once more; a failure of
// that last flush is logged (what it held is lost), never thrown.
void stop_flush_loop(std::mutex& mutex, std::condition_variable& wake, bool& stop,
                     std::thread& thread, const std::function<void()>& flush,
                     const std::string& what, const std::string& where);

}  // namespace slipway::monitor
