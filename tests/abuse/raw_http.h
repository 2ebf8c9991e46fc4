// HTTP as an attacker sends it: plain POSIX sockets bound to a chosen loopback source address
// (all of 127.0.0.0/8 reaches the server, and each address is a client of its own to it), raw
// bytes out, the status line and body back. Nothing here trusts the server to answer.
#ifndef TICKSTOCK_TESTS_ABUSE_RAW_HTTP_H_
#define TICKSTOCK_TESTS_ABUSE_RAW_HTTP_H_

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tickstock::test {

// A socket connected to 127.0.0.1:`port` from `source` (e.g. "127.0.0.7"); -1 when refused.
int connect_from(const std::string& source, int port);

// Whether the server has closed `fd` (or reset it) within `wait`; bytes it sent are skipped.
bool closed_by_server(int fd, std::chrono::milliseconds wait);

struct RawReply {
  int status = 0;  // 0: no complete answer (closed, reset or timed out)
  std::string head;
  std::string body;
  // The value of a header (case-insensitive name), "" when absent.
  std::string header(const std::string& name) const;
};

// Sends `request` on `fd` as it is and reads one response (Content-Length framed) for up to
// `wait`.
RawReply exchange(int fd, const std::string& request, std::chrono::milliseconds wait);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request on a connection of its own from `source` (Connection: close).
RawReply http_from(const std::string& source, int port, const std::string& method,
                   const std::string& target, const std::string& body = "",
                   const HeaderList& headers = {},
                   std::chrono::milliseconds wait = std::chrono::seconds(10));

// Raises this process's open-file limit to its hard limit (the attacks hold thousands).
void raise_open_file_limit();

}  // namespace tickstock::test

#endif  // TICKSTOCK_TESTS_ABUSE_RAW_HTTP_H_
