// HttpClient and WsClient on Beast, driven by a private io_context with deadlines.
#include "support/web_client.h"

#include <optional>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

namespace tickstock::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  net::io_context ioc;
  ssl::context tls_ctx{ssl::context::tlsv12_client};
  bool tls = false;
  int port = 0;
  std::string local_address;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*secure) : *plain; }
  bool open() const { return tls ? secure.has_value() : plain.has_value(); }
  void reset() {
    plain.reset();
    secure.reset();
    buffer.clear();
  }
  std::string connect() {
    reset();
    beast::error_code ec;
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    auto open_socket = [&](tcp::socket& sock) {
      if (local_address.empty()) return;
      sock.open(tcp::v4(), ec);
      if (!ec) sock.bind(tcp::endpoint(net::ip::make_address(local_address), 0), ec);
    };
    if (tls) {
      secure.emplace(ioc, tls_ctx);
      open_socket(beast::get_lowest_layer(*secure).socket());
      if (!ec) beast::get_lowest_layer(*secure).socket().connect(ep, ec);
      if (!ec) secure->handshake(ssl::stream_base::client, ec);
    } else {
      plain.emplace(ioc);
      open_socket(plain->socket());
      if (!ec) plain->socket().connect(ep, ec);
    }
    if (ec) {
      reset();
      return ec.message();
    }
    return {};
  }
  template <class F>
  void with_stream(F&& f) {
    if (tls) {
      f(*secure);
    } else {
      f(*plain);
    }
  }
};

HttpClient::HttpClient(int port, bool tls, std::string local_address)
    : impl_(std::make_unique<Impl>()) {
  impl_->tls = tls;
  impl_->port = port;
  impl_->local_address = std::move(local_address);
  impl_->tls_ctx.set_verify_mode(ssl::verify_none);
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const Headers& headers) {
  HttpReply reply;
  Impl& m = *impl_;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!m.open()) {
      if (auto e = m.connect(); !e.empty()) {
        reply.error = "connect: " + e;
        return reply;
      }
      ++connections_;
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.method_string(method);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(m.port));
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
      req.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    m.lowest().expires_after(std::chrono::seconds(30));
    m.with_stream([&](auto& s) {
      http::async_write(s, req, [&](beast::error_code e, std::size_t) {
        if (e) {
          ec = e;
          return;
        }
        http::async_read(s, m.buffer, parser, [&](beast::error_code e2, std::size_t) { ec = e2; });
      });
    });
    m.ioc.restart();
    m.ioc.run();
    if (ec) {
      m.reset();
      // A kept-alive connection the server closed meanwhile: once more on a new one.
      if (attempt == 0 && (ec == http::error::end_of_stream || ec == net::error::eof ||
                           ec == net::error::connection_reset || ec == net::error::broken_pipe))
        continue;
      reply.error = ec.message();
      return reply;
    }
    auto res = parser.release();
    reply.status = res.result_int();
    reply.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "set-cookie") reply.set_cookies.emplace_back(f.value());
      reply.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive()) m.reset();
    return reply;
  }
  return reply;
}

std::string HttpClient::raw(const std::string& bytes, std::chrono::milliseconds wait) {
  Impl& m = *impl_;
  if (auto e = m.connect(); !e.empty()) return "";
  ++connections_;
  std::string got;
  std::array<char, 4096> buf{};
  m.lowest().expires_after(wait);
  m.with_stream([&](auto& s) {
    // Read until the server closes or the deadline passes.
    std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code e,
                                                                      std::size_t n) {
      got.append(buf.data(), n);
      if (!e) s.async_read_some(net::buffer(buf), on_read);
    };
    net::async_write(s, net::buffer(bytes), [&](beast::error_code e, std::size_t) {
      if (!e) s.async_read_some(net::buffer(buf), on_read);
    });
    m.ioc.restart();
    m.ioc.run();
  });
  m.reset();
  return got;
}

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool reading = false;
  bool read_done = false;
  beast::error_code read_ec;
};

WsClient::WsClient(int port, const Headers& headers, int receive_buffer)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  beast::error_code ec;
  auto& sock = beast::get_lowest_layer(m.ws).socket();
  if (receive_buffer > 0) {
    // Before connecting, so that the window the server sees is small from the start.
    sock.open(tcp::v4(), ec);
    if (!ec) sock.set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
    if (ec) {
      error_ = "socket: " + ec.message();
      return;
    }
  }
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
               ec);
  if (ec) {
    error_ = "connect: " + ec.message();
    return;
  }
  m.ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  websocket::response_type res;
  m.ws.handshake(res, "127.0.0.1:" + std::to_string(port), "/ws", ec);
  if (ec) {
    error_ = "handshake: " + ec.message() + " (" + std::to_string(res.result_int()) + ")";
    refused_status_ = res.result_int();
  }
}

WsClient::~WsClient() {
  if (!ok() || closed_) return;
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
}

void WsClient::send(const std::string& text) {
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(net::buffer(text), ec);
}

std::string WsClient::receive(std::chrono::milliseconds wait) {
  Impl& m = *impl_;
  if (!ok() || closed_) return "";
  if (!m.reading) {
    m.reading = true;
    m.read_done = false;
    m.ws.async_read(m.buffer, [&m](beast::error_code ec, std::size_t) {
      m.read_done = true;
      m.read_ec = ec;
    });
  }
  m.ioc.restart();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!m.read_done && std::chrono::steady_clock::now() < deadline) m.ioc.run_one_until(deadline);
  if (!m.read_done) return "";
  m.reading = false;
  if (m.read_ec) {
    closed_ = true;
    close_code_ = m.ws.reason().code;
    return "";
  }
  std::string out = beast::buffers_to_string(m.buffer.data());
  m.buffer.consume(m.buffer.size());
  return out;
}

}  // namespace tickstock::test
