// Who a client is: its address as the rate limits and connection caps count it (an IPv6 client
// by its /64, since one host may hold a whole /64), and, behind a reverse proxy, the address the
// proxy saw (X-Forwarded-For and X-Forwarded-Proto believed only from a trusted proxy).
#ifndef TICKSTOCKAPP_WEB_HTTP_CLIENT_ADDRESS_H_
#define TICKSTOCKAPP_WEB_HTTP_CLIENT_ADDRESS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

// An address range: "10.0.0.0/8", "2001:db8::/32", or one address ("192.0.2.7" = /32).
struct Cidr {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
  int prefix = 0;                        // bits
  bool v4 = true;
};

// The error names the text and what is wrong.
Result<Cidr> parse_cidr(std::string_view text);
// Comma-separated CIDRs ("" = none).
Result<std::vector<Cidr>> parse_cidr_list(std::string_view text);
// Whether `ip` (an IPv4 or IPv6 address; IPv4-mapped IPv6 counts as IPv4) is in one of `ranges`.
bool in_ranges(const std::vector<Cidr>& ranges, std::string_view ip);
// The key a client is counted by: an IPv4 address as it is, an IPv6 address's /64
// ("2001:db8:1:2::/64"); text that is no address is returned unchanged.
std::string address_key(std::string_view ip);

// A request's client as seen through the trusted proxies in front of the server.
struct ForwardedClient {
  std::string ip;      // the client's address
  bool https = false;  // X-Forwarded-Proto said https (trusted proxy only)
};
// With `peer` (the TCP peer) in `trusted`: the rightmost X-Forwarded-For address that is not a
// trusted proxy (`forwarded_for`: the headers' values joined by commas), and the proxy's
// X-Forwarded-Proto; otherwise `peer` itself and both headers ignored.
ForwardedClient forwarded_client(std::string_view peer, std::string_view forwarded_for,
                                 std::string_view forwarded_proto,
                                 const std::vector<Cidr>& trusted);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_CLIENT_ADDRESS_H_
