// Record layout: u16 size of the whole record, u8 kind, u8 timeframe, u32 revision, i64 bar
// start, u8 symbol length, the symbol, then by kind:
//   bar:        u8 session, f64 open high low close volume vwap, u32 trades
//   detection:  u8 pattern, i16 output, u8 direction, u8 retracted, f64 confidence price volume
//   indicators: u64 mask of the fields that have a value, then those values (f64) in order
#include "pg/event_record.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace tickstock::detail {
namespace {

enum Kind : std::uint8_t { kBar = 1, kDetection = 2, kIndicators = 3 };

static_assert(kFieldCount <= 64, "the indicator mask is one u64");

template <class T>
void put(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

// Writes the common head; returns the offset of the record's size field.
std::size_t begin(std::string& out, Kind kind, Symbol symbol, Timeframe tf, std::uint32_t revision,
                  Timestamp start) {
  const std::size_t at = out.size();
  put<std::uint16_t>(out, 0);
  put<std::uint8_t>(out, kind);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(tf));
  put<std::uint32_t>(out, revision);
  put<std::int64_t>(out, start);
  const std::string_view name = symbol.name().substr(0, 255);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(name.size()));
  out.append(name);
  return at;
}

void end(std::string& out, std::size_t at) {
  const auto size = static_cast<std::uint16_t>(out.size() - at);
  std::memcpy(&out[at], &size, sizeof size);
}

// Reads fields in order from one record; `ok` turns false on a read past its end.
class Reader {
 public:
  explicit Reader(std::string_view r) : r_(r) {}
  template <class T>
  T get() {
    T v{};
    if (pos_ + sizeof v > r_.size()) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, r_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string_view text(std::size_t n) {
    if (pos_ + n > r_.size()) {
      ok_ = false;
      return {};
    }
    const std::string_view s = r_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  bool ok() const { return ok_ && pos_ == r_.size(); }

 private:
  std::string_view r_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

void encode_bar(const Bar& b, std::string& out) {
  const std::size_t at = begin(out, kBar, b.symbol, b.timeframe, b.revision, b.start);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(b.session));
  for (const double v : {b.open, b.high, b.low, b.close, b.volume, b.vwap}) put(out, v);
  put<std::uint32_t>(out, b.trade_count);
  end(out, at);
}

void encode_detection(const PatternEvent& e, double price, double volume, std::string& out) {
  const std::size_t at = begin(out, kDetection, e.symbol, e.timeframe, e.revision, e.bar_start);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(e.pattern));
  put<std::int16_t>(out, static_cast<std::int16_t>(e.output));
  put<std::uint8_t>(out, static_cast<std::uint8_t>(e.direction));
  put<std::uint8_t>(out, e.retracted ? 1 : 0);
  for (const double v : {e.confidence, price, volume}) put(out, v);
  end(out, at);
}

bool encode_indicators(const ScanResult& r, std::string& out) {
  std::uint64_t mask = 0;
  for (int i = 0; i < kFieldCount; ++i)
    if (!std::isnan(r.values[static_cast<std::size_t>(i)])) mask |= std::uint64_t{1} << i;
  if (mask == 0) return false;
  const Bar& b = r.bar;
  const std::size_t at = begin(out, kIndicators, b.symbol, b.timeframe, b.revision, b.start);
  put(out, mask);
  for (int i = 0; i < kFieldCount; ++i)
    if ((mask >> i) & 1u) put(out, r.values[static_cast<std::size_t>(i)]);
  end(out, at);
  return true;
}

Result<void> decode_records(std::string_view bytes, WriteBatch& batch) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::uint16_t size = 0;
    if (pos + sizeof size > bytes.size())
      return fail("record at ", std::to_string(pos), ": cut short");
    std::memcpy(&size, bytes.data() + pos, sizeof size);
    if (size < sizeof size || pos + size > bytes.size())
      return fail("record at ", std::to_string(pos), ": bad size ", std::to_string(size));
    Reader r(bytes.substr(pos + sizeof size, size - sizeof size));
    const auto kind = r.get<std::uint8_t>();
    const auto tf = r.get<std::uint8_t>();
    const auto revision = r.get<std::uint32_t>();
    const auto start = r.get<std::int64_t>();
    const std::string_view symbol = r.text(r.get<std::uint8_t>());
    bool known = tf < kTimeframeCount;
    if (kind == kBar) {
      BarRow& b = batch.bars.emplace_back();
      b.symbol = symbol;
      b.timeframe = static_cast<Timeframe>(tf);
      b.revision = revision;
      b.start = start;
      const auto session = r.get<std::uint8_t>();
      known = known && session <= static_cast<std::uint8_t>(Session::Overnight);
      b.session = static_cast<Session>(session);
      for (double* v : {&b.open, &b.high, &b.low, &b.close, &b.volume, &b.vwap})
        *v = r.get<double>();
      b.trades = r.get<std::uint32_t>();
    } else if (kind == kDetection) {
      DetectionRow& d = batch.detections.emplace_back();
      d.symbol = symbol;
      d.timeframe = static_cast<Timeframe>(tf);
      d.revision = revision;
      d.bar_start = start;
      const auto pattern = r.get<std::uint8_t>();
      known = known && pattern < kPatternCount;
      d.pattern = static_cast<PatternId>(pattern);
      d.output = r.get<std::int16_t>();
      const auto direction = r.get<std::uint8_t>();
      known = known && direction <= static_cast<std::uint8_t>(PatternDirection::Neutral);
      d.direction = static_cast<PatternDirection>(direction);
      d.retracted = r.get<std::uint8_t>() != 0;
      for (double* v : {&d.confidence, &d.price, &d.volume}) *v = r.get<double>();
    } else if (kind == kIndicators) {
      IndicatorRow& v = batch.indicators.emplace_back();
      v.symbol = symbol;
      v.timeframe = static_cast<Timeframe>(tf);
      v.revision = revision;
      v.bar_start = start;
      const auto mask = r.get<std::uint64_t>();
      for (int i = 0; i < kFieldCount; ++i)
        v.values[static_cast<std::size_t>(i)] = (mask >> i) & 1u ? r.get<double>() : std::nan("");
    } else {
      known = false;
    }
    if (!known || !r.ok() || symbol.empty())
      return fail("record at ", std::to_string(pos), ": does not decode (kind ",
                  std::to_string(kind), ")");
    pos += size;
  }
  return {};
}

}  // namespace tickstock::detail
