// WriteLane: one connection of a PgSink and the thread that writes through it. The sink splits
// each batch by symbol across its lanes, so that several PostgreSQL backends share the work and
// the rows of one symbol always take the same lane, in order. A lane writes its part until it
// is stored, reconnecting with exponential backoff and jitter for as long as it takes (and
// retrying the same way when the database fails the write for reasons of its own), unless the
// sink abandons it. Rows the database refuses for what they hold are isolated by bisection:
// the part is written in halves, and halves of those, until each refused row stands alone;
// everything else is stored, in order.
#ifndef TICKSTOCK_PG_WRITE_LANE_H_
#define TICKSTOCK_PG_WRITE_LANE_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  // A row of a part the database refused: its index among the part's rows (bars, then
  // detections, then indicator values) and PostgreSQL's reason.
  struct Refusal {
    std::size_t row = 0;
    std::string reason;
  };
  // How the last part ended.
  struct Outcome {
    bool stored = false;           // every row but the refused ones committed
    bool abandoned = false;        // given up by abandon() before it was stored
    std::vector<Refusal> refused;  // in row order
    std::uint64_t transactions = 0;
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
  // Writes `part`, isolating the rows the database refuses.
  Outcome write_part(const WriteBatch& part, std::unique_ptr<PgWriter>& writer);
  // Connects (and says so); false after waiting out a backoff period.
  bool ensure_connected(std::unique_ptr<PgWriter>& writer);
  // Waits out the next backoff period (cut short by abandon()). REQUIRES: `lock` holds mu_.
  void back_off(std::unique_lock<std::mutex>& lock);
  bool abandoning() const;

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
  std::chrono::steady_clock::time_point down_since_{};     // set while not connected after trying
  std::chrono::steady_clock::time_point failing_since_{};  // set while writes fail, connected
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_WRITE_LANE_H_
