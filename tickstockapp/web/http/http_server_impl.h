// HttpServer's insides, shared by the listener, the server and the sessions (Beast stays in
// these): the server's state.
#ifndef TICKSTOCKAPP_WEB_HTTP_HTTP_SERVER_IMPL_H_
#define TICKSTOCKAPP_WEB_HTTP_HTTP_SERVER_IMPL_H_

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "web/http/http_server.h"
#include "web/http/session_base.h"

namespace tickstock::app {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler& h, Log& l) : options(std::move(o)), handler(h), log(l) {}

  void add(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(mu);
    sessions.emplace(s, std::move(w));
  }
  void remove(SessionBase* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
  }
  // Counts a connection from `key`; false when that address has max_connections_per_ip.
  bool take_ip(const std::string& key) {
    std::lock_guard lock(mu);
    std::size_t& n = per_ip[key];
    if (n >= options.max_connections_per_ip) {
      if (n == 0) per_ip.erase(key);
      return false;
    }
    ++n;
    return true;
  }
  void release_ip(const std::string& key) {
    std::lock_guard lock(mu);
    auto it = per_ip.find(key);
    if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
  }

  HttpServerOptions options;
  HttpHandler& handler;
  Log& log;
  HttpServerStats stats;
  std::atomic<bool> stopping{false};
  // Declared before the io_context: sessions destroyed with its pending handlers still find
  // the registry.
  std::mutex mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::unordered_map<std::string, std::size_t> per_ip;  // open connections by address_key; at
                                                        // most max_connections entries
  const std::vector<Cidr>& trusted = options.trusted_proxies;
  std::size_t max_open = 0;  // max_connections, capped by the descriptors
  std::optional<ssl::context> tls;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  net::strand<net::io_context::executor_type> accept_strand{ioc.get_executor()};
  std::optional<tcp::acceptor> acceptor;  // on accept_strand, as is accept_pause
  std::optional<net::steady_timer> accept_pause;
  std::chrono::milliseconds accept_backoff{0};
  std::vector<std::thread> threads;
  int port = 0;
  bool started = false;
  bool stopped = false;

  Result<void> setup_tls();
  void limit_connections();
  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void pause_accepting(const beast::error_code& ec);
  void start_session(tcp::socket socket, std::string peer);
  void refuse(tcp::socket socket, const std::string& why);
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_HTTP_SERVER_IMPL_H_
