#pragma once
// Internal: a bounded pool of database connections. acquire() hands out an idle connection,
// opens a new one while fewer than `max` exist, or waits for one to come back.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace slipway::store::detail {

template <class Conn>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<Conn>()>;

  // A connection on loan; returned to the pool (or closed when discarded) on destruction.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), conn_(std::move(other.conn_)), discard_(other.discard_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { give_back(); }
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }
    // The connection is broken: close it instead of returning it.
    void discard() { discard_ = true; }
    void give_back() {
      if (conn_) pool_->put(std::move(conn_), discard_);
    }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
    bool discard_ = false;
  };

  Pool(int max, Factory factory) : max_(max < 1 ? 1 : max), factory_(std::move(factory)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Adds an already open connection (the one a store opens to check its location).
  void add(std::unique_ptr<Conn> conn) {
    std::lock_guard lock(mutex_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

  Lease acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
    lock.unlock();
    try {
      return Lease(this, factory_());
    } catch (...) {
      lock.lock();
      --open_;
      cv_.notify_one();
      throw;
    }
  }

 private:
  void put(std::unique_ptr<Conn> conn, bool discard) {
    std::unique_ptr<Conn> closing;
    {
      std::lock_guard lock(mutex_);
      if (discard) {
        --open_;
        closing = std::move(conn);
      } else {
        idle_.push_back(std::move(conn));
      }
    }
    cv_.notify_one();
    // `closing` closes outside the lock.
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int open_ = 0;
  const int max_;
  Factory factory_;
};

}  // namespace slipway::store::detail
