// make_csv_bar_source: bars from `scan`-format CSV (BarCsvReader), a directory of one file per
// symbol or one file of many symbols (shared/design/backtesting.md §2). Files are parsed on
// demand, not at construction: a data folder may hold far more symbols than a job reads.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"

#include "backtest/csv_bar_files.h"
#include "backtest/minute_rollup.h"
#include "backtest/series_range.h"

namespace tickstock {
namespace {

namespace fs = std::filesystem;
using backtest::BarFile;
using backtest::FileBars;
using Bars = std::vector<Bar>;
using SharedBars = std::shared_ptr<const Bars>;

// Parsed files kept for later calls, in bars (~90 MiB): the shared daily file (606k bars of
// 505 symbols) fits, so a job reads it once; 50 symbols of minute bars (24.5M) never do.
constexpr std::size_t kCacheBars = std::size_t{1} << 20;

// `tf` bars rolled up from one symbol's 1-minute bars (minute_rollup.h).
Result<SharedBars> roll_up(const Bars& minutes, Timeframe tf, std::string_view symbol) {
  auto bars = backtest::roll_up_minutes(minutes, tf, symbol);
  if (!bars) return bars.error();
  return SharedBars(std::make_shared<Bars>(std::move(*bars)));
}

// A series it shares with the cache (or owns, when rolled up).
using SharedCursor = backtest::RangeCursor<SharedBars>;

using FilesBySymbol = std::map<std::string, std::vector<BarFile>, std::less<>>;

class CsvBarSource final : public BarSource {
 public:
  CsvBarSource(FilesBySymbol by_symbol, std::vector<BarFile> single)
      : by_symbol_(std::move(by_symbol)), single_(std::move(single)) {}

  Result<std::size_t> count(const SeriesRequest& r) override {
    auto bars = series(r.symbol, r.timeframe);
    if (!bars) return bars.error();
    const auto [from, to] = backtest::request_range(**bars, r);
    return to - from;
  }
  Result<std::unique_ptr<BarCursor>> open(const SeriesRequest& r) override {
    auto bars = series(r.symbol, r.timeframe);
    if (!bars) return bars.error();
    const auto [from, to] = backtest::request_range(**bars, r);
    std::unique_ptr<BarCursor> c = std::make_unique<SharedCursor>(std::move(*bars), from, to);
    return c;
  }
  // Checks the single file's header now, so a wrong path fails before any job starts.
  Result<void> check_single() {
    if (single_.empty()) return {};
    return backtest::check_bar_file(single_.front(), symbols_);
  }

 private:
  // The whole series: its files at `tf`, else rolled up from its 1-minute files.
  Result<SharedBars> series(std::string_view symbol, Timeframe tf) {
    const std::span<const BarFile> files = files_for(symbol);
    if (files.empty() || !is_valid_symbol(symbol)) return empty_;
    const std::uint32_t want = symbols_.intern(symbol).id();
    std::vector<const BarFile*> direct, minutes;
    for (const BarFile& f : files) {
      auto t = timeframe_of(f);
      if (!t) return t.error();
      if (*t == tf) direct.push_back(&f);
      if (*t == Timeframe::M1) minutes.push_back(&f);
    }
    if (!direct.empty()) return merged(direct, tf, want);
    if (minutes.empty()) return empty_;
    auto m = merged(minutes, Timeframe::M1, want);
    if (!m) return m.error();
    return roll_up(**m, tf, symbol);
  }

  std::span<const BarFile> files_for(std::string_view symbol) const {
    if (!single_.empty()) return single_;
    const auto it = by_symbol_.find(symbol);
    return it == by_symbol_.end() ? std::span<const BarFile>() : it->second;
  }

  // The bars of symbol `want` from `files`, all at `tf`; a start given twice is an error.
  Result<SharedBars> merged(const std::vector<const BarFile*>& files, Timeframe tf,
                            std::uint32_t want) {
    if (files.size() == 1) return load(*files.front(), tf, want);
    auto all = std::make_shared<Bars>();
    std::string names;
    for (const BarFile* f : files) {
      auto part = load(*f, tf, want);
      if (!part) return part.error();
      const auto mid = static_cast<std::ptrdiff_t>(all->size());
      all->insert(all->end(), (*part)->begin(), (*part)->end());
      std::inplace_merge(all->begin(), all->begin() + mid, all->end(),
                         [](const Bar& a, const Bar& b) { return a.start < b.start; });
      names += (names.empty() ? "" : ", ") + f->path;
    }
    const auto dup = std::adjacent_find(
        all->begin(), all->end(), [](const Bar& a, const Bar& b) { return a.start == b.start; });
    if (dup != all->end())
      return fail(names, ": two bars of ", dup->symbol.name(), " ", timeframe_name(tf),
                  " start at ", format_iso8601(dup->start));
    return SharedBars(std::move(all));
  }

  // The bars of symbol `want` in file `f`, from the cache or parsed now.
  Result<SharedBars> load(const BarFile& f, Timeframe tf, std::uint32_t want) {
    std::shared_ptr<const FileBars> file = cached(f.path);
    if (!file) {
      auto parsed = backtest::read_bar_file(f, tf, want, kCacheBars, symbols_);
      if (!parsed) return parsed.error();
      file = *parsed;
      if (file->complete) remember(f.path, file);
    }
    if (want >= file->by_id.size()) return empty_;
    return SharedBars(file, &file->by_id[want]);  // keeps the whole file's bars alive
  }

  Result<Timeframe> timeframe_of(const BarFile& f) {
    if (f.named) return *f.named;
    {
      const std::lock_guard lock(mu_);
      if (const auto it = detected_.find(f.path); it != detected_.end()) return it->second;
    }
    auto tf = backtest::detect_timeframe(f, symbols_);
    if (!tf) return tf.error();
    const std::lock_guard lock(mu_);
    detected_.emplace(f.path, *tf);
    return *tf;
  }

  std::shared_ptr<const FileBars> cached(const std::string& path) {
    const std::lock_guard lock(mu_);
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->first != path) continue;
      cache_.splice(cache_.begin(), cache_, it);  // most recently used first
      return cache_.front().second;
    }
    return nullptr;
  }

  // Caches `file`, dropping the least recently used files beyond kCacheBars.
  void remember(const std::string& path, std::shared_ptr<const FileBars> file) {
    const std::lock_guard lock(mu_);
    for (const auto& e : cache_) {
      if (e.first == path) return;  // another thread parsed it too
    }
    cached_bars_ += file->total;
    cache_.emplace_front(path, std::move(file));
    while (cached_bars_ > kCacheBars) {
      cached_bars_ -= cache_.back().second->total;
      cache_.pop_back();
    }
  }

  const FilesBySymbol by_symbol_;      // a directory's files
  const std::vector<BarFile> single_;  // or one file of many symbols
  SymbolTable symbols_;                // thread-safe; every file's symbols
  const SharedBars empty_ = std::make_shared<const Bars>();
  std::mutex mu_;
  std::map<std::string, Timeframe> detected_;  // by path; guarded by mu_
  std::list<std::pair<std::string, std::shared_ptr<const FileBars>>> cache_;  // guarded by mu_
  std::size_t cached_bars_ = 0;                                               // guarded by mu_
};

// The bar files of directory `dir` by symbol, each symbol's in name order (so that a series
// of several files is merged the same way every run).
Result<FilesBySymbol> list_dir(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;  // a dangling link is not a bar file, nor a failure
    if (it->is_regular_file(entry_ec)) paths.push_back(it->path());
  }
  if (ec) return fail(dir, ": cannot list: ", ec.message());
  std::sort(paths.begin(), paths.end());
  FilesBySymbol out;
  for (const fs::path& p : paths) {
    if (auto name = backtest::split_bar_file_name(p.filename().string()))
      out[name->first].push_back({p.string(), name->first, name->second});
  }
  if (out.empty())
    return fail(dir, ": no bar files (NAME.csv, NAME.csv.gz, NAME.TF.csv or NAME.TF.csv.gz)");
  return out;
}

}  // namespace

Result<std::unique_ptr<BarSource>> make_csv_bar_source(std::string path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return fail(path, ": no such file or directory");
  if (ec) return fail(path, ": ", ec.message());
  FilesBySymbol by_symbol;
  std::vector<BarFile> single;
  if (fs::is_directory(st)) {
    auto files = list_dir(path);
    if (!files) return files.error();
    by_symbol = std::move(*files);
  } else {
    const auto name = backtest::split_bar_file_name(fs::path(path).filename().string());
    single.push_back({path, "", name ? name->second : std::nullopt});
  }
  auto source = std::make_unique<CsvBarSource>(std::move(by_symbol), std::move(single));
  if (auto ok = source->check_single(); !ok) return ok.error();
  std::unique_ptr<BarSource> out = std::move(source);
  return out;
}

}  // namespace tickstock
