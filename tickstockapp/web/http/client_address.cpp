// Addresses through Asio's parser; ranges compared byte by byte.
#include "web/http/client_address.h"

#include <charconv>

#include <boost/asio/ip/address.hpp>

namespace tickstock::app {
namespace {

namespace ip = boost::asio::ip;

// `text` as an address, IPv4-mapped IPv6 turned into IPv4.
std::optional<ip::address> address_of(std::string_view text) {
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return ip::address(ip::make_address_v4(ip::v4_mapped, a.to_v6()));
  return a;
}

Cidr host_range(const ip::address& a) {
  Cidr c;
  c.v4 = a.is_v4();
  if (c.v4) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), c.bytes.begin());
    c.prefix = 32;
  } else {
    c.bytes = a.to_v6().to_bytes();
    c.prefix = 128;
  }
  return c;
}

bool contains(const Cidr& range, const Cidr& host) {
  if (range.v4 != host.v4) return false;
  for (int bit = 0; bit < range.prefix; ++bit) {
    const int byte = bit / 8, mask = 0x80 >> (bit % 8);
    if ((range.bytes[byte] & mask) != (host.bytes[byte] & mask)) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The last comma-separated item of `list`, removed from it.
std::string_view pop_last(std::string_view& list) {
  const auto comma = list.rfind(',');
  const std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
  list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
  return trim(last);
}

}  // namespace

Result<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto a = address_of(text.substr(0, slash));
  if (!a) return fail("'", text, "' is not an IP address or CIDR range (e.g. 10.0.0.0/8)");
  Cidr c = host_range(*a);
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    int prefix = -1;
    const auto r = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (r.ec != std::errc() || r.ptr != bits.data() + bits.size() || prefix < 0 ||
        prefix > c.prefix)
      return fail("'", text, "': the prefix length must be 0 to ", std::to_string(c.prefix));
    c.prefix = prefix;
  }
  return c;
}

Result<std::vector<Cidr>> parse_cidr_list(std::string_view text) {
  std::vector<Cidr> out;
  while (!text.empty()) {
    const std::string_view item = pop_last(text);
    if (item.empty()) continue;
    auto c = parse_cidr(item);
    if (!c) return c.error();
    out.insert(out.begin(), *c);
  }
  return out;
}

bool in_ranges(const std::vector<Cidr>& ranges, std::string_view ip) {
  if (ranges.empty()) return false;
  const auto a = address_of(ip);
  if (!a) return false;
  const Cidr host = host_range(*a);
  for (const Cidr& r : ranges)
    if (contains(r, host)) return true;
  return false;
}

std::string address_key(std::string_view ip) {
  const auto a = address_of(ip);
  if (!a) return std::string(ip);
  if (a->is_v4()) return a->to_string();
  auto bytes = a->to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
  return ip::make_address_v6(bytes).to_string() + "/64";
}

ForwardedClient forwarded_client(std::string_view peer, std::string_view forwarded_for,
                                 std::string_view forwarded_proto,
                                 const std::vector<Cidr>& trusted) {
  ForwardedClient c{std::string(peer), false};
  if (!in_ranges(trusted, peer)) return c;
  // The proxy nearest to us wrote the last value of each header.
  std::string_view proto = forwarded_proto;
  c.https = pop_last(proto) == "https";
  // From the right: each trusted hop vouches for the address before it.
  while (!forwarded_for.empty()) {
    const std::string_view hop = pop_last(forwarded_for);
    const auto a = address_of(hop);
    if (!a) break;  // garbage: the last trusted hop is all that is known
    c.ip = a->to_string();
    if (!in_ranges(trusted, c.ip)) break;
  }
  return c;
}

}  // namespace tickstock::app
