// The statistics of the backtester's cells (shared/design/backtesting.md §4): pure math on
// numbers already computed from bars. Std only, no exceptions. A value undefined for its input
// is NaN (the report's null): Wilson with n = 0 or hits > n; Welch with n_a or n_b < 2 or both
// standard deviations 0; a hit test with n_eff = 0, hits_eff > n_eff or p0 outside (0, 1); the
// median of nothing or of a NaN; t and normal p of a NaN t or df <= 0.
#ifndef TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SIGNAL_STATS_H_
#define TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SIGNAL_STATS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tickstock::backtest {

// Bounds of a binomial proportion's confidence interval.
struct WilsonInterval {
  double lower;
  double upper;
};

// A two-sample Welch t test: the statistic, its Welch–Satterthwaite degrees of freedom and the
// two-sided p.
struct WelchResult {
  double t;
  double df;
  double p;
};

// A hit-rate z test: the statistic and its two-sided normal p.
struct HitTest {
  double z;
  double p;
};

// What a cell reports of its returns (§4.2).
struct SampleSummary {
  std::uint64_t n;
  std::uint64_t hits;       // returns > threshold
  double mean;              // NaN for n = 0
  double stddev;            // sample standard deviation (n − 1), NaN for n < 2
  double median;            // NaN for n = 0
  WilsonInterval hit_rate;  // Wilson interval of hits / n (z = 1.96)
};

// Wilson score interval of hits/n at z (§4.2), clamped to [0, 1].
WilsonInterval wilson_interval(std::uint64_t hits, std::uint64_t n, double z = 1.96);

// Upper tail P(T > t) of Student's t with df > 0 (§4.4); df = inf gives the normal's.
double student_t_sf(double t, double df);

// Two-sided p = P(|T| >= |t|) of Student's t with df > 0 (§4.4).
double student_t_two_sided_p(double t, double df);

// Two-sided p = P(|Z| >= |z|) of the standard normal (§4.4, hit test).
double normal_two_sided_p(double z);

// Welch's t test of mean_a − mean_b from each sample's mean, standard deviation and size (§4.4).
WelchResult welch_test(double mean_a, double sd_a, std::uint64_t n_a, double mean_b, double sd_b,
                       std::uint64_t n_b);

// Benjamini–Hochberg q of each p, in input order (§4.5); a NaN p gets NaN and is left out of m.
std::vector<double> benjamini_hochberg(std::span<const double> p);

// Median (§4.2): the middle order statistic, the mean of the two middle ones if even; reorders.
double exact_median(std::span<double> values);

// n, hits (r > threshold), mean, standard deviation, median and hit-rate interval of r (§4.2).
SampleSummary summarize(std::span<const double> r, double threshold);
// The same with `scratch` as the median's working copy (no allocation once it is large
// enough); a null `scratch` leaves the median NaN, uncomputed.
SampleSummary summarize(std::span<const double> r, double threshold, std::vector<double>* scratch);

// Indices of the events overlap thinning keeps (§4.4), of events sorted by bar; h <= 0 keeps all.
std::vector<std::size_t> thin_overlapping(std::span<const std::int64_t> event_bar_index, int h);

// z of hits_eff out of n_eff against the baseline share p0, and its two-sided normal p (§4.4).
HitTest hit_test(std::uint64_t hits_eff, std::uint64_t n_eff, double p0);

}  // namespace tickstock::backtest

#endif  // TICKSTOCK_LIBTICKSTOCKPL_BACKTEST_SIGNAL_STATS_H_
