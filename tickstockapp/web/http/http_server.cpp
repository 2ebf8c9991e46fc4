// HttpServer: a Beast listener (http_listener.cpp) and one session object per connection
// (plain_session.h, tls_session.h), each on a strand of its own; this file starts and stops them.
#include "web/http/http_server.h"

#include "web/http/http_server_impl.h"

namespace tickstock::app {

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler, Log& log)
    : impl_(std::make_unique<Impl>(std::move(options), handler, log)) {}

HttpServer::~HttpServer() { stop(); }

Result<void> HttpServer::start() {
  Impl& m = *impl_;
  const HttpServerOptions& o = m.options;
  beast::error_code ec;
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty())
      return fail("TLS needs both a certificate and a key file");
    if (auto r = m.setup_tls(); !r) return r;
  }
  const auto address = net::ip::make_address(o.host, ec);
  if (ec) return fail("--http: '", o.host, "' is not an IP address");
  const tcp::endpoint ep(address, static_cast<unsigned short>(o.port));
  m.acceptor.emplace(m.accept_strand);
  m.accept_pause.emplace(m.accept_strand);
  const std::string where = o.host + ":" + std::to_string(o.port);
  if (m.acceptor->open(ep.protocol(), ec); ec) return fail("http ", where, ": ", ec.message());
  m.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (m.acceptor->bind(ep, ec); ec)
    return fail("http: cannot listen on ", where, ": ", ec.message());
  if (m.acceptor->listen(net::socket_base::max_listen_connections, ec); ec)
    return fail("http: cannot listen on ", where, ": ", ec.message());
  m.port = m.acceptor->local_endpoint(ec).port();
  m.limit_connections();
  m.work.emplace(m.ioc.get_executor());
  net::dispatch(m.accept_strand, [&m] { m.accept(); });
  for (int i = 0; i < std::max(1, o.threads); ++i)
    m.threads.emplace_back([&m] {
      for (;;) {
        try {
          m.ioc.run();
          return;
        } catch (const std::exception& e) {  // a handler bug must not end the server
          m.log.limited("http_handler", std::string("http: handler failed: ") + e.what());
        }
      }
    });
  m.started = true;
  return {};
}

std::size_t HttpServer::max_connections() const { return impl_->max_open; }
int HttpServer::port() const { return impl_->port; }
const HttpServerStats& HttpServer::stats() const { return impl_->stats; }
bool HttpServer::tls() const { return impl_->tls.has_value(); }

void HttpServer::stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.stopping = true;
  net::post(m.accept_strand, [&m] {
    beast::error_code ec;
    m.acceptor->close(ec);
    m.accept_pause->cancel();
  });
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(m.mu);
    for (auto& [p, w] : m.sessions)
      if (auto s = w.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->shutdown();
  open.clear();
  const auto deadline = std::chrono::steady_clock::now() + m.options.shutdown_grace;
  while (m.stats.connections_open.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  m.work.reset();
  m.ioc.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
}

}  // namespace tickstock::app
