// The pattern catalogue: rows from catalogue_group_*.inc plus names from pattern_list.h.
#include <array>
#include <string_view>

#include "tickstock/patterns.h"

#include "patterns/cdl_set.h"

namespace tickstock {
namespace {

struct Row {
  PatternId id;
  int bars;
  PatternDirection direction;
  std::string_view description;
};

constexpr Row kRows[] = {
#include "patterns/catalogue_group_a.inc"
#include "patterns/catalogue_group_b.inc"
};
static_assert(std::size(kRows) == kPatternCount, "one catalogue row per pattern");

constexpr std::string_view kTalibNames[] = {
#define TICKSTOCK_NAME(e, name, display) name,
    TICKSTOCK_PATTERNS(TICKSTOCK_NAME)
#undef TICKSTOCK_NAME
};
constexpr std::string_view kDisplayNames[] = {
#define TICKSTOCK_DISPLAY(e, name, display) display,
    TICKSTOCK_PATTERNS(TICKSTOCK_DISPLAY)
#undef TICKSTOCK_DISPLAY
};

// Continuation and indecision patterns; every other pattern is a reversal. Classes follow
// the usual reading of each pattern (Nison, Bulkowski); single-candle "lines" say the move goes
// on, dojis and small-bodied candles say the market is undecided.
constexpr PatternKind kind_of(PatternId id) {
  switch (id) {
    case PatternId::ThreeLineStrike:
    case PatternId::ClosingMarubozu:
    case PatternId::GapSideSideWhite:
    case PatternId::InNeck:
    case PatternId::LongLine:
    case PatternId::Marubozu:
    case PatternId::MatHold:
    case PatternId::OnNeck:
    case PatternId::RiseFallThreeMethods:
    case PatternId::SeparatingLines:
    case PatternId::TasukiGap:
    case PatternId::Thrusting:
    case PatternId::XSideGapThreeMethods:
      return PatternKind::Continuation;
    case PatternId::Doji:
    case PatternId::HighWave:
    case PatternId::LongLeggedDoji:
    case PatternId::RickshawMan:
    case PatternId::ShortLine:
    case PatternId::SpinningTop:
      return PatternKind::Indecision;
    default:
      return PatternKind::Reversal;
  }
}

constexpr std::array<PatternInfo, kPatternCount> make_catalogue() {
  std::array<PatternInfo, kPatternCount> a{};
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Row& r = kRows[i];
    a[i] = PatternInfo{r.id,        kTalibNames[i], kDisplayNames[i], r.bars,
                       r.direction, kind_of(r.id),  r.description};
  }
  return a;
}

constexpr std::array<PatternInfo, kPatternCount> kCatalogue = make_catalogue();

constexpr bool rows_in_id_order() {
  for (std::size_t i = 0; i < std::size(kRows); ++i)
    if (static_cast<std::size_t>(kRows[i].id) != i) return false;
  return true;
}
static_assert(rows_in_id_order(), "catalogue rows must follow PatternId order");

}  // namespace

std::string_view direction_name(PatternDirection d) {
  switch (d) {
    case PatternDirection::Bullish:
      return "bullish";
    case PatternDirection::Bearish:
      return "bearish";
    case PatternDirection::Both:
      return "both";
    case PatternDirection::Neutral:
      return "neutral";
  }
  return "?";
}

std::string_view kind_name(PatternKind k) {
  switch (k) {
    case PatternKind::Reversal:
      return "reversal";
    case PatternKind::Continuation:
      return "continuation";
    case PatternKind::Indecision:
      return "indecision";
  }
  return "?";
}

std::span<const PatternInfo> pattern_catalogue() { return kCatalogue; }

const PatternInfo& pattern_info(PatternId id) { return kCatalogue[static_cast<std::size_t>(id)]; }

std::optional<PatternId> find_pattern(std::string_view talib_name) {
  for (const PatternInfo& p : kCatalogue)
    if (p.talib_name == talib_name) return p.id;
  return std::nullopt;
}

int pattern_lookback(PatternId id, const CandleSettings& settings) {
  detail::PatternParams p;
  p.candles = settings;
  return detail::CdlSet::lookback_for(id, p);
}

bool uses_penetration(PatternId id) {
  return detail::CdlSet::kPenetration[static_cast<std::size_t>(id)];
}

double default_penetration(PatternId id) {
  if (id == PatternId::DarkCloudCover || id == PatternId::MatHold) return 0.5;
  return uses_penetration(id) ? 0.3 : 0.0;
}

}  // namespace tickstock
