// WebEventSink: a vector under a mutex, swapped out whole by the consumer.
#include "web/live/web_event_sink.h"

namespace tickstock::app {
namespace {

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void WebEventSink::push(const WebEvent& e, bool important) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (buf_.size() >= (important ? 2 * capacity_ : capacity_)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    buf_.push_back(e);
    buf_.back().emitted_us = wall_us();
    if (!deferred_) signalled_ = true;
    wake = waiting_ && !deferred_;
    if (wake) waiting_ = false;
  }
  accepted_.fetch_add(1, std::memory_order_relaxed);
  if (wake) ready_.notify_one();
}

void WebEventSink::publish() {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (buf_.empty()) return;
    signalled_ = true;
    wake = waiting_;
    waiting_ = false;
  }
  if (wake) ready_.notify_one();
}

void WebEventSink::on_bar(const Bar& bar) {
  WebEvent e;
  e.kind = WebEvent::Kind::kBar;
  e.bar = bar;
  push(e, false);
}

void WebEventSink::on_scan(const ScanResult& r) {
  WebEvent e;
  e.kind = WebEvent::Kind::kScan;
  e.bar = r.bar;
  e.values = r.values;
  push(e, false);
}

void WebEventSink::on_pattern(const PatternEvent& p) {
  WebEvent e;
  e.kind = WebEvent::Kind::kPattern;
  e.bar.symbol = p.symbol;
  e.bar.timeframe = p.timeframe;
  e.bar.start = p.bar_start;
  e.pattern = p;
  push(e, true);
}

void WebEventSink::on_alert(const AlertEvent& a) {
  WebEvent e;
  e.kind = WebEvent::Kind::kAlert;
  e.bar.symbol = a.symbol;
  e.bar.timeframe = a.timeframe;
  e.bar.start = a.bar_start;
  e.alert = a;
  push(e, true);
}

bool WebEventSink::take(std::vector<WebEvent>& out, std::chrono::milliseconds wait) {
  out.clear();
  std::unique_lock lock(mu_);
  if (!signalled_ && !closed_) {
    waiting_ = true;
    ready_.wait_for(lock, wait, [&] { return signalled_ || closed_; });
    waiting_ = false;
  }
  // On a timeout, whatever is buffered is taken anyway (nothing waits for a publish() forever).
  signalled_ = false;
  out.swap(buf_);
  return !(closed_ && out.empty());
}

void WebEventSink::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::size_t WebEventSink::depth() {
  std::lock_guard lock(mu_);
  return buf_.size();
}

}  // namespace tickstock::app
