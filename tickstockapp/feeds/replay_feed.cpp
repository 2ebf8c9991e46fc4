#include "feeds/replay_feed.h"

#include <chrono>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "tickstock/csv_reader.h"

namespace tickstock::app {
namespace {

constexpr std::size_t kBatch = 4096;

// Paces items to N x real time against the wall clock.
class Pacer {
 public:
  explicit Pacer(double speed) : speed_(speed) {}
  bool active() const { return speed_ > 0; }
  // Wall-clock nanoseconds to wait before an item at event time `ts`.
  std::int64_t wait_ns(Timestamp ts) {
    const auto wall = std::chrono::steady_clock::now();
    if (!started_) {
      started_ = true;
      wall0_ = wall;
      ts0_ = ts;
      return 0;
    }
    const auto since_start = std::chrono::duration_cast<std::chrono::nanoseconds>(wall - wall0_);
    // In doubles: times from a file may lie centuries apart (no integer overflow).
    const double due_ns = (static_cast<double>(ts) - static_cast<double>(ts0_)) / speed_;
    return saturated_ns(due_ns - static_cast<double>(since_start.count()));
  }
  // Event time corresponding to now on the wall clock.
  Timestamp now_event() const {
    if (!started_) return 0;
    const auto el = std::chrono::steady_clock::now() - wall0_;
    const double ns =
        static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(el).count());
    return saturated_ns(static_cast<double>(ts0_) + ns * speed_);
  }

 private:
  double speed_;
  bool started_ = false;
  std::chrono::steady_clock::time_point wall0_;
  Timestamp ts0_ = 0;
};

template <class Reader, class Record, class MakeItem>
Result<void> replay(Reader& reader, const ReplayOptions& opt, FeedQueue& out,
                    const std::atomic<bool>& stop, FeedStats& stats, Log& log, MakeItem make_item) {
  Pacer pacer(opt.speed);
  FeedBatch batch;
  batch.reserve(kBatch);
  reader.set_max_disorder(opt.lateness);
  Record rec;
  Error err;
  Timestamp max_ts = std::numeric_limits<Timestamp>::min();
  while (!stop.load(std::memory_order_relaxed)) {
    const ReadStatus st = reader.next(rec, err);
    if (st == ReadStatus::Eof) break;
    if (st == ReadStatus::Error) {
      stats.bad_records.fetch_add(1, std::memory_order_relaxed);
      log.limited("bad-record", err.message);
      continue;
    }
    FeedItem item = make_item(rec);
    const Timestamp ts = item.now;
    // The reader refused records beyond the allowed disorder; the engine clock never goes back.
    max_ts = std::max(max_ts, ts);
    item.now = max_ts;
    if (pacer.active()) {
      const std::int64_t wait = pacer.wait_ns(ts);
      if (wait > 0) {
        if (!batch.empty() && !out.push(std::move(batch))) return {};
        batch = FeedBatch();
        batch.reserve(kBatch);
        // Sleep in slices so that Ctrl-C and clock items stay responsive.
        auto remaining = wait;
        while (remaining > 0 && !stop.load(std::memory_order_relaxed)) {
          const auto slice = std::min<std::int64_t>(remaining, 100'000'000);
          std::this_thread::sleep_for(std::chrono::nanoseconds(slice));
          remaining -= slice;
          FeedItem clock_item;
          clock_item.kind = FeedItem::Kind::Clock;
          clock_item.now = std::min(pacer.now_event(), ts);
          FeedBatch tickb{clock_item};
          if (!out.push(std::move(tickb))) return {};
        }
      }
    }
    batch.push_back(item);
    stats.items.fetch_add(1, std::memory_order_relaxed);
    if (batch.size() >= kBatch) {
      if (!out.push(std::move(batch))) return {};
      batch = FeedBatch();
      batch.reserve(kBatch);
    }
  }
  if (!batch.empty()) (void)out.push(std::move(batch));
  return {};
}

}  // namespace

std::string ReplayFeed::describe() const {
  return "replay:" + opt_.path +
         (opt_.speed > 0 ? fmt::format(" at {}x real time", opt_.speed) : " at max speed");
}

Result<void> ReplayFeed::run(FeedQueue& out, const std::atomic<bool>& stop) {
  auto ticks = TickCsvReader::open(opt_.path, symbols_);
  if (ticks) {
    return replay<TickCsvReader, Tick>(**ticks, opt_, out, stop, stats_, log_, [](const Tick& t) {
      FeedItem it;
      it.kind = FeedItem::Kind::Tick;
      it.tick = t;
      it.now = t.ts_event;
      return it;
    });
  }
  if (ticks.error().message.find("header has no 'ts_ns'") == std::string::npos)
    return ticks.error();
  auto bars = BarCsvReader::open(opt_.path, symbols_);
  if (!bars) {
    return fail(opt_.path,
                ": header is neither a ticks CSV (ts_ns,symbol,price,size) nor a bars CSV "
                "(ts,symbol,open,high,low,close,volume)");
  }
  return replay<BarCsvReader, Bar>(**bars, opt_, out, stop, stats_, log_, [](const Bar& b) {
    FeedItem it;
    it.kind = FeedItem::Kind::MinuteBar;
    it.bar = b;
    it.now = b.start + kNanosPerMinute;  // a minute bar is known once its minute is over
    return it;
  });
}

}  // namespace tickstock::app
