// The web reader: a single page (services/store/web/: index.html, app.js,
// style.css) compiled into the binary and served by the store's HTTP server
// beside the JSON API it reads:
//
//   GET /                    the page (index.html)
//   GET /static/<file>       app.js, style.css, icon.svg
//
// Both are public even when store.http.token is set: they hold no data, and
// the page asks for the token itself (kept in the browser's localStorage and
// sent as "Authorization: Bearer" on its API calls).
//
// Every answer carries a strict Content-Security-Policy (scripts, styles,
// images and connections from the same origin only; no inline script or
// style; no framing), X-Content-Type-Options: nosniff and Referrer-Policy:
// no-referrer. Files are revalidated on every load (Cache-Control: no-cache)
// against a strong ETag, the hash of their bytes: an If-None-Match that
// matches answers 304 without a body, so a reload costs a round trip, and a
// new build is picked up at once.
#ifndef NEWSFLOW_SERVICES_STORE_WEB_UI_H_
#define NEWSFLOW_SERVICES_STORE_WEB_UI_H_

#include "common/transport/http_server.h"

namespace newsflow::store {

// The policy sent with every page and file.
inline constexpr char kWebContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Registers / and /static/{file} on `server` and makes them public. Call
// before server.Start().
void InstallWebUi(HttpServer& server);

}  // namespace newsflow::store

#endif  // NEWSFLOW_SERVICES_STORE_WEB_UI_H_
