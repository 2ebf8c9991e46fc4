// StaticFiles: path checks, then the file read whole (the dashboard's files are small).
#include "web/http/static_files.h"

#include <fstream>
#include <sstream>

namespace tickstock::app {
namespace fs = std::filesystem;

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code ec;
  fs::path c = fs::canonical(root, ec);
  if (!ec && fs::is_directory(c, ec)) root_ = c;
}

const char* content_type_for(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt" || ext == ".md" || p.filename() == "NOTICE" || p.filename() == "LICENSE")
    return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

HttpResponse StaticFiles::serve(const std::string& path) const {
  if (root_.empty()) return json_error(404, "not_found", "no web files installed");
  if (path.empty() || path[0] != '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos)
    return json_error(400, "bad_request", "bad path");
  // Each segment must be a plain name: no "..", no "." and no hidden files.
  fs::path rel;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string seg = path.substr(start, end - start);
    if (!seg.empty()) {
      if (seg[0] == '.') return json_error(400, "bad_request", "bad path");
      rel /= seg;
    }
    start = end + 1;
  }
  std::error_code ec;
  fs::path file = root_ / rel;
  if (rel.empty() || fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::exists(file, ec) && !rel.has_extension()) file = root_ / "index.html";
  const fs::path real = fs::canonical(file, ec);
  if (ec || !fs::is_regular_file(real, ec)) return json_error(404, "not_found", "no such file");
  // A link inside the root must not lead out of it.
  const auto [r, f] = std::mismatch(root_.begin(), root_.end(), real.begin(), real.end());
  if (r != root_.end()) return json_error(404, "not_found", "no such file");
  std::ifstream in(real, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  HttpResponse res;
  res.content_type = content_type_for(real);
  res.body = body.str();
  res.route = "static";
  // The pages change with the binary; scripts and styles may be cached briefly.
  const bool page = real.extension() == ".html";
  res.headers.emplace_back("Cache-Control", page ? "no-cache" : "max-age=300");
  if (page) {
    // Scripts only from here; the chart library sets element styles, hence 'unsafe-inline'
    // for styles alone.
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; script-src 'self'; style-src 'self' "
                             "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                             "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.headers.emplace_back("X-Frame-Options", "DENY");
  }
  return res;
}

}  // namespace tickstock::app
