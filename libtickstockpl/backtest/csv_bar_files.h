// The files of make_csv_bar_source: what a file's name says, which timeframe its rows are, and
// its rows as checked bars of one timeframe (BarCsvReader's `file:line: field` errors, plus
// the checks a backtest needs: each symbol's bars in strict time order, prices the aggregator
// takes, the symbol a file name gives).
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CSV_BAR_FILES_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CSV_BAR_FILES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tickstock/result.h"
#include "tickstock/types.h"

namespace tickstock::backtest {

// One bars file: whose rows it holds and their timeframe, when its name says.
struct BarFile {
  std::string path;
  std::string symbol;              // empty: the symbol column names each row's
  std::optional<Timeframe> named;  // from NAME.TF.csv[.gz]
};

// NAME and TF of NAME.csv, NAME.csv.gz, NAME.TF.csv or NAME.TF.csv.gz (TF as parse_timeframe
// reads it, NAME a symbol); nullopt for any other name.
std::optional<std::pair<std::string, std::optional<Timeframe>>> split_bar_file_name(
    std::string name);

// Opens `f` and checks its header: a file without a symbol in its name needs a symbol column.
Result<void> check_bar_file(const BarFile& f, SymbolTable& symbols);

// The timeframe of a file whose name gives none: 1d when every bar starts at a midnight (UTC,
// as a date-only ts reads, or New York) and each symbol's bars fall on different days, else 1m.
Result<Timeframe> detect_timeframe(const BarFile& f, SymbolTable& symbols);

// The bars of one file at one timeframe, by Symbol::id() of the table it was read with.
struct FileBars {
  std::vector<std::vector<Bar>> by_id;
  std::size_t total = 0;
  bool complete = true;  // every symbol's bars; else only those of the symbol asked for
};

// Reads `f` as bars of `tf`: daily bars start at New York midnight of their trading date,
// intraday bars carry their New York session. Keeps every symbol's bars while there are at
// most `keep_all` of them, else only those of symbol id `want`.
Result<std::shared_ptr<FileBars>> read_bar_file(const BarFile& f, Timeframe tf, std::uint32_t want,
                                                std::size_t keep_all, SymbolTable& symbols);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_CSV_BAR_FILES_H_
