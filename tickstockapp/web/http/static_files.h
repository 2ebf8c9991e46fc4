// Serves the dashboard's files (web/, installed next to the binary) from one directory. Only
// files under that directory are served: a path with "..", a backslash, a NUL byte, a hidden
// segment or a link that leads out of it is refused.
#ifndef TICKSTOCKAPP_WEB_HTTP_STATIC_FILES_H_
#define TICKSTOCKAPP_WEB_HTTP_STATIC_FILES_H_

#include <filesystem>
#include <string>

#include "web/http/http_types.h"

namespace tickstock::app {

class StaticFiles {
 public:
  // REQUIRES: `root` exists (see ok()).
  explicit StaticFiles(const std::filesystem::path& root);
  // Whether the root is a readable directory.
  bool ok() const { return !root_.empty(); }
  const std::filesystem::path& root() const { return root_; }
  // The file for a decoded request path ("/" is index.html; a path without an extension that
  // names no file is index.html too, for the pages' own routes): 200 with the content, 404 when
  // there is no such file, 400 for a path that tries to leave the root.
  HttpResponse serve(const std::string& path) const;

 private:
  std::filesystem::path root_;  // canonical; empty when unusable
};

// The Content-Type for a file name's extension.
const char* content_type_for(const std::filesystem::path& p);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_HTTP_STATIC_FILES_H_
