// libFuzzer target: the CSV readers (ticks and bars, as replay, import, scan and aggregate read
// them) on arbitrary text through of_text. Beyond the sanitizers' findings it checks that
// whatever is read is what the engine relies on (a symbol by the grammar, a time in range,
// finite prices, volume >= 0) and that every error names the source and stays printable.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tickstock/csv_reader.h"
#include "tickstock/types.h"

namespace {

constexpr const char* kName = "fuzz.csv";

void check(bool ok, int line = __builtin_LINE()) {
  if (ok) return;
  std::fprintf(stderr, "csv_fuzzer.cpp:%d: check failed\n", line);
  std::abort();  // libFuzzer reports the input
}

// An error names the source first and holds printable ASCII only (values are escaped).
void check_error(const tickstock::Error& e) {
  check(e.message.rfind(kName, 0) == 0);
  for (const char c : e.message) check(c >= 0x20 && c < 0x7f);
}

void check_time(tickstock::Timestamp t) {
  check(t >= tickstock::kMinEventTime && t <= tickstock::kMaxEventTime);
}

template <class Reader, class Record, class CheckRecord>
void read_all(Reader& reader, bool ordered, CheckRecord check_record) {
  if (ordered) reader.set_max_disorder(60 * tickstock::kNanosPerSecond);
  Record rec;
  tickstock::Error err;
  for (;;) {
    const auto st = reader.next(rec, err);
    if (st == tickstock::ReadStatus::Eof) return;
    if (st == tickstock::ReadStatus::Error) {
      check_error(err);
      continue;
    }
    check(tickstock::is_valid_symbol(rec.symbol.name()));
    check_record(rec);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Kept across inputs and bounded, as serve's is (--max-symbols): a full table gives errors.
  static tickstock::SymbolTable symbols(500);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool ordered = size % 2 == 0;

  auto ticks = tickstock::TickCsvReader::of_text(text, kName, symbols);
  if (ticks) {
    read_all<tickstock::TickCsvReader, tickstock::Tick>(
        **ticks, ordered, [](const tickstock::Tick& t) {
          check(!tickstock::validate(t).has_value());
          check_time(t.ts_event);
        });
    check((*ticks)->bytes_read() == static_cast<std::int64_t>(size));
  } else {
    check_error(ticks.error());
  }

  auto bars = tickstock::BarCsvReader::of_text(text, kName, symbols, "FZ.DEF");
  if (bars) {
    read_all<tickstock::BarCsvReader, tickstock::Bar>(**bars, ordered, [](const tickstock::Bar& b) {
      check_time(b.start);
      check(std::isfinite(b.open) && std::isfinite(b.high) && std::isfinite(b.low) &&
            std::isfinite(b.close));
      check(std::isfinite(b.volume) && b.volume >= 0);
    });
  } else {
    check_error(bars.error());
  }
  return 0;
}
