// WriteLane: one connection of a PgSink and the thread that writes through it. The sink splits
// each batch by symbol across its lanes, so that several PostgreSQL backends share the work and
// the rows of one symbol always take the same lane, in order. A lane writes its part until it
// is stored or refused, reconnecting with exponential backoff and jitter for as long as it
// takes, unless the sink abandons it.
#ifndef TICKSTOCK_PG_WRITE_LANE_H_
#define TICKSTOCK_PG_WRITE_LANE_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "pg/pg_rows.h"
#include "pg/pg_writer.h"

namespace tickstock::detail {

struct LaneSettings {
  std::string url;
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::string name;  // "PostgreSQL sink" or "PostgreSQL sink connection 2", for messages
};

class WriteLane {
 public:
  // How the last part ended.
  struct Outcome {
    bool stored = false;     // committed
    bool abandoned = false;  // given up by abandon() before it was stored
    std::string error;       // why the database refused it (when neither of the above)
  };
  // `done` is called from the lane's thread, holding no lock, when a part has ended; `say`
  // (error?, message) when the connection is lost, fails or comes back.
  WriteLane(LaneSettings settings, std::function<void()> done,
            std::function<void(bool, std::string)> say);
  ~WriteLane();
  WriteLane(const WriteLane&) = delete;
  WriteLane& operator=(const WriteLane&) = delete;

  // Starts writing `part`. REQUIRES: !busy(); `part` stays valid until the lane is idle again.
  void submit(const WriteBatch& part);
  // True from submit() until the part has ended.
  bool busy() const;
  // How the last part ended. REQUIRES: !busy().
  Outcome outcome() const;
  // Stops retrying the current part (it ends as abandoned unless already stored).
  void abandon();
  bool connected() const;
  std::uint64_t reconnects() const;
  std::string last_error() const;

 private:
  void run();
  // Connects (and says so); false after waiting out a backoff period.
  bool ensure_connected(std::unique_ptr<PgWriter>& writer);

  const LaneSettings settings_;
  const std::function<void()> done_;
  const std::function<void(bool, std::string)> say_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  const WriteBatch* part_ = nullptr;
  bool busy_ = false;
  bool abandon_ = false;
  bool quit_ = false;
  Outcome outcome_;
  bool connected_ = false;
  bool ever_connected_ = false;
  std::uint64_t reconnects_ = 0;
  std::string last_error_;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point down_since_{};  // set while not connected after trying
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_WRITE_LANE_H_
