#include "tests/testing/test_util.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
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
  std::string pattern =
      fmt::format("{}/newsflow-test-XXXXXX", base != nullptr && *base != '\0' ? base : "/tmp");
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

std::string TempDir::Sub(std::string_view name) const { return fmt::format("{}/{}", path_, name); }

SmallFilesystem::SmallFilesystem(std::size_t size_bytes) {
  if (dir_.path().empty()) return;
  std::string options = fmt::format("size={}", size_bytes);
  mounted_ = mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
}

SmallFilesystem::~SmallFilesystem() {
  if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
}

std::size_t SmallFilesystem::FreeBytes() const {
  struct statvfs st {};
  if (statvfs(dir_.path().c_str(), &st) != 0) return 0;
  return static_cast<std::size_t>(st.f_bavail) * st.f_frsize;
}

void SmallFilesystem::Fill(std::size_t leave_bytes) {
  std::size_t free = FreeBytes();
  if (free <= leave_bytes) return;
  int fd = open(Sub(".filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) {
    ADD_FAILURE() << "cannot create the filler file";
    return;
  }
  if (posix_fallocate(fd, 0, static_cast<off_t>(free - leave_bytes)) != 0) {
    ADD_FAILURE() << "cannot allocate the filler file";
  }
  close(fd);
}

void SmallFilesystem::Free() { unlink(Sub(".filler").c_str()); }

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
