// Both renderings map the same points the same way: x by index (trading dates, no weekend
// gaps), equity and buy and hold on one scale in the upper 72 %, the drawdown (0 at the top,
// the worst at the bottom) in the lower 20 %.
#include "backtest/equity_chart.h"

#include <algorithm>
#include <cairo.h>
#include <cmath>

#include <fmt/format.h>

#include "tickstock/calendar.h"

namespace tickstock::app {
namespace {

struct Frame {
  double width = 1000, height = 420;
  double left = 70, right = 12, top = 12;
  double price_bottom = 300, dd_top = 322, dd_bottom = 396;
  double lo = 0, hi = 1, worst = 0;
  std::size_t n = 0;

  double x(std::size_t i) const {
    return left + (width - left - right) * static_cast<double>(i) / static_cast<double>(n - 1);
  }
  double y(double v) const { return top + (price_bottom - top) * (hi - v) / (hi - lo); }
  double y_dd(double d) const {
    return dd_top + (dd_bottom - dd_top) * (worst > 0 ? d / worst : 0);
  }
};

Frame frame_of(const std::vector<EquityPoint>& p, double width, double height) {
  Frame f;
  f.n = p.size();
  f.width = width;
  const double k = height / f.height;
  f.height = height;
  f.top *= k;
  f.price_bottom *= k;
  f.dd_top *= k;
  f.dd_bottom *= k;
  f.lo = f.hi = p.front().equity;
  for (const EquityPoint& e : p) {
    for (const double v : {e.equity, e.benchmark}) {
      if (!std::isfinite(v)) continue;
      f.lo = std::min(f.lo, v);
      f.hi = std::max(f.hi, v);
    }
    if (std::isfinite(e.drawdown)) f.worst = std::max(f.worst, e.drawdown);
  }
  if (f.hi - f.lo < 1e-9 * std::max(1.0, std::fabs(f.hi))) f.hi = f.lo + 1;
  const double pad = (f.hi - f.lo) * 0.05;
  f.lo -= pad;
  f.hi += pad;
  return f;
}

std::string date_of(Timestamp t) { return format_date(new_york_date(t)); }

std::string polyline(const Frame& f, const std::vector<EquityPoint>& p, double EquityPoint::*v,
                     const char* color, double width) {
  std::string pts;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (std::isfinite(p[i].*v)) pts += fmt::format("{:.1f},{:.1f} ", f.x(i), f.y(p[i].*v));
  return fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="{}" points="{}"/>)", color,
                     width, pts);
}

}  // namespace

std::string equity_svg(const std::vector<EquityPoint>& p) {
  if (p.size() < 2) return "";
  const Frame f = frame_of(p, 1000, 420);
  std::string s = R"(<svg class="equity" viewBox="0 0 1000 420" width="100%" role="img" )"
                  R"(aria-label="equity, buy and hold and drawdown" )"
                  R"(xmlns="http://www.w3.org/2000/svg">)";
  for (int g = 0; g <= 4; ++g) {  // price grid with labels
    const double v = f.lo + (f.hi - f.lo) * g / 4;
    s += fmt::format(R"(<line x1="{:.0f}" x2="{:.0f}" y1="{:.1f}" y2="{:.1f}" stroke="#24303c"/>)",
                     f.left, f.width - f.right, f.y(v), f.y(v));
    s += fmt::format(R"(<text x="{:.0f}" y="{:.1f}" text-anchor="end">{:.0f}</text>)", f.left - 6,
                     f.y(v) + 4, v);
  }
  s += polyline(f, p, &EquityPoint::benchmark, "#8795a5", 1.2);
  s += polyline(f, p, &EquityPoint::equity, "#4c9aff", 2);
  std::string area = fmt::format("{:.1f},{:.1f} ", f.x(0), f.dd_top);
  for (std::size_t i = 0; i < p.size(); ++i)
    area += fmt::format("{:.1f},{:.1f} ", f.x(i),
                        f.y_dd(std::isfinite(p[i].drawdown) ? p[i].drawdown : 0));
  area += fmt::format("{:.1f},{:.1f}", f.x(p.size() - 1), f.dd_top);
  s += fmt::format(R"svg(<polygon fill="rgba(239,83,80,.45)" stroke="#ef5350" points="{}"/>)svg",
                   area);
  s += fmt::format(R"(<text x="{:.0f}" y="{:.1f}" text-anchor="end">0 %</text>)", f.left - 6,
                   f.dd_top + 4);
  s += fmt::format(R"(<text x="{:.0f}" y="{:.1f}" text-anchor="end">-{:.1f} %</text>)", f.left - 6,
                   f.dd_bottom, 100 * f.worst);
  s += fmt::format(R"(<text x="{:.0f}" y="{:.0f}">{}</text>)", f.left, f.height - 4,
                   date_of(p.front().bar));
  s += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" text-anchor="end">{}</text>)", f.width - f.right,
                   f.height - 4, date_of(p.back().bar));
  s += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" fill="#4c9aff">equity</text>)", f.left + 8,
                   f.top + 14);
  s += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" fill="#8795a5">buy and hold</text>)", f.left + 70,
                   f.top + 14);
  s += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" fill="#ef5350">drawdown</text>)", f.left + 8,
                   f.dd_top + 14);
  return s + "</svg>";
}

Result<void> write_equity_png(const std::vector<EquityPoint>& p, const std::string& path) {
  if (p.size() < 2) return fail(path, ": fewer than 2 equity points");
  const Frame f = frame_of(p, 1200, 600);
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1200, 600);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0x17 / 255.0, 0x20 / 255.0, 0x2a / 255.0);
  cairo_paint(cr);
  auto line = [&](double EquityPoint::*v, double r, double g, double b, double w) {
    bool started = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!std::isfinite(p[i].*v)) continue;
      if (started) {
        cairo_line_to(cr, f.x(i), f.y(p[i].*v));
      } else {
        cairo_move_to(cr, f.x(i), f.y(p[i].*v));
        started = true;
      }
    }
    cairo_set_source_rgb(cr, r, g, b);
    cairo_set_line_width(cr, w);
    cairo_stroke(cr);
  };
  cairo_set_source_rgb(cr, 0x24 / 255.0, 0x30 / 255.0, 0x3c / 255.0);
  cairo_set_line_width(cr, 1);
  for (int g = 0; g <= 4; ++g) {
    const double y = f.y(f.lo + (f.hi - f.lo) * g / 4);
    cairo_move_to(cr, f.left, y);
    cairo_line_to(cr, f.width - f.right, y);
  }
  cairo_stroke(cr);
  line(&EquityPoint::benchmark, 0x87 / 255.0, 0x95 / 255.0, 0xa5 / 255.0, 1.5);
  line(&EquityPoint::equity, 0x4c / 255.0, 0x9a / 255.0, 1.0, 2.5);
  cairo_move_to(cr, f.x(0), f.dd_top);
  for (std::size_t i = 0; i < p.size(); ++i)
    cairo_line_to(cr, f.x(i), f.y_dd(std::isfinite(p[i].drawdown) ? p[i].drawdown : 0));
  cairo_line_to(cr, f.x(p.size() - 1), f.dd_top);
  cairo_close_path(cr);
  cairo_set_source_rgba(cr, 0xef / 255.0, 0x53 / 255.0, 0x50 / 255.0, 0.55);
  cairo_fill(cr);
  // Labels: the price grid, the dates at both ends, the worst drawdown and a legend.
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 13);
  auto text = [&](double x, double y, const std::string& t, bool right, double r, double g,
                  double b) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, t.c_str(), &e);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_move_to(cr, right ? x - e.x_advance : x, y);
    cairo_show_text(cr, t.c_str());
  };
  const double grey = 0x87 / 255.0;
  for (int g = 0; g <= 4; ++g) {
    const double v = f.lo + (f.hi - f.lo) * g / 4;
    text(f.left - 6, f.y(v) + 4, fmt::format("{:.0f}", v), true, grey, grey, grey);
  }
  text(f.left - 6, f.dd_top + 4, "0 %", true, grey, grey, grey);
  text(f.left - 6, f.dd_bottom, fmt::format("-{:.1f} %", 100 * f.worst), true, grey, grey, grey);
  text(f.left, f.height - 6, date_of(p.front().bar), false, grey, grey, grey);
  text(f.width - f.right, f.height - 6, date_of(p.back().bar), true, grey, grey, grey);
  text(f.left + 10, f.top + 18, "equity", false, 0x4c / 255.0, 0x9a / 255.0, 1.0);
  text(f.left + 80, f.top + 18, "buy and hold", false, grey, grey, grey);
  text(f.left + 10, f.dd_top + 18, "drawdown", false, 0xef / 255.0, 0x53 / 255.0, 0x50 / 255.0);
  cairo_destroy(cr);
  const cairo_status_t status = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return fail(path, ": ", cairo_status_to_string(status));
  return {};
}

}  // namespace tickstock::app
