// Robustness sweep over the feedparser test fixtures, when the shared data
// folder is checked out next to the repository (../shared/data relative to
// the repository root, which is the tests' working directory). Every fixture
// must parse or be rejected with a status: no crash, no exception, no hang,
// and the JSON rendering must serialise (also in the feedparser output mode,
// whose strings must all be valid UTF-8).
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "services/ingest/extract/article_extractor.h"
#include "services/ingest/feed/charset.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed/feedparser_format.h"
#include "services/ingest/feed/html_text.h"
#include "tests/services/ingest/feed/xml_tree_compare.h"

namespace newsflow::ingest {
namespace {

constexpr char kArchive[] = "../shared/data/feedparser-tests/feedparser-tests.dev.tar.gz";

struct TarEntry {
  std::string path;
  std::string data;
};

// Reads the regular files of a gzip-compressed ustar archive.
bool ReadTarGz(const std::string& path, std::vector<TarEntry>* entries) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  std::string tar;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0) tar.append(buffer, n);
  gzclose(file);
  size_t pos = 0;
  while (pos + 512 <= tar.size()) {
    const char* header = tar.data() + pos;
    if (header[0] == '\0') break;
    std::string name(header, strnlen(header, 100));
    std::string prefix(header + 345, strnlen(header + 345, 155));
    if (!prefix.empty()) name = prefix + "/" + name;
    size_t size = std::strtoull(std::string(header + 124, 12).c_str(), nullptr, 8);
    char type = header[156];
    pos += 512;
    if (pos + size > tar.size()) return false;
    if (type == '0' || type == '\0') entries->push_back({name, tar.substr(pos, size)});
    pos += (size + 511) / 512 * 512;
  }
  return true;
}

// The fast XML parser reads most fixtures; for each one it reads, libxml2
// must agree that it is well-formed and build the same tree.
TEST(FeedFixturesTest, FastXmlParserAgreesWithLibxmlOnEveryFixtureItReads) {
  if (!std::filesystem::exists(kArchive)) GTEST_SKIP() << "fixtures not present: " << kArchive;
  std::vector<TarEntry> entries;
  ASSERT_TRUE(ReadTarGz(kArchive, &entries));
  size_t accepted = 0;
  for (const TarEntry& entry : entries) {
    if (!IsValidUtf8(entry.data)) continue;
    std::optional<std::string> fast = xml::testing::FastTree(entry.data);
    if (!fast) continue;
    ++accepted;
    std::optional<std::string> reference = xml::testing::LibxmlTree(entry.data);
    ASSERT_TRUE(reference.has_value()) << entry.path;
    EXPECT_EQ(*fast, *reference) << entry.path;
  }
  EXPECT_GT(accepted, entries.size() / 2);
}

TEST(FeedFixturesTest, ParsesEveryFixtureWithoutCrashing) {
  if (!std::filesystem::exists(kArchive)) GTEST_SKIP() << "fixtures not present: " << kArchive;
  std::vector<TarEntry> entries;
  ASSERT_TRUE(ReadTarGz(kArchive, &entries));
  ASSERT_GT(entries.size(), 100u);
  int parsed = 0;
  int rejected = 0;
  for (const TarEntry& entry : entries) {
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<ParsedFeed> feed = ParseFeed(entry.data, "http://fixtures.example/feed.xml");
    if (feed.ok()) {
      ++parsed;
      EXPECT_NO_THROW(FeedToJson(*feed).dump()) << entry.path;
    } else {
      ++rejected;
      EXPECT_EQ(feed.status().code(), absl::StatusCode::kInvalidArgument) << entry.path;
    }
    // The feedparser output mode, as a plain file and as an HTTP response.
    FeedparserOptions plain;
    EXPECT_NO_THROW(ParseFeedparserFormat(entry.data, plain)
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::strict))
        << entry.path;
    FeedparserOptions http;
    http.headers = {{"Content-Type", "application/rss+xml; charset=utf-8"}, {"Content-Location", "/base/"}};
    http.url = "http://fixtures.example/feed.xml";
    EXPECT_NO_THROW(
        ParseFeedparserFormat(entry.data, http).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict))
        << entry.path;
    EXPECT_NO_FATAL_FAILURE(HtmlToText(entry.data));
    EXPECT_NO_FATAL_FAILURE(ExtractArticle(entry.data, "http://fixtures.example/"));
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(2)) << entry.path;
  }
  // Nearly all fixtures are feeds; a few are non-feed documents.
  EXPECT_GT(parsed, static_cast<int>(entries.size()) * 9 / 10)
      << "parsed=" << parsed << " rejected=" << rejected;
}

}  // namespace
}  // namespace newsflow::ingest
