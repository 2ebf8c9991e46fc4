// HttpServer's listener: accepts connections on a strand of its own, caps them (in all and per
// client address), backs off when out of descriptors, and starts a session per connection.
#include <sys/resource.h>

#include "web/http/http_server_impl.h"
#include "web/http/ip_slot.h"
#include "web/http/plain_session.h"
#include "web/http/tls_session.h"

namespace tickstock::app {

namespace {

// The open-file limit, raised to the hard limit first: every connection is a descriptor.
rlim_t raise_open_file_limit(rlim_t& was) {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return was = 1024;
  was = l.rlim_cur;
  // An unlimited hard limit is not accepted for RLIMIT_NOFILE; the kernel's default maximum is.
  const rlim_t want = l.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : l.rlim_max;
  if (want > l.rlim_cur) {
    rlimit raised{want, l.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return want;
  }
  return l.rlim_cur;
}

bool out_of_descriptors(const beast::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec == beast::error_code(ENFILE, beast::system_category());
}

}  // namespace

void HttpServer::Impl::limit_connections() {
  rlim_t was = 0;
  const rlim_t limit = raise_open_file_limit(was);
  const std::size_t reserve = std::min<std::size_t>(options.fd_reserve, limit / 4);
  max_open = std::min<std::size_t>(options.max_connections, limit - reserve);
  log.info("http: open-file limit " + std::to_string(limit) +
           (limit != was ? " (raised from " + std::to_string(was) + ")" : std::string()) +
           "; up to " + std::to_string(max_open) + " connections, " +
           std::to_string(options.max_connections_per_ip) + " per client address; " +
           std::to_string(reserve) + " descriptors kept for the database, Redis and files");
}

// The acceptor's handlers run on accept_strand (its executor); each socket gets a strand of its
// own.
void HttpServer::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    on_accept(ec, std::move(s));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping.load()) return;
  if (ec && out_of_descriptors(ec)) return pause_accepting(ec);
  accept_backoff = std::chrono::milliseconds(0);
  if (ec) {
    log.limited("http_accept", "http: accept failed: " + ec.message());
    return accept();
  }
  stats.connections_total.fetch_add(1, std::memory_order_relaxed);
  beast::error_code ep_ec;
  const auto ep = socket.remote_endpoint(ep_ec);
  std::string ip = ep_ec ? std::string() : ep.address().to_string();
  // Small messages (an alert, a JSON reply) go out at once: with Nagle's algorithm a write
  // behind an unacknowledged one waits for the peer's delayed ACK (up to 40 ms on Linux).
  socket.set_option(tcp::no_delay(true), ep_ec);
  if (stats.connections_open.load() >= max_open) {
    stats.connections_refused.fetch_add(1, std::memory_order_relaxed);
    refuse(std::move(socket), "too many connections");
  } else {
    start_session(std::move(socket), std::move(ip));
  }
  accept();
}

// Out of descriptors (EMFILE, ENFILE): accepting again at once would fail again at once, a
// busy loop. Wait, longer each time up to a second, while connections close.
void HttpServer::Impl::pause_accepting(const beast::error_code& ec) {
  stats.accept_fd_exhausted.fetch_add(1, std::memory_order_relaxed);
  accept_backoff = std::clamp(accept_backoff * 2, std::chrono::milliseconds(20),
                              std::chrono::milliseconds(1000));
  log.limited("http_accept_fds", "http: accept failed: " + ec.message() + "; pausing " +
                                     std::to_string(accept_backoff.count()) +
                                     " ms (raise the open-file limit or lower " +
                                     "--http-max-connections)");
  accept_pause->expires_after(accept_backoff);
  accept_pause->async_wait([this](beast::error_code wait_ec) {
    if (!wait_ec && !stopping.load()) accept();
  });
}

void HttpServer::Impl::start_session(tcp::socket socket, std::string peer) {
  // Counted by client address; a trusted proxy carries many clients and is not capped.
  std::string key = in_ranges(trusted, peer) ? std::string() : address_key(peer);
  if (!key.empty() && !take_ip(key)) {
    stats.connections_refused_per_ip.fetch_add(1, std::memory_order_relaxed);
    log.limited("http_per_ip", "http: " + key + " has " +
                                   std::to_string(options.max_connections_per_ip) +
                                   " connections open: another refused "
                                   "(--http-max-connections-per-ip)");
    return refuse(std::move(socket), "too many connections from this address");
  }
  auto slot = std::make_shared<IpSlot>(*this, std::move(key));
  stats.connections_open.fetch_add(1, std::memory_order_relaxed);
  if (tls) {
    std::make_shared<TlsSession>(*this, std::move(socket), std::move(peer), std::move(slot))->run();
  } else {
    std::make_shared<PlainSession>(*this, std::move(socket), std::move(peer), std::move(slot))
        ->run();
  }
}

// Closes a connection refused at accept; over plain HTTP it first says why (one small write to
// an empty send buffer, never waiting).
void HttpServer::Impl::refuse(tcp::socket socket, const std::string& why) {
  beast::error_code ec;
  if (!tls) {
    const std::string body = "{\"error\":\"unavailable\",\"detail\":\"" + why + "\"}";
    const std::string text =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(net::buffer(text), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }
  socket.close(ec);
}

Result<void> HttpServer::Impl::setup_tls() {
  beast::error_code ec;
  // TLS 1.2 and 1.3 (the flexible method; the older versions switched off).
  tls.emplace(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  if (tls->use_certificate_chain_file(options.tls_cert, ec); ec)
    return fail("TLS certificate '", options.tls_cert, "': ", ec.message());
  if (tls->use_private_key_file(options.tls_key, ssl::context::pem, ec); ec)
    return fail("TLS key '", options.tls_key, "': ", ec.message());
  return {};
}

}  // namespace tickstock::app
