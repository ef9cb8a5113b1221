#include "monitor/recorder_support.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <random>

namespace slipway::monitor {

std::string random_replica_id() {
  std::random_device device;
  const uint64_t bits = (static_cast<uint64_t>(device()) << 32) ^ device();
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(bits));
  return id;
}

void run_flush_loop(std::mutex& mutex, std::condition_variable& wake, const bool& stop,
                    int64_t interval_ms, const std::function<void()>& flush,
                    const std::string& what, const std::string& where) {
  bool failing = false;
  std::unique_lock lock(mutex);
  while (!stop) {
    wake.wait_for(lock, std::chrono::milliseconds(interval_ms), [&stop] { return stop; });
    if (stop) break;
    lock.unlock();
    try {
      flush();
      if (failing) spdlog::info("{}: flushing to {} again", what, where);
      failing = false;
    } catch (const std::exception& error) {
      if (!failing)
        spdlog::warn("{}: flush to {} failed, will retry: {}", what, where, error.what());
      failing = true;
    } catch (...) {
      failing = true;
    }
    lock.lock();
  }
}

void stop_flush_loop(std::mutex& mutex, std::condition_variable& wake, bool& stop,
                     std::thread& thread, const std::function<void()>& flush,
                     const std::string& what, const std::string& where) {
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  wake.notify_all();
  if (thread.joinable()) thread.join();
  try {
    flush();
  } catch (const std::exception& error) {
    spdlog::warn("{}: the last flush to {} failed, what it held is lost: {}", what, where,
                 error.what());
  } catch (...) {
  }
}

}  // namespace slipway::monitor
