// The spill path of PgSink: records, the spill file, and the sink through database outages
// (a TCP proxy in front of the real PostgreSQL is cut and restored) and restarts.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"
#include "tickstock/pg_sink.h"

#include "pg/event_record.h"
#include "pg/spill_file.h"
#include "support/pg_test_db.h"
#include "support/tcp_proxy.h"
#include "support/test_bars.h"

using tickstock::Bar;
using tickstock::PgSink;
using tickstock::PgSinkOptions;
using tickstock::SymbolTable;
using tickstock::Timeframe;
using tickstock::detail::RecordBlock;
using tickstock::detail::SpillFile;
using tickstock::detail::WriteBatch;
using tickstock::test::minute_bar;
using tickstock::test::TcpProxy;
using tickstock::test::TestDatabase;

namespace {

// A fresh path under the system's temp dir, removed at the end.
struct TempPath {
  TempPath() {
    static int n = 0;
    path =
        (std::filesystem::temp_directory_path() /
         ("tickstock-spill-" + std::to_string(::getpid()) + "-" + std::to_string(n++)) / "pg.spill")
            .string();
  }
  ~TempPath() { std::filesystem::remove_all(std::filesystem::path(path).parent_path()); }
  std::string path;
};

RecordBlock block_of(const std::vector<Bar>& bars) {
  RecordBlock b;
  for (const Bar& bar : bars) {
    tickstock::detail::encode_bar(bar, b.bytes);
    ++b.records;
  }
  return b;
}

// The proxy's URL for a database URL (postgresql://user@127.0.0.1:PORT/name).
std::string via(const std::string& url, int port) {
  const auto host = url.find("127.0.0.1:");
  const auto slash = url.find('/', host);
  return url.substr(0, host) + "127.0.0.1:" + std::to_string(port) + url.substr(slash);
}

int port_of(const std::string& url) {
  const auto host = url.find("127.0.0.1:");
  return std::stoi(url.substr(host + 10));
}

}  // namespace

TEST_CASE("event records decode to what was encoded", "[pg][spill]") {
  SymbolTable symbols;
  const auto s = symbols.intern("BRK.B");
  std::string bytes;
  Bar b = minute_bar(s, 3, 412.25, 2);
  b.timeframe = Timeframe::D1;
  b.session = tickstock::Session::PostMarket;
  tickstock::detail::encode_bar(b, bytes);
  tickstock::PatternEvent e;
  e.symbol = s;
  e.timeframe = Timeframe::M15;
  e.bar_start = b.start;
  e.revision = 1;
  e.pattern = tickstock::PatternId::Hikkake;
  e.output = -200;
  e.direction = tickstock::PatternDirection::Bearish;
  e.confidence = 0.8125;
  e.retracted = true;
  tickstock::detail::encode_detection(e, 412.25, 1e6, bytes);
  tickstock::ScanResult r;
  r.bar = b;
  r.values.fill(std::nan(""));
  CHECK_FALSE(tickstock::detail::encode_indicators(r, bytes));  // nothing to store yet
  r.values[0] = 1.5;
  r.values[tickstock::kFieldCount - 1] = -2.25;
  REQUIRE(tickstock::detail::encode_indicators(r, bytes));

  WriteBatch w;
  REQUIRE(tickstock::detail::decode_records(bytes, w));
  REQUIRE(w.bars.size() == 1);
  CHECK(w.bars[0].symbol == "BRK.B");
  CHECK(w.bars[0].timeframe == Timeframe::D1);
  CHECK(w.bars[0].session == tickstock::Session::PostMarket);
  CHECK(w.bars[0].revision == 2);
  CHECK(w.bars[0].start == b.start);
  CHECK(w.bars[0].close == 412.25);
  CHECK(w.bars[0].volume == 103);
  CHECK(w.bars[0].trades == 3);
  REQUIRE(w.detections.size() == 1);
  CHECK(w.detections[0].pattern == tickstock::PatternId::Hikkake);
  CHECK(w.detections[0].output == -200);
  CHECK(w.detections[0].retracted);
  CHECK(w.detections[0].confidence == 0.8125);
  CHECK(w.detections[0].volume == 1e6);
  REQUIRE(w.indicators.size() == 1);
  CHECK(w.indicators[0].values[0] == 1.5);
  CHECK(std::isnan(w.indicators[0].values[1]));
  CHECK(w.indicators[0].values[tickstock::kFieldCount - 1] == -2.25);

  WriteBatch bad;
  bytes[2] = 9;  // an unknown kind
  const auto d = tickstock::detail::decode_records(bytes, bad);
  REQUIRE_FALSE(d);
  CHECK(d.error().message.find("record at 0") != std::string::npos);
}

TEST_CASE("SpillFile appends, reads in order, commits, and survives reopening", "[pg][spill]") {
  TempPath tmp;
  SymbolTable symbols;
  const auto s = symbols.intern("AAA");
  {
    auto f = SpillFile::open(tmp.path);
    REQUIRE(f);
    REQUIRE((*f)->append(block_of({minute_bar(s, 0, 1), minute_bar(s, 1, 2)})));
    REQUIRE((*f)->append(block_of({minute_bar(s, 2, 3)})));
    CHECK((*f)->unread_records() == 3);
    RecordBlock b;
    REQUIRE(*(*f)->read_next(b));
    CHECK(b.records == 2);
    REQUIRE((*f)->commit_read());
    CHECK((*f)->unread_records() == 1);
  }
  {
    auto f = SpillFile::open(tmp.path);  // a restart: resumes after the committed block
    REQUIRE(f);
    CHECK((*f)->unread_records() == 1);
    // What a stopping sink had in memory goes before what the file holds.
    const RecordBlock front = block_of({minute_bar(s, 9, 9)});
    REQUIRE((*f)->keep({&front}, {}));
    RecordBlock b;
    WriteBatch w;
    while (*(*f)->read_next(b)) REQUIRE(tickstock::detail::decode_records(b.bytes, w));
    REQUIRE(w.bars.size() == 2);
    CHECK(w.bars[0].close == 9);
    CHECK(w.bars[1].close == 3);
    REQUIRE((*f)->commit_read());
    CHECK((*f)->unread_bytes() == 0);
  }
  CHECK(std::filesystem::file_size(tmp.path) == 32);  // emptied to its header
}

TEST_CASE("SpillFile cuts off a torn block and refuses a foreign file", "[pg][spill]") {
  TempPath tmp;
  SymbolTable symbols;
  const auto s = symbols.intern("AAA");
  {
    auto f = SpillFile::open(tmp.path);
    REQUIRE(f);
    REQUIRE((*f)->append(block_of({minute_bar(s, 0, 1)})));
    REQUIRE((*f)->append(block_of({minute_bar(s, 1, 2), minute_bar(s, 2, 3)})));
  }
  const auto whole = std::filesystem::file_size(tmp.path);
  std::filesystem::resize_file(tmp.path, whole - 5);  // a crash in the middle of an append
  {
    auto f = SpillFile::open(tmp.path);
    REQUIRE(f);
    CHECK((*f)->unread_records() == 1);
    CHECK((*f)->torn_bytes() > 0);
  }
  {
    std::ofstream out(tmp.path, std::ios::binary | std::ios::trunc);
    out << "this is not a spill file at all, just text";
  }
  const auto f = SpillFile::open(tmp.path);
  REQUIRE_FALSE(f);
  CHECK(f.error().message.find("not a TickStock spill file") != std::string::npos);
}

TEST_CASE("PgSink spills while the database is away and stores everything in order after",
          "[pg][spill][threads]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  TcpProxy proxy(port_of(db.url()));
  TempPath tmp;
  SymbolTable symbols;
  const auto a = symbols.intern("AAA");
  std::vector<std::string> logged;
  std::mutex log_mu;
  PgSinkOptions o;
  o.url = via(db.url(), proxy.port());
  o.memory_limit = 100 * 73;  // a hundred bar records
  o.spill_path = tmp.path;
  o.batch_size = 50;
  o.min_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(100);
  o.log = [&](bool, const std::string& m) {
    std::lock_guard lock(log_mu);
    logged.push_back(m);
  };
  PgSink sink(o);
  for (int i = 0; i < 100; ++i) sink.on_bar(minute_bar(a, i, 10));
  REQUIRE(sink.flush_for(std::chrono::seconds(30)));
  proxy.cut();
  // Far more than memory holds; every bar later gets a revision, spilled behind it.
  for (int i = 100; i < 3000; ++i) sink.on_bar(minute_bar(a, i, 10));
  for (int i = 100; i < 3000; i += 7) sink.on_bar(minute_bar(a, i, 20, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto st = sink.stats();
  CHECK_FALSE(st.connected);
  CHECK(st.spilled > 0);
  CHECK(st.spill_bytes > 0);
  CHECK(st.refused == 0);
  CHECK(st.backlog == 2900 + 415);
  proxy.restore();
  REQUIRE(sink.flush_for(std::chrono::seconds(60)));
  st = sink.stats();
  CHECK(st.backlog == 0);
  CHECK(st.spill_bytes == 0);
  CHECK(st.reconnects >= 1);
  CHECK(st.dropped == 0);
  CHECK(st.bars == 3000 + 415);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "3000");
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min WHERE revision = 1 AND close = 20") == "415");
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min WHERE revision = 0 AND close = 10") == "2585");
  std::lock_guard lock(log_mu);
  const auto said = [&](const char* what) {
    return std::any_of(logged.begin(), logged.end(),
                       [&](const std::string& m) { return m.find(what) != std::string::npos; });
  };
  CHECK(said("connection lost"));
  CHECK(said("spilling new events to"));
  CHECK(said("reconnected after"));
  CHECK(said("spill file drained"));
}

TEST_CASE("PgSink keeps what it could not store for the next start, which stores it first",
          "[pg][spill][threads]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  TempPath tmp;
  SymbolTable symbols;
  const auto a = symbols.intern("AAA");
  PgSinkOptions o;
  o.spill_path = tmp.path;
  o.memory_limit = 50 * 73;
  o.min_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(50);
  o.flush_timeout = std::chrono::milliseconds(200);
  {
    o.url = "postgresql://tickstock@127.0.0.1:1/none";  // nobody there
    PgSink sink(o);
    for (int i = 0; i < 500; ++i) sink.on_bar(minute_bar(a, i, 10));
    sink.on_bar(minute_bar(a, 499, 11, 1));
  }  // the destructor keeps the 501 events in the file
  {
    o.url = "postgresql://tickstock@127.0.0.1:1/none";
    PgSink sink(o);  // still down: the file's events and new ones stay in order
    sink.on_bar(minute_bar(a, 500, 12));
    sink.on_bar(minute_bar(a, 499, 13, 2));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(sink.stats().backlog == 503);
  }
  o.url = db.url();
  o.flush_timeout = std::chrono::seconds(30);
  PgSink sink(o);
  REQUIRE(sink.flush_for(std::chrono::seconds(30)));
  const auto st = sink.stats();
  CHECK(st.replayed == 503);
  CHECK(st.backlog == 0);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "501");
  CHECK(db.query("SELECT close || ' ' || revision FROM ohlcv_1min ORDER BY ts DESC OFFSET 1 "
                 "LIMIT 1") == "13 2");
  CHECK(std::filesystem::file_size(tmp.path) == 32);
}

TEST_CASE("PgSink refuses loudly once memory and the spill file are full", "[pg][spill][threads]") {
  TempPath tmp;
  SymbolTable symbols;
  const auto a = symbols.intern("AAA");
  std::atomic<int> errors{0};
  PgSinkOptions o;
  o.url = "postgresql://tickstock@127.0.0.1:1/none";
  o.spill_path = tmp.path;
  o.memory_limit = 20 * 73;
  o.spill_limit = 40 * 73;
  o.min_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(20);
  o.flush_timeout = std::chrono::milliseconds(100);
  o.log = [&](bool error, const std::string& m) {
    if (error && m.find("refusing events") != std::string::npos) ++errors;
  };
  PgSink sink(o);
  for (int i = 0; i < 200; ++i) sink.on_bar(minute_bar(a, i, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto st = sink.stats();
  CHECK(st.refused >= 200 - 20 - 40 - 20);  // memory, the file, the writer's block
  CHECK(st.refused + st.backlog == 200);
  CHECK(errors.load() == 1);  // said once, not once per event
}
