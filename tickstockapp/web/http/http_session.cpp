// The conversions between Beast's messages and the application's (http_session.h).
#include "web/http/http_session.h"

#include <algorithm>
#include <cctype>

namespace tickstock::app {

HttpRequest to_request(http::request<http::string_body>& req, const std::string& peer, bool tls,
                       const HttpServer::Impl& server) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& f : req) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = std::move(req.body());
  std::string forwarded_for, forwarded_proto;
  if (!server.trusted.empty()) {
    for (const auto& [k, v] : r.headers) {
      std::string* list = k == "x-forwarded-for"     ? &forwarded_for
                          : k == "x-forwarded-proto" ? &forwarded_proto
                                                     : nullptr;
      if (list != nullptr) *list += (list->empty() ? "" : ",") + v;
    }
  }
  const ForwardedClient client =
      forwarded_client(peer, forwarded_for, forwarded_proto, server.trusted);
  r.client_ip = client.ip;
  r.tls = tls;
  r.secure = tls || client.https;
  r.cookie_secure = r.secure || server.options.cookie_secure;
  r.received = std::chrono::steady_clock::now();
  return r;
}

http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive,
                                           bool secure) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "tickstock");
  res.set(http::field::content_type, r.content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  // Browsers keep to HTTPS for a year once they saw this over HTTPS (ignored over plain HTTP).
  if (secure) res.set(http::field::strict_transport_security, "max-age=31536000");
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

}  // namespace tickstock::app
