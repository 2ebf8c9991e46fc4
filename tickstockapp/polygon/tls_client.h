// TLS for the Polygon clients (WebSocket and REST): whom to trust and which host to expect.
// App-internal (Boost.Asio and OpenSSL).
#ifndef TICKSTOCKAPP_POLYGON_TLS_CLIENT_H_
#define TICKSTOCKAPP_POLYGON_TLS_CLIENT_H_

#include <string>

#include <boost/asio/ssl.hpp>

#include "tickstock/result.h"

namespace tickstock::app {

// Trusts the system's certificate authorities and those in `ca_file` (PEM; "" for none) and
// verifies the peer. The error names the file.
inline Result<void> trust_for_client(boost::asio::ssl::context& ctx, const std::string& ca_file) {
  boost::system::error_code ec;
  ctx.set_default_verify_paths(ec);  // no system store is not an error: ca_file may do
  if (!ca_file.empty()) {
    ctx.load_verify_file(ca_file, ec);
    if (ec) return fail("CA file '", ca_file, "': ", ec.message());
  }
  ctx.set_verify_mode(boost::asio::ssl::verify_peer);
  return {};
}

// Sends `host` as SNI and requires the certificate to name it (DNS name or IP address).
template <class SslStream>
void expect_peer(SslStream& stream, const std::string& host) {
  SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(host.c_str()));
  stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
}

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_POLYGON_TLS_CLIENT_H_
