# Every dependency comes from Debian 12 packages; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(absl REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(RocksDB REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n data)
find_package(LibXml2 REQUIRED)
find_package(CURL REQUIRED)

pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)
# sd_notify(3): READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 to systemd
# (common/runtime/systemd_notify.h); a no-op when not run by systemd.
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# Full-text search in the store (services/store/search_index.h).
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)
# The daemons' HTTP APIs run on libmicrohttpd (common/transport/http_server.h).
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
# cpp-httplib is only a client (and stand-in feed server) in tests and the
# HTTP load bench. Debian's header only declares; the implementation is in
# the shared library that this pkg-config module links.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
# RE2: linear-time regular expressions for patterns run on untrusted text
# (category patterns on articles, the feedparser-compatible sanitiser's CSS
# and author patterns on feeds): no backtracking blow-up on hostile input.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# uriparser parses, resolves and normalises URI references by RFC 3986
# (services/ingest/feed/canonical_url.h).
pkg_check_modules(URIPARSER REQUIRED IMPORTED_TARGET liburiparser)

find_path(CPPZMQ_INCLUDE_DIR zmq.hpp REQUIRED)

# CLD2 and libstemmer ship neither CMake nor pkg-config files.
find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
find_library(CLD2_LIBRARY cld2 REQUIRED)
find_library(CLD2_FULL_LIBRARY cld2_full REQUIRED)
add_library(newsflow_cld2 INTERFACE)
target_include_directories(newsflow_cld2 INTERFACE ${CLD2_INCLUDE_DIR})
# cld2_full must come first and must not be dropped by --as-needed, or CLD2
# silently falls back to its small language tables.
target_link_libraries(newsflow_cld2 INTERFACE
  "-Wl,--no-as-needed" ${CLD2_FULL_LIBRARY} ${CLD2_LIBRARY} "-Wl,--as-needed")

find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
add_library(newsflow_stemmer INTERFACE)
target_include_directories(newsflow_stemmer INTERFACE ${STEMMER_INCLUDE_DIR})
target_link_libraries(newsflow_stemmer INTERFACE ${STEMMER_LIBRARY})

if(NEWSFLOW_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(NEWSFLOW_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
