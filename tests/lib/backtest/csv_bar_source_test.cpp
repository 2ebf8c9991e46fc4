// make_csv_bar_source on files written here: timeframe detection, warm-up and ranges against a
// naive selection, roll-ups against a BarAggregator fed directly and a naive OHLCV sum, one file
// of several symbols, the errors of bad input, and run_backtest against the vector source. On
// the shared daily file when TICKSTOCK_DATA_DIR is set.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/csv_reader.h"

#include "csv_fixture.h"

using namespace tickstock;
using namespace tickstock::csv_fixture;

namespace {

std::vector<Bar> read_all(BarSource& source, const SeriesRequest& r) {
  auto cursor = source.open(r);
  REQUIRE(cursor);
  std::vector<Bar> out;
  std::vector<Bar> chunk(7);  // small: the cursor must resume where it stopped
  for (;;) {
    auto n = (*cursor)->next_chunk(chunk);
    REQUIRE(n);
    if (*n == 0) return out;
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

bool same_bar(const Bar& a, const Bar& b) {
  return a.timeframe == b.timeframe && a.session == b.session && a.revision == b.revision &&
         a.start == b.start && a.open == b.open && a.high == b.high && a.low == b.low &&
         a.close == b.close && a.volume == b.volume && a.vwap == b.vwap &&
         a.trade_count == b.trade_count;
}

void check_same(const std::vector<Bar>& got, const std::vector<Bar>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("bar " << i << " at " << format_iso8601(want[i].start));
    CHECK(same_bar(got[i], want[i]));
  }
}

// The request's bars of `all` (sorted), selected by a plain loop.
std::vector<Bar> naive_select(const std::vector<Bar>& all, const SeriesRequest& r) {
  std::vector<Bar> before, out;
  for (const Bar& b : all) {
    if (b.start < r.start) before.push_back(b);
    if (b.start >= r.start && b.start <= r.end) out.push_back(b);
  }
  const std::size_t warm =
      r.warmup_bars < 0
          ? before.size()
          : std::min<std::size_t>(before.size(), static_cast<std::size_t>(r.warmup_bars));
  out.insert(out.begin(), before.end() - static_cast<std::ptrdiff_t>(warm), before.end());
  return out;
}

// count(r) == what open(r) delivers == the naive selection from `all`.
void check_request(BarSource& source, const SeriesRequest& r, const std::vector<Bar>& all) {
  INFO(std::string(r.symbol) << " " << timeframe_name(r.timeframe) << " " << format_iso8601(r.start)
                             << ".." << format_iso8601(r.end) << " warm-up " << r.warmup_bars);
  auto n = source.count(r);
  REQUIRE(n);
  const std::vector<Bar> got = read_all(source, r);
  CHECK(*n == got.size());
  check_same(got, naive_select(all, r));
}

const Timestamp kEarly = new_york_midnight({2000, 1, 1});
const Timestamp kLate = new_york_midnight({2030, 1, 1});
const std::vector<Date> kSessions{{2024, 3, 8}, {2024, 3, 11}};  // Friday; Monday in EDT

std::string error_of(const Result<std::size_t>& r) { return r ? "" : r.error().message; }

}  // namespace

TEST_CASE("csv source: a directory's files, detected timeframes, warm-up and ranges",
          "[backtest][csv]") {
  TempDir dir;
  const std::vector<Bar> aaa = minute_bars(7, kSessions);
  const std::vector<Bar> bbb = daily_bars(8, weekdays({2024, 1, 2}, 20));
  const std::vector<Bar> ccc = daily_bars(9, weekdays({2023, 11, 1}, 30));
  write_text(dir / "AAA.csv", minute_csv(aaa));
  // A named daily file with a symbol column and close times (21:00Z = 16:00 New York).
  std::string text = "ts,symbol,open,high,low,close,volume\n";
  for (const Bar& b : bbb)
    text += row(format_date(new_york_date(b.start)) + "T21:00:00Z", "BBB", b);
  write_gzip(dir / "BBB.1d.csv.gz", text);
  write_text(dir / "CCC.csv", daily_csv(ccc, ""));
  write_text(dir / "notes.txt", "not bars\n");
  write_text(dir / "bad name.csv", "not,a,bars,file\n");
  auto source = make_csv_bar_source(dir.str());
  REQUIRE(source);
  BarSource& s = **source;

  // Detected: AAA is 1m (its rows are minutes), CCC 1d (date-only rows); BBB is named 1d.
  CHECK(*s.count({"AAA", Timeframe::M1, kEarly, kLate, 0}) == aaa.size());
  CHECK(*s.count({"CCC", Timeframe::D1, kEarly, kLate, 0}) == ccc.size());
  CHECK(*s.count({"CCC", Timeframe::M1, kEarly, kLate, 0}) == 0);  // daily: nothing to roll up
  CHECK(*s.count({"BBB", Timeframe::D1, kEarly, kLate, 0}) == bbb.size());
  CHECK(*s.count({"BBB", Timeframe::M5, kEarly, kLate, 0}) == 0);
  CHECK(*s.count({"AAA", Timeframe::D1, kEarly, kLate, 0}) == 2);  // rolled up from minutes
  CHECK(*s.count({"ZZZ", Timeframe::D1, kEarly, kLate, 0}) == 0);

  for (const auto& [symbol, tf, all] :
       {std::tuple{"AAA", Timeframe::M1, &aaa}, std::tuple{"BBB", Timeframe::D1, &bbb},
        std::tuple{"CCC", Timeframe::D1, &ccc}}) {
    const std::vector<Bar>& bars = *all;
    const Timestamp mid = bars[bars.size() / 3].start, late = bars[bars.size() * 2 / 3].start;
    for (const int warm : {0, 1, 5, 1000, -1}) {
      check_request(s, {symbol, tf, kEarly, kLate, warm}, bars);
      check_request(s, {symbol, tf, mid, late, warm}, bars);
      check_request(s, {symbol, tf, mid + 1, late - 1, warm}, bars);  // between bars
      check_request(s, {symbol, tf, mid, mid, warm}, bars);
      check_request(s, {symbol, tf, kLate, kLate + 1, warm}, bars);  // all warm-up
    }
  }
}

TEST_CASE("csv source: 5m, 1h and 1d roll up from 1m as the live aggregator does",
          "[backtest][csv]") {
  TempDir dir;
  const std::vector<Bar> aaa = minute_bars(11, kSessions);
  write_gzip(dir / "AAA.csv.gz", minute_csv(aaa));
  auto source = make_csv_bar_source(dir.str());
  REQUIRE(source);
  for (const Timeframe tf : {Timeframe::M5, Timeframe::H1, Timeframe::D1}) {
    INFO(timeframe_name(tf));
    const std::vector<Bar> want = aggregate(aaa, tf);
    REQUIRE(want.size() >= 2);
    check_same(read_all(**source, {"AAA", tf, kEarly, kLate, -1}), want);
    const Timestamp mid = want[want.size() / 2].start;
    check_request(**source, {"AAA", tf, mid, kLate, 3}, want);
  }
  // 5m bars by hand: each the minutes of its 5-minute window, first open, last close.
  std::map<Timestamp, Bar> naive;
  for (const Bar& m : aaa) {
    const Timestamp start = m.start - m.start % (5 * kNanosPerMinute);
    auto [it, fresh] = naive.try_emplace(start, m);
    Bar& b = it->second;
    if (fresh) continue;
    b.high = std::max(b.high, m.high);
    b.low = std::min(b.low, m.low);
    b.close = m.close;
    b.volume += m.volume;
  }
  const std::vector<Bar> got = read_all(**source, {"AAA", Timeframe::M5, kEarly, kLate, -1});
  REQUIRE(got.size() == naive.size());
  std::size_t i = 0;
  for (const auto& [start, b] : naive) {
    INFO("5m bar at " << format_iso8601(start));
    const Bar& g = got[i++];
    CHECK(g.timeframe == Timeframe::M5);
    CHECK(g.start == start);
    CHECK(g.session == new_york_session(start));
    CHECK((g.open == b.open && g.high == b.high && g.low == b.low && g.close == b.close &&
           g.volume == b.volume));
  }
}

TEST_CASE("csv source: one file with a symbol column holds several symbols", "[backtest][csv]") {
  TempDir dir;
  const std::vector<Date> dates = weekdays({2022, 5, 2}, 40);
  const std::vector<Bar> xx = daily_bars(21, dates), yy = daily_bars(22, dates);
  std::string text = "ts,symbol,open,high,low,close,volume\n";
  for (std::size_t i = 0; i < dates.size(); ++i) {  // interleaved: the same dates, one by one
    text += row(format_date(dates[i]), "XX", xx[i]);
    text += row(format_date(dates[i]), "YY", yy[i]);
  }
  write_text(dir / "both.csv", text);
  auto source = make_csv_bar_source(dir / "both.csv");
  REQUIRE(source);
  check_request(**source, {"XX", Timeframe::D1, kEarly, kLate, 0}, xx);
  check_request(**source, {"YY", Timeframe::D1, xx[10].start, xx[30].start, 4}, yy);
  CHECK(*(*source)->count({"ZZ", Timeframe::D1, kEarly, kLate, 0}) == 0);
  CHECK(*(*source)->count({"XX", Timeframe::M1, kEarly, kLate, 0}) == 0);

  write_text(dir / "plain.csv", daily_csv(xx, ""));
  auto plain = make_csv_bar_source(dir / "plain.csv");
  REQUIRE_FALSE(plain);
  CHECK_THAT(plain.error().message, Catch::Contains("plain.csv") && Catch::Contains("symbol"));
}

TEST_CASE("csv source: bad input is an error naming the file, line and field", "[backtest][csv]") {
  TempDir dir;
  const std::string header = "ts,open,high,low,close,volume\n";
  const char* rows[] = {
      "2024-03-08T14:30:00Z,10,11,9,10.5,100\n", "2024-03-08T14:31:00Z,10,11,9,10.5,100\n",
      "2024-03-08T14:32:00Z,10,11,9,10.5,100\n", "2024-03-08T14:33:00Z,10,11,9,10.5,100\n",
      "2024-03-08T14:34:00Z,10,11,9,10.5,100\n", "2024-03-08T14:35:00Z,10,11,9,10.5,100\n"};
  auto file = [&](int bad_line, const std::string& bad_row) {
    std::string text = header;
    for (int line = 2; line <= 7; ++line) text += line == bad_line ? bad_row : rows[line - 2];
    return text;
  };
  auto error_for = [&](const std::string& text, Timeframe tf = Timeframe::M1) {
    write_text(dir / "AAA.csv", text);
    auto source = make_csv_bar_source(dir.str());
    REQUIRE(source);
    auto n = (*source)->count({"AAA", tf, kEarly, kLate, 0});
    auto cursor = (*source)->open({"AAA", tf, kEarly, kLate, 0});
    CHECK_FALSE(cursor);
    return error_of(n);
  };
  const std::string aaa = dir / "AAA.csv";
  SECTION("a price that is not a number") {
    const std::string e = error_for(file(7, "2024-03-08T14:35:00Z,10,11,9,abc,100\n"));
    CHECK_THAT(e, Catch::Contains(aaa + ":7: field 'close'"));
    CHECK_THAT(error_for(file(7, "2024-03-08T14:35:00Z,10,11,9,abc,100\n"), Timeframe::M5),
               Catch::Contains(aaa + ":7: field 'close'"));
  }
  SECTION("a high below the low") {
    CHECK_THAT(error_for(file(3, "2024-03-08T14:31:00Z,10,8,9,10,100\n")),
               Catch::Contains(aaa + ":3: field 'high'"));
  }
  SECTION("rows out of time order") {
    const std::string e = error_for(file(5, "2024-03-08T14:20:00Z,10,11,9,10.5,100\n"));
    CHECK_THAT(e, Catch::Contains(aaa + ":5: field 'ts': '2024-03-08T14:20:00Z' is before"));
  }
  SECTION("a repeated start") {
    const std::string e = error_for(file(5, "2024-03-08T14:32:00Z,10,11,9,10.5,100\n"));
    CHECK_THAT(e, Catch::Contains(aaa + ":5: field 'ts': '2024-03-08T14:32:00Z' repeats"));
  }
  SECTION("a daily bar given by two files") {
    write_text(dir / "AAA.1d.csv", "ts,open,high,low,close,volume\n2024-03-08,10,11,9,10,1\n");
    const std::string e =
        error_for(header + "2024-03-07,10,11,9,10,1\n2024-03-08,10,11,9,10,1\n", Timeframe::D1);
    CHECK_THAT(e, Catch::Contains("two bars of AAA 1d start at 2024-03-08T05:00:00Z"));
  }
  SECTION("a row naming another symbol") {
    const std::string e = error_for(
        "ts,symbol,open,high,low,close,volume\n2024-03-08T14:30:00Z,AAA,10,11,9,10,1\n"
        "2024-03-08T14:31:00Z,AAA,10,11,9,10,1\n2024-03-08T14:32:00Z,BBB,10,11,9,10,1\n");
    CHECK_THAT(e, Catch::Contains(aaa + ":4: field 'symbol': 'BBB' is not AAA"));
  }
  SECTION("a path that does not exist") {
    auto source = make_csv_bar_source(dir / "nowhere");
    REQUIRE_FALSE(source);
    CHECK_THAT(source.error().message, Catch::Contains(dir / "nowhere"));
  }
  SECTION("an empty directory, then one without bar files") {
    for (int i = 0; i < 2; ++i) {
      auto source = make_csv_bar_source(dir.str());
      REQUIRE_FALSE(source);
      CHECK_THAT(source.error().message, Catch::Contains(dir.str()) && Catch::Contains("no bar"));
      write_text(dir / "README.md", "# nothing\n");
    }
  }
}

TEST_CASE("csv source: run_backtest gives the vector source's results byte for byte",
          "[backtest][csv]") {
  TempDir dir;
  const std::vector<Date> dates = weekdays({2023, 6, 1}, 300);
  const std::vector<Bar> da = daily_bars(31, dates), db = daily_bars(32, dates);
  const std::vector<Bar> aaa = minute_bars(33, kSessions);
  write_text(dir / "DA.csv", daily_csv(da, ""));
  write_gzip(dir / "DB.csv.gz", daily_csv(db, "DB"));
  write_text(dir / "AAA.csv", minute_csv(aaa));
  std::vector<Bar> aaa_all = aaa;
  for (const Timeframe tf : {Timeframe::M5, Timeframe::D1}) {
    const std::vector<Bar> up = aggregate(aaa, tf);
    aaa_all.insert(aaa_all.end(), up.begin(), up.end());
  }
  auto csv = make_csv_bar_source(dir.str());
  REQUIRE(csv);
  auto memory = make_vector_bar_source({{"AAA", aaa_all}, {"DA", da}, {"DB", db}});

  BacktestOptions o;
  o.symbols = {"AAA", "DA", "DB"};
  o.timeframes = {Timeframe::D1, Timeframe::M5, Timeframe::M1};
  o.start = new_york_midnight({2023, 9, 1});
  o.end = new_york_midnight({2024, 6, 28});
  o.warmup_bars = 50;
  o.threads = 2;
  auto plan_csv = plan_backtest(o, **csv);
  auto plan_memory = plan_backtest(o, *memory);
  REQUIRE(plan_csv);
  REQUIRE(plan_memory);
  REQUIRE(plan_csv->series.size() == plan_memory->series.size());
  CHECK(plan_csv->bars_total == plan_memory->bars_total);
  auto from_csv = run_backtest(*plan_csv, o, **csv);
  auto from_memory = run_backtest(*plan_memory, o, *memory);
  REQUIRE(from_csv);
  REQUIRE(from_memory);
  CHECK(from_csv->events > 0);
  CHECK(from_csv->bars_read == plan_csv->bars_total);
  CHECK(results_json(*from_csv) == results_json(*from_memory));
}

TEST_CASE("csv source: the shared daily file, counted against BarCsvReader", "[backtest][csv]") {
  const char* data = std::getenv("TICKSTOCK_DATA_DIR");
  if (data == nullptr) {
    WARN("SKIPPED: set TICKSTOCK_DATA_DIR to read the shared daily file");
    return;
  }
  const std::string path = std::string(data) + "/daily/yahoo_sp500_daily_2012-2017.csv.gz";
  auto source = make_csv_bar_source(path);
  REQUIRE(source);
  const Date from{2013, 1, 1}, to{2016, 12, 31};
  std::map<std::string, std::vector<Bar>> want;  // in range, as the reader gives them
  std::map<std::string, std::size_t> before;     // rows before the range
  SymbolTable symbols;
  auto reader = BarCsvReader::open(path, symbols);
  REQUIRE(reader);
  Bar bar;
  Error error;
  for (ReadStatus st; (st = (*reader)->next(bar, error)) != ReadStatus::Eof;) {
    REQUIRE(st == ReadStatus::Ok);
    const std::string name(bar.symbol.name());
    if (name != "AAPL" && name != "MSFT") continue;
    const Date d = *parse_date((*reader)->last_ts_text());
    const std::int64_t day = days_from_civil(d);
    if (day < days_from_civil(from)) ++before[name];
    if (day < days_from_civil(from) || day > days_from_civil(to)) continue;
    bar.start = new_york_midnight(d);
    want[name].push_back(bar);
  }
  for (const auto& [symbol, bars] : want) {
    INFO(symbol);
    REQUIRE(bars.size() > 1000);
    const SeriesRequest r{symbol, Timeframe::D1, new_york_midnight(from), new_york_midnight(to), 0};
    auto n = (*source)->count(r);
    REQUIRE(n);
    CHECK(*n == bars.size());
    const std::vector<Bar> got = read_all(**source, r);
    REQUIRE(got.size() == bars.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK((got[i].start == bars[i].start && got[i].open == bars[i].open &&
             got[i].close == bars[i].close && got[i].volume == bars[i].volume &&
             got[i].timeframe == Timeframe::D1));
    }
    const SeriesRequest warm{symbol, Timeframe::D1, r.start, r.end, 10};
    CHECK(*(*source)->count(warm) == bars.size() + std::min<std::size_t>(10, before[symbol]));
    CHECK(*(*source)->count({symbol, Timeframe::M1, r.start, r.end, 0}) == 0);
  }
}
