// Secrets out of log lines and error messages: one redaction for every URL and conninfo form,
// shared by the library's PostgreSQL readers and the app.
#ifndef TICKSTOCK_REDACT_H_
#define TICKSTOCK_REDACT_H_

#include <string>
#include <string_view>

namespace tickstock {

// `text` with every secret replaced by "***", safe to log: the password of a URL
// (scheme://user:PASSWORD@host, postgresql:// and redis(s):// alike, '@' in the password
// included), secret query parameters (?password=..., &sslpassword=...), conninfo pairs
// (password=... or password='a b c') and the word libpq echoes from a conninfo it cannot
// parse. For a URL, a conninfo string or an error message that may contain either.
std::string redact_url(std::string_view text);
// The database URL as libpq must be given it: libpq ends the password at its first '@', so an
// '@' in the user name or password (before the last '@' ahead of the host) is percent-encoded.
// Anything else (a conninfo string) as it is.
std::string libpq_url(std::string_view url);

}  // namespace tickstock

#endif  // TICKSTOCK_REDACT_H_
