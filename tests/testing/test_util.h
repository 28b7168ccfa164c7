// Helpers shared by newsflow's unit tests.
//
//   TempDir dir;                                   // removed at scope exit
//   EXPECT_THAT(store->Upsert(batch), IsOk());
//   EXPECT_THAT(Fetch(req, opts), StatusIs(absl::StatusCode::kNotFound));
//   std::string ep = UniqueInprocEndpoint("store-input");
//   v1::Article a = MakeArticle("a", "Title", "Body", "AI", "Chips");
//   ASSERT_TRUE(WaitFor([&] { return got.size() == 3; }));
#ifndef NEWSFLOW_TESTS_TESTING_TEST_UTIL_H_
#define NEWSFLOW_TESTS_TESTING_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::testing {

// A fresh directory under $TMPDIR (or /tmp), removed recursively when the
// object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(std::string_view name) const;

 private:
  std::string path_;
};

// A small tmpfs mounted on a fresh directory, for tests of a full disk.
// Mounting needs CAP_SYS_ADMIN (root, as in CI); available() is false
// otherwise and the test should skip. Unmounted at scope exit.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(std::size_t size_bytes);
  ~SmallFilesystem();
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  bool available() const { return mounted_; }
  const std::string& path() const { return dir_.path(); }
  std::string Sub(std::string_view name) const { return dir_.Sub(name); }
  // Free bytes on the filesystem.
  std::size_t FreeBytes() const;
  // Takes all but `leave_bytes` of the free space with a filler file.
  void Fill(std::size_t leave_bytes);
  // Removes the filler file.
  void Free();

 private:
  TempDir dir_;
  bool mounted_ = false;
};

// Writes `bytes` to `path`, replacing it. Fails the current test on error.
void WriteFile(const std::string& path, std::string_view bytes);

// "inproc://<prefix>-<n>", unique within the process.
std::string UniqueInprocEndpoint(std::string_view prefix);

// Polls `predicate` every few milliseconds until it is true or `timeout`
// passes. Returns the predicate's last value.
bool WaitFor(const std::function<bool()>& predicate,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// An article as the store receives it: id = HashHex("test:" + id_seed),
// version = HashHex(title + "\n" + text), canonical_url derived from the
// seed, source "src-test", language "en", published_at_ms 1'700'000'000'000,
// one enrichment tag per name in `tags` (score 1.0, key TagKey(name)).
v1::Article MakeArticleWithTags(std::string_view id_seed, std::string title, std::string text,
                                const std::vector<std::string>& tags);

template <typename... Tags>
v1::Article MakeArticle(std::string_view id_seed, std::string title, std::string text, Tags&&... tags) {
  return MakeArticleWithTags(id_seed, std::move(title), std::move(text),
                             std::vector<std::string>{std::string(std::forward<Tags>(tags))...});
}

// --- Status matchers -------------------------------------------------------

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::newsflow::testing::GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status.ToString();
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + std::string(absl::StatusCodeToString(code))) {
  const absl::Status& status = ::newsflow::testing::GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code;
}

}  // namespace newsflow::testing

#endif  // NEWSFLOW_TESTS_TESTING_TEST_UTIL_H_
