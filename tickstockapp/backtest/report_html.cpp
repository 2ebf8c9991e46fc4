#include "backtest/report_html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <openssl/evp.h>
#include <set>

#include <fmt/format.h>

#include "tickstock/calendar.h"

#include "backtest/equity_chart.h"

namespace tickstock::app {
namespace {

constexpr const char* kStyle =
    "body{margin:0;padding:1rem 1.2rem;background:#0f141a;color:#d8dee6;"
    "font:14px 'DejaVu Sans',system-ui,sans-serif}h1{font-size:1.3rem;margin:.2rem 0}"
    "h2{font-size:1.05rem;margin:1.4rem 0 .6rem}section{background:#17202a;border-radius:6px;"
    "padding:.6rem .9rem;margin-bottom:1rem}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #24303c}"
    "th{color:#8795a5;font-weight:normal}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums}.up{color:#26a69a}.down{color:#ef5350}"
    ".muted{color:#8795a5}.q{background:#5b4a16;color:#f0d27a;border-radius:.6rem;"
    "padding:0 .35rem;margin-left:.2rem;font-size:.75rem}.scroll{overflow:auto;max-height:32rem}"
    "table.sortable th{cursor:pointer}th.sorted{color:#d8dee6}.warn{color:#f0b429}"
    "svg.equity text{fill:#8795a5;font-size:12px}.figures th{width:40%}"
    ".p1{background:#1a3a38}.p2{background:#1d4d48}.p3{background:#206058}.p4{background:#237468}"
    ".p5{background:#268878}.m1{background:#3a2224}.m2{background:#52292a}.m3{background:#6a3030}"
    ".m4{background:#823636}.m5{background:#9a3d3c}";

// Sorts a table by the clicked header: numbers by data-v, text otherwise; again: descending.
constexpr const char* kScript =
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),d=th.dataset.dir==='a'?-1:1;"
    "t.querySelectorAll('th').forEach(function(x){x.classList.remove('sorted');delete "
    "x.dataset.dir;});"
    "th.classList.add('sorted');th.dataset.dir=d>0?'a':'d';"
    "rows.sort(function(p,q){var x=p.cells[i],y=q.cells[i],"
    "u=x.dataset.v===undefined?x.textContent:Number(x.dataset.v),"
    "v=y.dataset.v===undefined?y.textContent:Number(y.dataset.v);"
    "if(typeof u==='number'&&isNaN(u))return 1;if(typeof v==='number'&&isNaN(v))return -1;"
    "return (u<v?-1:u>v?1:0)*d;});rows.forEach(function(r){b.appendChild(r);});});});});";

std::string esc(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string pct(double x, int digits = 2) {
  return std::isfinite(x) ? fmt::format("{:.{}f}%", 100 * x, digits) : "–";
}
std::string num(double x, int digits = 2) {
  return std::isfinite(x) ? fmt::format("{:.{}f}", x, digits) : "–";
}
// A numeric cell that sorts by its value (NaN last).
std::string cell(double v, const std::string& text, const char* cls = "n") {
  return fmt::format(R"(<td class="{}" data-v="{}">{}</td>)", cls,
                     std::isfinite(v) ? fmt::format("{}", v) : "NaN", text);
}
std::string q_badge(double q) {
  if (!std::isfinite(q) || q > 0.1) return "";
  return fmt::format(R"(<span class="q" title="q = {}">{}</span>)", q,
                     q <= 0.01   ? "***"
                     : q <= 0.05 ? "**"
                                 : "*");
}
const char* side_class(SignalSide s) {
  return s == SignalSide::Bullish ? "up" : s == SignalSide::Bearish ? "down" : "muted";
}

std::string sha256_base64(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(n));
}

std::string params_section(const BacktestReport& r) {
  const BacktestOptions& o = r.options;
  std::string symbols, tfs, horizons;
  for (const auto& s : o.symbols) symbols += (symbols.empty() ? "" : ", ") + s;
  for (const auto tf : o.timeframes)
    tfs += (tfs.empty() ? "" : ", ") + std::string(timeframe_name(tf));
  for (const int h : o.horizons) horizons += (horizons.empty() ? "" : ", ") + std::to_string(h);
  std::string rows;
  auto row = [&](const char* k, const std::string& v) {
    rows += fmt::format("<tr><th>{}</th><td>{}</td></tr>", k, esc(v));
  };
  row("Symbols", symbols);
  row("Range", format_date(new_york_date(o.start)) + " – " + format_date(new_york_date(o.end)));
  row("Timeframes", tfs);
  row("Horizons (bars)", horizons);
  row("Patterns", o.patterns.empty() ? "all 61" : std::to_string(o.patterns.size()));
  row("Entry", o.entry == EntryPrice::NextOpen ? "next bar's open" : "signal bar's close");
  row("Hit", o.hit_threshold == HitThreshold::Zero ? "r > 0" : "r > round-trip cost");
  row("Bars read", std::to_string(r.bars_read));
  row("Data fingerprint (sha256)", r.fingerprint);
  row("Engine", std::string(engine_version()) + " (" + std::string(engine_commit()) + ")");
  return "<section><h2>Parameters</h2><table class=\"figures\">" + rows + "</table></section>";
}

std::string summary_section(const BacktestReport& r) {
  std::size_t significant = 0;
  for (const StatCell& c : r.stats) significant += c.significant ? 1 : 0;
  std::string warnings;
  for (const auto& w : r.warnings) warnings += "<li>" + esc(w) + "</li>";
  return fmt::format(
      "<section><h2>Summary</h2><p>{} signals in {} cells; {} cells tested (n_eff ≥ 30), {} "
      "significant at q ≤ 0.10 (Benjamini–Hochberg). By chance alone about {:.0f} of the tested "
      "cells would show p &lt; 0.05: read q, not p.</p>{}</section>",
      r.events, r.stats.size(), r.tests, significant, 0.05 * static_cast<double>(r.tests),
      warnings.empty() ? "" : "<ul class=\"warn\">" + warnings + "</ul>");
}

std::string strategy_section(const BacktestReport& r) {
  if (!r.strategy) return "";
  const StrategyReport& s = *r.strategy;
  std::string rows;
  for (const auto& [k, v] : {std::pair{"Final equity", num(s.metrics.final_equity)},
                             {"Return", pct(s.metrics.total_return)},
                             {"Buy and hold", pct(s.benchmark.total_return)},
                             {"Max drawdown", pct(s.metrics.max_drawdown)},
                             {"Sharpe", num(s.metrics.sharpe)},
                             {"Sortino", num(s.metrics.sortino)},
                             {"Trades", std::to_string(s.trades)},
                             {"Win rate", pct(s.win_rate, 1)},
                             {"Fees", num(s.fees)}})
    rows += fmt::format("<tr><th>{}</th><td class=\"n\">{}</td></tr>", k, v);
  return "<section><h2>Strategy: equity and drawdown</h2>" + equity_svg(s.equity_daily) +
         "<table class=\"figures\">" + rows + "</table></section>";
}

std::string cells_section(const BacktestReport& r) {
  std::string rows;
  for (const StatCell& c : r.stats) {
    if (c.symbol != "ALL") continue;
    rows += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td>{}{}{}{}{}{}{}{}</tr>",
                        pattern_info(c.pattern).talib_name, side_class(c.side),
                        signal_side_name(c.side), timeframe_name(c.timeframe),
                        cell(c.horizon, std::to_string(c.horizon)),
                        cell(static_cast<double>(c.n), std::to_string(c.n)),
                        cell(static_cast<double>(c.n_eff), std::to_string(c.n_eff)),
                        cell(c.hit_rate, pct(c.hit_rate, 1)), cell(c.mean, pct(c.mean)),
                        cell(c.excess, pct(c.excess),
                             c.excess > 0   ? "n up"
                             : c.excess < 0 ? "n down"
                                            : "n"),
                        cell(c.welch_t, num(c.welch_t)), cell(c.q, num(c.q, 3) + q_badge(c.q)));
  }
  return "<section><h2>Pooled cells (every symbol)</h2><p class=\"muted\">Click a header to "
         "sort. q badges: * ≤ 0.10, ** ≤ 0.05, *** ≤ 0.01.</p><div class=\"scroll\"><table "
         "class=\"sortable\" id=\"cells\"><thead><tr><th>Pattern</th><th>Direction</th>"
         "<th>TF</th><th class=\"n\">h</th><th class=\"n\">n</th><th class=\"n\">n eff</th>"
         "<th class=\"n\">Hit rate</th><th class=\"n\">Mean</th><th class=\"n\">Excess</th>"
         "<th class=\"n\">t</th><th class=\"n\">q</th></tr></thead><tbody>" +
         rows + "</tbody></table></div></section>";
}

std::string heat_section(const BacktestReport& r) {
  std::string out = "<section><h2>Excess return by pattern and horizon (pooled)</h2>";
  for (const Timeframe tf : r.options.timeframes) {
    std::map<std::pair<std::string, SignalSide>, std::map<int, const StatCell*>> grid;
    double scale = 1e-12;
    for (const StatCell& c : r.stats) {
      if (c.symbol != "ALL" || c.timeframe != tf || c.n_eff < 5 || !std::isfinite(c.excess))
        continue;
      grid[{std::string(pattern_info(c.pattern).talib_name), c.side}][c.horizon] = &c;
      scale = std::max(scale, std::fabs(c.excess));
    }
    if (grid.empty()) continue;
    std::string head = fmt::format("<tr><th>Pattern ({})</th>", timeframe_name(tf));
    for (const int h : r.options.horizons) head += fmt::format("<th class=\"n\">h {}</th>", h);
    std::string rows;
    for (const auto& [key, by_h] : grid) {
      rows += fmt::format("<tr><td>{} <span class=\"{}\">{}</span></td>", key.first,
                          side_class(key.second), signal_side_name(key.second));
      for (const int h : r.options.horizons) {
        const auto it = by_h.find(h);
        if (it == by_h.end()) {
          rows += "<td class=\"n muted\">–</td>";
          continue;
        }
        const StatCell& c = *it->second;
        // Five shades each way, as classes: the page's CSP allows no style attributes.
        const int level = 1 + std::min(4, static_cast<int>(5 * std::fabs(c.excess) / scale));
        rows += fmt::format("<td class=\"n {}{}\">{}{}</td>", c.excess >= 0 ? "p" : "m", level,
                            pct(c.excess), q_badge(c.q));
      }
      rows += "</tr>";
    }
    out += "<div class=\"scroll\"><table><thead>" + head + "</tr></thead><tbody>" + rows +
           "</tbody></table></div>";
  }
  return out + "</section>";
}

std::string calibration_section(const BacktestReport& r) {
  std::string rows;
  for (const CalibrationBin& b : r.calibration) {
    if (b.pattern) continue;
    rows += fmt::format(
        "<tr><td>{}</td><td>{:.1f}–{:.1f}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        timeframe_name(b.timeframe), b.bin / 5.0, (b.bin + 1) / 5.0, b.n, pct(b.hit_rate, 1),
        num(b.mean_confidence), num(b.brier, 3));
  }
  return fmt::format(
      "<section><h2>Does confidence mean something? Calibration at {} bars</h2><table><thead>"
      "<tr><th>TF</th><th>Confidence</th><th class=\"n\">Events</th><th class=\"n\">Hit "
      "rate</th><th class=\"n\">Mean confidence</th><th class=\"n\">Brier</th></tr></thead>"
      "<tbody>{}</tbody></table></section>",
      r.calibration_horizon, rows);
}

}  // namespace

std::string report_html(const BacktestReport& r) {
  std::string symbols;
  for (const auto& s : r.options.symbols) symbols += (symbols.empty() ? "" : ", ") + s;
  return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
         "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Backtest: " +
         esc(symbols.substr(0, 80)) + "</title><style>" + kStyle +
         "</style></head><body><h1>Which patterns worked</h1>" + params_section(r) +
         summary_section(r) + strategy_section(r) + cells_section(r) + heat_section(r) +
         calibration_section(r) + "<script>" + kScript + "</script></body></html>\n";
}

const std::string& report_csp() {
  static const std::string csp = "default-src 'none'; style-src 'sha256-" + sha256_base64(kStyle) +
                                 "'; script-src 'sha256-" + sha256_base64(kScript) +
                                 "'; img-src data:; frame-ancestors 'none'; base-uri 'none'";
  return csp;
}

}  // namespace tickstock::app
