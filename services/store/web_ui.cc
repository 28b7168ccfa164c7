#include "services/store/web_ui.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/util/hash.h"
#include "embedded/web_app_js.h"
#include "embedded/web_icon_svg.h"
#include "embedded/web_index_html.h"
#include "embedded/web_style_css.h"

namespace newsflow::store {
namespace {

struct WebFile {
  std::string_view bytes;
  std::string content_type;
  std::string etag;  // quoted, strong
};

WebFile MakeFile(std::string_view bytes, std::string content_type) {
  return {bytes, std::move(content_type), fmt::format("\"{}\"", HashHex(bytes))};
}

// True when `header` (If-None-Match: a list of entity tags, or "*") names
// `etag`.
bool Matches(const std::string& header, const std::string& etag) {
  if (header.empty()) return false;
  if (header == "*") return true;
  std::string_view rest = header;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);  // weak comparison, as for GET
    if (item == etag) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

HttpResponse Serve(const WebFile& file, const HttpRequest& req) {
  HttpResponse r;
  if (Matches(req.Header("if-none-match"), file.etag)) {
    r.status = 304;
  } else {
    r.status = 200;
    r.body = std::string(file.bytes);
  }
  r.content_type = file.content_type;
  r.headers = {{"ETag", file.etag},
               {"Cache-Control", "no-cache"},
               {"Content-Security-Policy", kWebContentSecurityPolicy},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"}};
  return r;
}

}  // namespace

void InstallWebUi(HttpServer& server) {
  auto index =
      std::make_shared<const WebFile>(MakeFile(embedded::web_index_html(), "text/html; charset=utf-8"));
  auto statics = std::make_shared<const std::map<std::string, WebFile>>(std::map<std::string, WebFile>{
      {"app.js", MakeFile(embedded::web_app_js(), "text/javascript; charset=utf-8")},
      {"style.css", MakeFile(embedded::web_style_css(), "text/css; charset=utf-8")},
      {"icon.svg", MakeFile(embedded::web_icon_svg(), "image/svg+xml")},
  });
  server.AddPublicPath("/");
  server.AddPublicPath("/static/*");
  server.Route("GET", "/", [index](const HttpRequest& req) { return Serve(*index, req); });
  server.Route("GET", "/static/{file}", [statics](const HttpRequest& req) {
    auto it = statics->find(req.PathParam("file"));
    if (it == statics->end()) return HttpResponse::Error(404, "no such file");
    return Serve(it->second, req);
  });
}

}  // namespace newsflow::store
