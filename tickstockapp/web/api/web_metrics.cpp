// WebMetrics and the Prometheus text writer.
#include "web/api/web_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "web/api/api.h"

namespace tickstock::app {
namespace {

// A disconnect reason as a label: lower-case letters and '_' only.
bool plain_word(std::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

void append_label_value(std::string& out, std::string_view v) {
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<long long>(v));
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    out += buf;
  }
}

}  // namespace

void PromText::header(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PromText::sample(std::string_view name, const Labels& labels, double value) {
  out_.append(name);
  if (!labels.empty()) {
    out_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out_ += ',';
      out_.append(labels[i].first).append("=\"");
      append_label_value(out_, labels[i].second);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  append_value(out_, value);
  out_ += '\n';
}

void PromText::single(std::string_view name, std::string_view type, std::string_view help,
                      double value) {
  header(name, type, help);
  sample(name, value);
}

std::string_view method_label(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == m) return m;
  return "other";
}

std::string_view route_label(std::string_view route) {
  for (std::string_view r : {"/health", "/ready", "/metrics", "/ws", "static"})
    if (route == r) return r;
  for (const Route& r : api_routes())
    if (route == r.pattern) return r.pattern;
  return "unmatched";
}

void WebMetrics::record_request(std::string_view route, std::string_view method, int status,
                                double seconds) {
  const std::string_view r = route_label(route);
  if (status < 100 || status > 599) status = 0;
  std::lock_guard lock(mu_);
  ++requests_[{r, method_label(method)}][status];
  Latency& l = latency_[r];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++l.buckets[i];
  ++l.count;
  l.sum += seconds;
}

void WebMetrics::ws_connected() {
  ws_clients_.fetch_add(1);
  ws_connections_.fetch_add(1);
}

void WebMetrics::ws_disconnected(std::string_view reason) {
  ws_clients_.fetch_sub(1);
  std::lock_guard lock(mu_);
  if (!plain_word(reason) ||
      (disconnects_.size() >= kMaxReasons && disconnects_.count(std::string(reason)) == 0))
    reason = "other";
  ++disconnects_[std::string(reason)];
}

void WebMetrics::render(PromText& out) const {
  std::lock_guard lock(mu_);
  out.header("tickstock_http_requests_total", "counter",
             "HTTP requests answered, by route, method and status");
  for (const auto& [key, by_status] : requests_)
    for (const auto& [status, n] : by_status)
      out.sample("tickstock_http_requests_total",
                 {{"route", std::string(key.first)},
                  {"method", std::string(key.second)},
                  {"status", std::to_string(status)}},
                 static_cast<double>(n));
  out.header("tickstock_http_request_duration_seconds", "histogram",
             "Time from a request's arrival to its response, by route");
  for (const auto& [route, l] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out.sample("tickstock_http_request_duration_seconds_bucket",
                 {{"route", std::string(route)}, {"le", le}}, static_cast<double>(l.buckets[i]));
    }
    out.sample("tickstock_http_request_duration_seconds_bucket",
               {{"route", std::string(route)}, {"le", "+Inf"}}, static_cast<double>(l.count));
    out.sample("tickstock_http_request_duration_seconds_sum", {{"route", std::string(route)}},
               l.sum);
    out.sample("tickstock_http_request_duration_seconds_count", {{"route", std::string(route)}},
               static_cast<double>(l.count));
  }
  out.single("tickstock_http_rate_limited_total", "counter", "Requests refused with 429",
             static_cast<double>(rate_limited.load()));
  out.single("tickstock_auth_failed_logins_total", "counter", "Logins refused (bad credentials)",
             static_cast<double>(logins_failed.load()));
  out.single("tickstock_auth_locked_logins_total", "counter",
             "Logins refused because the account was locked",
             static_cast<double>(logins_locked.load()));
  out.single("tickstock_auth_password_checks_total", "counter",
             "Password verifications made (one per login or password change, known user or not)",
             static_cast<double>(password_checks.load()));
  out.single("tickstock_ws_clients", "gauge", "Connected WebSocket clients",
             static_cast<double>(ws_clients_.load()));
  out.single("tickstock_ws_connections_total", "counter", "WebSocket connections accepted",
             static_cast<double>(ws_connections_.load()));
  out.single("tickstock_ws_alerts_total", "counter", "Pattern alerts sent to connections",
             static_cast<double>(ws_alerts.load()));
  out.single("tickstock_alerts_not_stored_total", "counter",
             "Alerts that could not be kept in the alert history",
             static_cast<double>(alerts_not_stored.load()));
  out.single("tickstock_alerts_refused_total", "counter",
             "Alerts the database refused one by one (left out of their batch; logged)",
             static_cast<double>(alerts_refused.load()));
  out.single("tickstock_alerts_queue_overflow_total", "counter",
             "Alerts not stored because the alert store's queue was full",
             static_cast<double>(alerts_queue_overflow.load()));
  out.header("tickstock_ws_disconnects_total", "counter", "WebSocket disconnects, by reason");
  for (const auto& [reason, n] : disconnects_)
    out.sample("tickstock_ws_disconnects_total", {{"reason", reason}}, static_cast<double>(n));
}

}  // namespace tickstock::app
