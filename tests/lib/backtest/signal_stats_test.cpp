// The backtester's statistics against computations written here independently: Student's t by
// quadrature of its density in long double, the integer-df series, and naive loops.
#include "backtest/signal_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "support/split_mix64.h"

using namespace tickstock::backtest;

namespace {

using Real = long double;
constexpr Real kPi = 3.141592653589793238462643383279502884L;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using tickstock::test::SplitMix64;

double relative_error(double value, Real reference) {
  return static_cast<double>(std::fabs((static_cast<Real>(value) - reference) / reference));
}

// ∫_0^∞ f(u) du by the exp-sinh rule (u = exp(π/2·sinh τ), trapezoid in τ over [−5, 5], which
// covers u from e^−116 to e^116), halving the step until two levels agree to 1e−17.
template <class F>
Real exp_sinh(F f) {
  Real previous = 0;
  for (int level = 2; level <= 9; ++level) {
    const Real h = 1.0L / static_cast<Real>(1 << level);
    const int k_max = 5 << level;
    Real sum = 0;
    for (int k = -k_max; k <= k_max; ++k) {
      const Real tau = static_cast<Real>(k) * h;
      const Real u = std::exp(kPi / 2 * std::sinh(tau));
      sum += f(u) * u * kPi / 2 * std::cosh(tau);
    }
    sum *= h;
    if (level > 2 && std::fabs(sum - previous) <= 1e-17L * sum) return sum;
    previous = sum;
  }
  FAIL("the exp-sinh quadrature did not converge");
  return previous;
}

// P(T > t), t >= 0, as ∫_t^∞ g / (2 ∫_0^∞ g) with g(x) = (1 + x²/df)^−(df+1)/2, the unnormalized
// density: no Γ function, nothing shared with the code under test. The tail is integrated as
// g(t)·∫ g(t + u)/g(t) du, whose integrand log1p((2tu + u²)/(df + t²)) keeps every digit.
Real quadrature_t_sf(Real t, Real df) {
  const Real e = -(df + 1) / 2;
  const Real half = exp_sinh([&](Real u) { return std::exp(e * std::log1p(u * u / df)); });
  const Real scaled = exp_sinh(
      [&](Real u) { return std::exp(e * std::log1p((2 * t * u + u * u) / (df + t * t))); });
  return std::exp(e * std::log1p(t * t / df)) * scaled / (2 * half);
}

// P(T > t) for integer df from the finite series of the t CDF (Abramowitz and Stegun 26.7.3
// and 26.7.4). It computes 1 − P(|T| < t), so it is used only where that is not tiny.
Real series_t_sf(Real t, int df) {
  const Real theta = std::atan(t / std::sqrt(static_cast<Real>(df)));
  const Real c2 = std::cos(theta) * std::cos(theta);
  Real inside;  // P(|T| < t)
  if (df % 2 == 0) {
    Real term = 1, sum = 1;
    for (int k = 2; k <= df - 2; k += 2) sum += term *= c2 * static_cast<Real>(k - 1) / k;
    inside = std::sin(theta) * sum;
  } else {
    Real term = std::cos(theta), sum = df > 1 ? term : 0;
    for (int k = 3; k <= df - 2; k += 2) sum += term *= c2 * static_cast<Real>(k - 1) / k;
    inside = 2 / kPi * (theta + std::sin(theta) * sum);
  }
  return (1 - inside) / 2;
}

}  // namespace

TEST_CASE("Student t tail matches a long-double quadrature of its density", "[backtest][t]") {
  const std::vector<double> dfs = {1,  1.5,  2,   3,    4.2,     7.5, 10,  17.3, 29.5,
                                   30, 55.5, 100, 1000, 12345.6, 1e5, 1e6, 3e6,  1e7};
  std::vector<double> ts = {0, 1e-6, 0.01, 0.1, 0.5, 1,  1.5, 1.96, 2,  2.5, 3, 4,
                            5, 6,    8,    10,  13,  17, 20,  25,   30, 35,  40};
  int points = 0;
  double worst = 0;
  for (double df : dfs) {
    std::vector<double> at = ts;
    // Where the large-df expansion hands over to the continued fraction (1 − x = 1/2).
    for (double k : {0.97, 1.0, 1.03})
      if (std::sqrt(df) * k <= 40) at.push_back(std::sqrt(df) * k);
    for (double t : at) {
      const Real reference = quadrature_t_sf(t, df);
      if (reference < 1e-300L) continue;
      INFO("t = " << t << ", df = " << df);
      const double e = relative_error(student_t_sf(t, df), reference);
      CHECK(e <= 1e-10);
      if (t > 0) CHECK(relative_error(student_t_sf(-t, df), 1 - reference) <= 1e-10);
      CHECK(relative_error(student_t_two_sided_p(t, df), 2 * reference) <= 1e-10);
      worst = std::max(worst, e);
      ++points;
    }
  }
  CHECK(points >= 400);
  INFO(points << " points, worst relative error " << worst);
  CHECK(worst <= 1e-12);
}

TEST_CASE("Student t tail matches the finite series for integer df", "[backtest][t]") {
  int points = 0;
  for (int df : {1, 2, 3, 4, 5, 6, 9, 30, 31, 1000}) {
    for (double t : {0.0, 0.05, 0.3, 1.0, 2.0, 2.7, 4.0, 6.0, 10.0, 40.0}) {
      const Real series = series_t_sf(t, df);
      if (series < 1e-5L) continue;  // 1 − P(|T| < t) has lost too many digits
      INFO("t = " << t << ", df = " << df);
      CHECK(relative_error(student_t_sf(t, df), series) <= 1e-10);
      // Also checks the quadrature the previous test relies on.
      CHECK(relative_error(static_cast<double>(quadrature_t_sf(t, df)), series) <= 1e-12);
      ++points;
    }
  }
  CHECK(points >= 60);
}

TEST_CASE("Student t with df 1 and 2 matches their closed forms", "[backtest][t]") {
  for (double t : {0.0, 1e-9, 0.2, 1.0, 3.0, 12.5, 40.0, 1e3, 1e4, -0.5, -7.0, -40.0}) {
    INFO("t = " << t);
    const Real tl = t;
    CHECK(relative_error(student_t_sf(t, 1), 0.5L - std::atan(tl) / kPi) <= 1e-12);
    CHECK(relative_error(student_t_sf(t, 2), 0.5L - tl / (2 * std::sqrt(tl * tl + 2))) <= 1e-12);
  }
}

TEST_CASE("Student t: textbook values, limits and undefined inputs", "[backtest][t]") {
  CHECK(student_t_sf(2.228138852, 10) == Approx(0.025).margin(1e-9));
  CHECK(student_t_two_sided_p(2.228138852, 10) == Approx(0.05).margin(1e-9));
  CHECK(student_t_sf(12.70620474, 1) == Approx(0.025).margin(1e-9));
  CHECK(student_t_sf(0, 7.5) == 0.5);
  CHECK(student_t_two_sided_p(0, 7.5) == 1.0);
  CHECK(student_t_sf(kInf, 3) == 0.0);
  CHECK(student_t_sf(-kInf, 3) == 1.0);
  CHECK(student_t_two_sided_p(-kInf, 3) == 0.0);
  for (auto [t, df] : {std::pair{kNaN, 3.0}, {1.0, kNaN}, {1.0, 0.0}, {1.0, -2.0}})
    CHECK((std::isnan(student_t_sf(t, df)) && std::isnan(student_t_two_sided_p(t, df))));
  // Far outside the range the backtester uses, still finite and right: t² overflows, df ~ 0.
  CHECK(relative_error(student_t_sf(1e200, 1), 1 / (kPi * 1e200L)) <= 1e-12);
  CHECK(student_t_sf(1e200, 1e300) == 0.0);
  CHECK(student_t_sf(1e300, 1.7e308) == 0.0);
  CHECK(student_t_sf(3.0, 1e-310) == Approx(0.5).margin(1e-12));
  // Infinite and huge df: the normal, 0.5·erfc(t/√2) in long double. A rounding of t moves the
  // tail by about t² times as much, hence tolerances that grow with t².
  for (double t : {0.3, 1.959963984540054, 5.0, 12.0, 37.0}) {
    INFO("t = " << t);
    const Real normal = std::erfc(static_cast<Real>(t) / std::sqrt(2.0L)) / 2;
    const double rounding = 1e-15 * (1 + t * t);
    CHECK(relative_error(student_t_sf(t, kInf), normal) <= rounding);
    CHECK(relative_error(student_t_two_sided_p(t, kInf), 2 * normal) <= rounding);
    CHECK(relative_error(student_t_sf(-t, kInf), 1 - normal) <= rounding);
    // The t tail exceeds the normal's, by a relative amount below (1 + t⁴)/df.
    for (double df : {1e12, 1e15, 1e100, 1e300}) {
      CHECK(relative_error(student_t_sf(t, df), normal) <= rounding + (1 + t * t * t * t) / df);
      CHECK(student_t_sf(t, df) >= static_cast<double>(normal) * (1 - rounding));
    }
  }
}

TEST_CASE("normal two-sided p is erfc of |z| over root 2", "[backtest][normal]") {
  CHECK(normal_two_sided_p(1.959963985) == Approx(0.05).margin(1e-9));
  CHECK(normal_two_sided_p(0) == 1.0);
  CHECK(normal_two_sided_p(kInf) == 0.0);
  CHECK(std::isnan(normal_two_sided_p(kNaN)));
  for (double z : {0.1, 1.0, 2.575829304, 6.0, 20.0, 37.5}) {
    const Real p = std::erfc(static_cast<Real>(z) / std::sqrt(2.0L));
    CHECK(relative_error(normal_two_sided_p(z), p) <= 1e-15 * (1 + z * z));
    CHECK(normal_two_sided_p(-z) == normal_two_sided_p(z));
  }
}

TEST_CASE("Wilson interval is the score formula", "[backtest][wilson]") {
  const auto check_formula = [](std::uint64_t hits, std::uint64_t n, double zd) {
    const Real nn = static_cast<Real>(n), p = static_cast<Real>(hits) / nn, z = zd;
    const Real center = p + z * z / (2 * nn);
    const Real half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
    const Real denominator = 1 + z * z / nn;
    const WilsonInterval w = wilson_interval(hits, n, zd);
    INFO(hits << " of " << n << ", z = " << zd);
    CHECK(w.lower == Approx(static_cast<double>((center - half) / denominator)).margin(1e-15));
    CHECK(w.upper == Approx(static_cast<double>((center + half) / denominator)).margin(1e-15));
    const double share = static_cast<double>(p);
    CHECK((0.0 <= w.lower && w.lower <= share && share <= w.upper && w.upper <= 1.0));
  };
  for (std::uint64_t n : {1, 2, 3, 7, 10, 29, 30, 100, 1000, 123457})
    for (std::uint64_t hits = 0; hits <= n; hits += 1 + n / 17) check_formula(hits, n, 1.96);
  for (double z : {1.0, 1.644853627, 2.575829304}) check_formula(3, 11, z);

  // Known 95 % intervals (z = 1.96).
  const WilsonInterval none = wilson_interval(0, 10), all = wilson_interval(10, 10);
  CHECK((none.lower == 0.0 && none.upper == Approx(0.2775).margin(1e-4)));
  CHECK((all.lower == Approx(0.7225).margin(1e-4) && all.upper == 1.0));
  const WilsonInterval half = wilson_interval(5, 10);
  CHECK((half.lower == Approx(0.2366).margin(1e-4) && half.upper == Approx(0.7634).margin(1e-4)));
  CHECK(half.lower + half.upper == Approx(1.0).margin(1e-15));
  const WilsonInterval empty = wilson_interval(0, 0);
  CHECK((std::isnan(empty.lower) && std::isnan(empty.upper)));
  CHECK(std::isnan(wilson_interval(11, 10).lower));
}

TEST_CASE("Benjamini-Hochberg q matches the quadratic-time definition", "[backtest][bh]") {
  // q_i = min over j with p_j >= p_i of min(1, m p_j / #{k : p_k <= p_j}); NaN out of m.
  const auto naive = [](const std::vector<double>& p) {
    std::vector<double> q(p.size(), kNaN);
    const double m = static_cast<double>(
        std::count_if(p.begin(), p.end(), [](double v) { return !std::isnan(v); }));
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::isnan(p[i])) continue;
      q[i] = 1.0;
      for (double pj : p) {
        if (std::isnan(pj) || pj < p[i]) continue;
        const auto rank = std::count_if(p.begin(), p.end(), [pj](double v) { return v <= pj; });
        q[i] = std::min(q[i], m * pj / static_cast<double>(rank));
      }
    }
    return q;
  };
  SplitMix64 rng{20240917};
  for (int round = 0; round < 200; ++round) {
    std::vector<double> p(static_cast<std::size_t>(rng.below(60)));
    const double pool[] = {0.001, 0.01, 0.02, 0.05, 0.2};  // ties
    for (double& v : p) {
      const int kind = rng.below(10);
      v = kind == 0 ? kNaN : kind <= 3 ? pool[rng.below(5)] : rng.uniform() * rng.uniform();
    }
    const std::vector<double> q = benjamini_hochberg(p), expected = naive(p);
    REQUIRE(q.size() == p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
      INFO("round " << round << ", p[" << i << "] = " << p[i]);
      if (std::isnan(expected[i])) {
        CHECK(std::isnan(q[i]));
      } else {
        CHECK(q[i] == Approx(expected[i]).margin(1e-12));
      }
    }
  }
  // By hand: m = 4, m·p/rank = 0.04, 0.06, 0.0533, 0.5 in p order.
  const std::vector<double> q = benjamini_hochberg(std::vector<double>{0.01, 0.04, 0.03, 0.5});
  CHECK(q[0] == Approx(0.04).margin(1e-15));
  CHECK((q[1] == Approx(4 * 0.04 / 3).margin(1e-15) && q[2] == q[1]));
  CHECK(q[3] == Approx(0.5).margin(1e-15));
  CHECK(benjamini_hochberg(std::vector<double>{0.9, 3.0})[1] == 1.0);
  CHECK(benjamini_hochberg(std::vector<double>{}).empty());
  CHECK(std::isnan(benjamini_hochberg(std::vector<double>{kNaN})[0]));
}

TEST_CASE("median, mean and std match naive loops", "[backtest][summary]") {
  SplitMix64 rng{7};
  for (int size : {0, 1, 2, 3, 4, 5, 10, 11, 100, 1001, 1000}) {
    for (int round = 0; round < 5; ++round) {
      std::vector<double> r(static_cast<std::size_t>(size));
      for (double& v : r)
        v = rng.below(4) == 0 ? 0.01 * rng.below(3) : 0.05 * (rng.uniform() - 0.45);
      const double threshold = round == 0 ? 0.0 : 0.01;
      const SampleSummary s = summarize(r, threshold);
      INFO("size " << size << ", round " << round);
      CHECK(s.n == r.size());
      CHECK(s.hits == static_cast<std::uint64_t>(std::count_if(
                          r.begin(), r.end(), [&](double v) { return v > threshold; })));
      const WilsonInterval w = wilson_interval(s.hits, s.n);
      if (size == 0) {
        CHECK((std::isnan(s.mean) && std::isnan(s.median) && std::isnan(s.stddev)));
        CHECK(std::isnan(s.hit_rate.lower));
        continue;
      }
      CHECK((s.hit_rate.lower == w.lower && s.hit_rate.upper == w.upper));
      std::vector<double> sorted = r;
      std::sort(sorted.begin(), sorted.end());
      const std::size_t n = sorted.size();
      const Real median =
          n % 2 ? sorted[n / 2] : (static_cast<Real>(sorted[n / 2 - 1]) + sorted[n / 2]) / 2;
      Real sum = 0;
      for (double v : r) sum += v;
      const Real mean = sum / static_cast<Real>(n);
      Real squares = 0;
      for (double v : r) squares += (v - mean) * (v - mean);
      CHECK(s.median == Approx(static_cast<double>(median)).epsilon(1e-12).margin(1e-300));
      CHECK(s.mean == Approx(static_cast<double>(mean)).epsilon(1e-12).margin(1e-17));
      if (n < 2) {
        CHECK(std::isnan(s.stddev));
      } else {
        CHECK(s.stddev == Approx(static_cast<double>(std::sqrt(squares / static_cast<Real>(n - 1))))
                              .epsilon(1e-12));
      }
      std::vector<double> copy = r;
      CHECK(exact_median(copy) == s.median);
    }
  }
  const auto median_of = [](std::vector<double> v) { return exact_median(v); };
  CHECK(median_of({4, 1, 3, 2}) == 2.5);
  CHECK(median_of({5, -1, 3}) == 3);
  CHECK(std::isnan(median_of({1, kNaN, 2})));
  CHECK(std::isnan(median_of({})));
  // Deterministic: the same returns give the same bits.
  const std::vector<double> r = {0.1, 0.2, 0.3, -0.05, 1e-3};
  CHECK(summarize(r, 0).mean == ((((0.1 + 0.2) + 0.3) + -0.05) + 1e-3) / 5);
}

TEST_CASE("exact_median equals the sorted middle on large inputs: ties, outliers, extremes",
          "[backtest][summary]") {
  SplitMix64 rng{11};
  auto draw = [&](int shape) {
    switch (shape) {
      case 0:  // returns: small, many exact zeros of both signs
        return rng.below(4) == 0 ? (rng.below(2) == 0 ? 0.0 : -0.0) : 0.05 * (rng.uniform() - 0.5);
      case 1:  // a handful of values, ties everywhere
        return static_cast<double>(rng.below(5)) - 2;
      case 2:  // one far outlier
        return rng.below(5000) == 0 ? 1e300 : rng.uniform();
      case 3:  // a range wider than any double
        return rng.below(2) == 0 ? -1e308 : 1e308 * rng.uniform();
      default:
        return 7.0;  // all equal
    }
  };
  for (const std::size_t size : {4095, 4096, 4097, 10000, 10001, 65537}) {
    for (int shape = 0; shape < 5; ++shape) {
      std::vector<double> v(size);
      for (double& x : v) x = draw(shape);
      std::vector<double> sorted = v;
      std::sort(sorted.begin(), sorted.end());
      const double want =
          size % 2 ? sorted[size / 2] : std::midpoint(sorted[size / 2 - 1], sorted[size / 2]);
      INFO("size " << size << ", shape " << shape);
      CHECK(exact_median(v) == want);
    }
  }
}

TEST_CASE("overlap thinning keeps events h or more bars apart", "[backtest][thin]") {
  using V = std::vector<std::int64_t>;
  using K = std::vector<std::size_t>;
  CHECK(thin_overlapping(V{0, 1, 2, 5, 6, 10}, 5) == K{0, 3, 5});
  CHECK(thin_overlapping(V{0, 1, 2, 5, 6, 10}, 1) == K{0, 1, 2, 3, 4, 5});
  CHECK(thin_overlapping(V{3, 3, 3, 4}, 1) == K{0, 3});
  CHECK(thin_overlapping(V{3, 3, 4}, 0) == K{0, 1, 2});
  CHECK(thin_overlapping(V{7, 8, 9, 10, 11}, 2) == K{0, 2, 4});
  CHECK(thin_overlapping(V{}, 5).empty());
  constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max(), lo = -hi - 1;
  CHECK(thin_overlapping(V{lo, 0, hi - 1, hi}, 5) == K{0, 1, 2});

  SplitMix64 rng{99};
  for (int round = 0; round < 300; ++round) {
    V bars(static_cast<std::size_t>(rng.below(80)));
    std::int64_t at = rng.below(100) - 50;
    for (auto& b : bars) b = at += rng.below(4);
    const int h = rng.below(12);
    K expected;
    std::optional<std::int64_t> last;
    for (std::size_t i = 0; i < bars.size(); ++i) {
      if (!last || bars[i] - *last >= h) {
        expected.push_back(i);
        last = bars[i];
      }
    }
    INFO("round " << round << ", h = " << h);
    CHECK(thin_overlapping(bars, h) == expected);
  }
}

TEST_CASE("Welch t test is the formula, with Welch-Satterthwaite df", "[backtest][welch]") {
  struct Case {
    double ma, sa;
    std::uint64_t na;
    double mb, sb;
    std::uint64_t nb;
  };
  for (const Case& c : {Case{0.012, 0.03, 40, 0.001, 0.02, 5000}, Case{-0.4, 2.5, 2, 0.3, 0.1, 3},
                        Case{1.0, 1.0, 10, 1.0, 3.0, 12}, Case{0.002, 0.0, 30, 0.0, 0.01, 250}}) {
    const Real va = static_cast<Real>(c.sa) * c.sa / c.na,
               vb = static_cast<Real>(c.sb) * c.sb / c.nb;
    const Real t = (static_cast<Real>(c.ma) - c.mb) / std::sqrt(va + vb);
    const Real df = (va + vb) * (va + vb) / (va * va / (c.na - 1) + vb * vb / (c.nb - 1));
    const WelchResult w = welch_test(c.ma, c.sa, c.na, c.mb, c.sb, c.nb);
    INFO("means " << c.ma << ", " << c.mb);
    CHECK(w.t == Approx(static_cast<double>(t)).epsilon(1e-13).margin(1e-300));
    CHECK(w.df == Approx(static_cast<double>(df)).epsilon(1e-13));
    const Real tail = quadrature_t_sf(std::fabs(static_cast<Real>(w.t)), w.df);
    CHECK(relative_error(w.p, 2 * tail) <= 1e-10);
  }
  // One sample without spread: df is the other's n − 1.
  CHECK(welch_test(0.5, 0.0, 30, 0.0, 0.2, 250).df == Approx(249).epsilon(1e-14));
  const WelchResult same = welch_test(0.01, 0.02, 50, 0.01, 0.02, 50);
  CHECK((same.t == 0.0 && same.p == 1.0));
  CHECK(same.df == Approx(98).epsilon(1e-14));
  for (const WelchResult& w :
       {welch_test(0.1, 0.2, 1, 0.0, 0.2, 50), welch_test(0.1, 0.2, 50, 0.0, 0.2, 0),
        welch_test(0.1, 0.0, 50, 0.0, 0.0, 50)})
    CHECK((std::isnan(w.t) && std::isnan(w.df) && std::isnan(w.p)));
}

TEST_CASE("hit test is the binomial z against the baseline share", "[backtest][hit]") {
  struct Case {
    std::uint64_t hits, n;
    double p0;
  };
  for (const Case& c :
       {Case{18, 30, 0.52}, Case{3, 40, 0.5}, Case{700, 1000, 0.71}, Case{0, 5, 0.2}}) {
    const Real n = static_cast<Real>(c.n);
    const Real z = (static_cast<Real>(c.hits) - n * c.p0) / std::sqrt(n * c.p0 * (1 - c.p0));
    const HitTest h = hit_test(c.hits, c.n, c.p0);
    CHECK(h.z == Approx(static_cast<double>(z)).epsilon(1e-13));
    CHECK(relative_error(h.p, std::erfc(std::fabs(z) / std::sqrt(2.0L))) <= 1e-13);
  }
  // Exactly the expected hits: z = 0, p = 1.
  CHECK((hit_test(15, 30, 0.5).z == 0.0 && hit_test(15, 30, 0.5).p == 1.0));
  for (const HitTest& h : {hit_test(1, 0, 0.5), hit_test(5, 4, 0.5), hit_test(2, 4, 0.0),
                           hit_test(2, 4, 1.0), hit_test(2, 4, kNaN)})
    CHECK((std::isnan(h.z) && std::isnan(h.p)));
}
