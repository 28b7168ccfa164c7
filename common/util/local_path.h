// Local feed paths: which feed URLs name local files, and whether a path lies
// inside a folder. Lexical only (no file system access), so callers that
// report a refusal cannot reveal whether a path exists; the fetcher checks the
// real path again on every read (services/ingest/fetcher.h). Thread-safe.
#ifndef NEWSFLOW_COMMON_UTIL_LOCAL_PATH_H_
#define NEWSFLOW_COMMON_UTIL_LOCAL_PATH_H_

#include <optional>
#include <string>
#include <string_view>

namespace newsflow {

// The scheme of `url` in lower case when it has one ("http" for
// "HTTP://x"), else "". A scheme is letters, digits, '+', '-', '.' after a
// letter, followed by "://".
std::string UrlScheme(std::string_view url);

// The path a local feed names: `url` itself when it has no scheme, the path
// of a file:///path or file://localhost/path URL. nullopt for any other
// scheme, a file URL naming another host or a relative file URL, or text
// holding control characters.
std::optional<std::string> LocalFeedPath(std::string_view url);

// Whether `path` (made absolute against the working directory and
// normalised, ".." resolved lexically) lies strictly inside `dir`.
bool LexicallyInside(const std::string& path, const std::string& dir);

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_LOCAL_PATH_H_
