#include "tests/testing/test_util.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/util/hash.h"
#include "common/util/text.h"

namespace newsflow::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/newsflow-test-XXXXXX",
                                    base != nullptr && *base != '\0' ? base : "/tmp");
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
    return;
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Sub(std::string_view name) const {
  return fmt::format("{}/{}", path_, name);
}

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

std::string UniqueInprocEndpoint(std::string_view prefix) {
  static std::atomic<uint64_t> next{0};
  return fmt::format("inproc://{}-{}-{}", prefix, getpid(), next.fetch_add(1));
}

bool WaitFor(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return predicate();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

v1::Article MakeArticleWithTags(std::string_view id_seed, std::string title, std::string text,
                                const std::vector<std::string>& tags) {
  v1::Article a;
  a.set_id(HashHex(fmt::format("test:{}", id_seed)));
  a.set_version(HashHex(title + "\n" + text));
  a.set_canonical_url(fmt::format("https://news.example/{}", id_seed));
  a.set_url(a.canonical_url());
  a.set_title(std::move(title));
  a.set_text(std::move(text));
  a.set_published_at_ms(1'700'000'000'000);
  a.set_fetched_at_ms(1'700'000'100'000);
  a.mutable_source()->set_id("src-test");
  a.mutable_source()->set_url("https://news.example/feed.xml");
  a.mutable_source()->set_kind("rss20");
  a.mutable_enrichment()->set_language("en");
  for (const std::string& name : tags) {
    v1::Tag* t = a.mutable_enrichment()->add_tags();
    t->set_name(name);
    t->set_key(TagKey(name));
    t->set_score(1.0);
  }
  return a;
}

}  // namespace newsflow::testing
