// Polygon's per-minute aggregates (AM) against the minute bars we build from trades: each
// minute both have is compared (open, high, low, close, volume) and a disagreement is reported
// and counted. Ours stay the bars of record; AM is only a check. Engine thread only.
#ifndef TICKSTOCKAPP_POLYGON_AM_CROSS_CHECK_H_
#define TICKSTOCKAPP_POLYGON_AM_CROSS_CHECK_H_

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "tickstock/sink.h"

#include "base/log.h"

namespace tickstock::app {

class AmCrossCheck {
 public:
  // REQUIRES: log outlives this.
  explicit AmCrossCheck(Log& log) : ours_(*this, false), vendor_(*this, true), log_(log) {}
  // Our bars (all timeframes; only 1-minute bars are compared): put it behind the aggregator.
  BarSink& ours() { return ours_; }
  // Polygon's AM bars.
  BarSink& vendor() { return vendor_; }
  std::uint64_t compared() const { return compared_; }
  std::uint64_t disagreed() const { return disagreed_; }
  // serve's exit summary line.
  std::string summary() const;

 private:
  class Side final : public BarSink {
   public:
    Side(AmCrossCheck& owner, bool vendor) : owner_(owner), vendor_(vendor) {}
    void on_bar(const Bar& bar) override { owner_.add(bar, vendor_); }

   private:
    AmCrossCheck& owner_;
    bool vendor_;
  };
  struct Minute {
    Bar ours, vendor;
    bool has_ours = false, has_vendor = false;
  };
  void add(const Bar& bar, bool vendor);
  Side ours_, vendor_;
  Log& log_;
  std::unordered_map<std::uint32_t, std::map<Timestamp, Minute>> minutes_;  // by symbol id
  std::uint64_t compared_ = 0, disagreed_ = 0;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_AM_CROSS_CHECK_H_
