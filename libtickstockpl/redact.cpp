// redact_url and libpq_url: secrets out of what is logged, and URLs as libpq reads them. In the
// core (std only) so that the library's own connections word their failures as the app does.
#include "tickstock/redact.h"

#include <cctype>

namespace tickstock {

namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Keys whose values are secrets, in conninfo strings and URL queries (compared lower-cased).
bool secret_key(std::string_view key) {
  std::string k(key);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* s : {"password", "sslpassword", "passwd", "pwd", "pass", "secret", "token",
                        "apikey", "api_key", "access_token", "auth"})
    if (k == s) return true;
  return false;
}

// The end of a conninfo value starting at `from`: a quoted one ('a b \' c') or up to blank.
std::size_t conninfo_value_end(std::string_view t, std::size_t from) {
  if (from < t.size() && t[from] == '\'') {
    for (std::size_t i = from + 1; i < t.size(); ++i) {
      if (t[i] == '\\') {
        ++i;
      } else if (t[i] == '\'') {
        return i + 1;
      }
    }
    return t.size();  // unterminated: everything after it may be the secret
  }
  std::size_t i = from;
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i])) == 0) ++i;
  return i;
}

// The end of a URL that starts at `from`: blank, a quote or angle bracket ends it.
std::size_t url_end(std::string_view t, std::size_t from) {
  std::size_t i = from;
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i])) == 0 && t[i] != '"' &&
         t[i] != '\'' && t[i] != '<' && t[i] != '>')
    ++i;
  return i;
}

// The end of the userinfo of URL `u` (the '@' before the host), npos when it has none: the
// last '@' before the path that follows the first '@', so that a password may hold '@', ':',
// '?' (and '/' before an '@').
std::size_t userinfo_end(std::string_view u, std::size_t rest) {
  const std::size_t first_at = u.find('@', rest);
  if (first_at == std::string_view::npos) return first_at;
  const std::size_t slash = u.find('/', first_at);
  return u.rfind('@', slash == std::string_view::npos ? u.size() : slash);
}

// Appends the URL `u` with its password (user:PASSWORD@, which may itself hold '@', ':' or
// '?') and the values of secret query keys replaced by ***.
void append_redacted_url(std::string& out, std::string_view u) {
  const std::size_t rest = u.find("://") + 3;
  std::size_t pos = 0;
  if (const std::size_t at = userinfo_end(u, rest); at != std::string_view::npos) {
    const std::size_t colon = u.find(':', rest);
    if (colon < at) {
      out.append(u.substr(0, colon + 1));
      out += "***";
      pos = at;
    }
  }
  const std::size_t query = u.find('?', pos);
  if (query == std::string_view::npos) {
    out.append(u.substr(pos));
    return;
  }
  out.append(u.substr(pos, query + 1 - pos));
  for (std::size_t i = query + 1; i <= u.size();) {
    std::size_t end = u.find_first_of("&#", i);
    if (end == std::string_view::npos) end = u.size();
    const std::string_view param = u.substr(i, end - i);
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && secret_key(param.substr(0, eq))) {
      out.append(param.substr(0, eq + 1));
      out += "***";
    } else {
      out.append(param);
    }
    if (end < u.size()) out += u[end];
    i = end + 1;
  }
}

}  // namespace

std::string redact_url(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // A conninfo string (it starts key=): a word without a value is malformed and may be a
  // password (libpq reads "password secret" as two keys).
  std::size_t first = text.find_first_not_of(' ');
  while (first < text.size() && is_word_char(text[first])) ++first;
  first = text.find_first_not_of(' ', first);
  const bool conninfo = first != std::string_view::npos && first > 0 && text[first] == '=' &&
                        text.find("://") > first;
  std::size_t i = 0;
  while (i < text.size()) {
    // A URL: scheme://...
    if (text.compare(i, 3, "://") == 0) {
      std::size_t start = out.size();
      while (start > 0 && (is_word_char(out[start - 1]) || out[start - 1] == '+' ||
                           out[start - 1] == '.' || out[start - 1] == '-'))
        --start;
      const std::string scheme = out.substr(start);
      out.resize(start);
      const std::size_t end = url_end(text, i);
      append_redacted_url(out, scheme + std::string(text.substr(i, end - i)));
      i = end;
      continue;
    }
    // A conninfo pair: key = value, the key a whole word.
    if (is_word_char(text[i]) && (i == 0 || !is_word_char(text[i - 1]))) {
      std::size_t k = i;
      while (k < text.size() && is_word_char(text[k])) ++k;
      std::size_t eq = k;
      while (eq < text.size() && text[eq] == ' ') ++eq;
      if (eq < text.size() && text[eq] == '=') {
        std::size_t v = eq + 1;
        while (v < text.size() && text[v] == ' ') ++v;
        const std::size_t end = conninfo_value_end(text, v);
        out.append(text.substr(i, v - i));
        // Other values may hold a URL (dbname=postgresql://...).
        out += secret_key(text.substr(i, k - i)) ? std::string("***")
                                                 : redact_url(text.substr(v, end - v));
        i = end;
        continue;
      }
      if (conninfo) {
        out += "***";
        i = conninfo_value_end(text, i);
        continue;
      }
      out.append(text.substr(i, k - i));
      i = k;
      continue;
    }
    out += text[i++];
  }
  // libpq echoes the word it could not parse in a conninfo string: it may be a password.
  static constexpr std::string_view kMissing = "missing \"=\" after \"";
  for (std::size_t at = out.find(kMissing); at != std::string::npos;
       at = out.find(kMissing, at + 1)) {
    const std::size_t from = at + kMissing.size();
    const std::size_t to = out.find('"', from);
    if (to != std::string::npos) out.replace(from, to - from, "***");
  }
  return out;
}

std::string libpq_url(std::string_view url) {
  std::string out(url);
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) return out;
  const std::size_t rest = url.find("://") + 3;
  const std::size_t end = userinfo_end(url, rest);
  if (end == std::string_view::npos) return out;
  out = url.substr(0, rest);
  for (std::size_t i = rest; i < end; ++i) {
    if (url[i] == '@') {
      out += "%40";
    } else {
      out += url[i];
    }
  }
  out.append(url.substr(end));
  return out;
}

}  // namespace tickstock
