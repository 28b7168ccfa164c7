#include "services/ingest/drop_folder.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/log/logging.h"
#include "tests/testing/test_util.h"

namespace newsflow::ingest {
namespace {

namespace fs = std::filesystem;
using ::newsflow::testing::IsOk;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WriteFile;

std::string JsonArticle(const std::string& url, const std::string& title, const std::string& text) {
  return nlohmann::json{{"url", url}, {"title", title}, {"text", text}}.dump();
}

class DropFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = IngestDb::Open(dir_.Sub("ingest"), false);
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
    outbox_ = std::make_unique<Outbox>(*db_, OutboxOptions{}, counters_, NullLogger());
    fs::create_directories(drop_);
    folder_ = std::make_unique<DropFolder>(
        drop_, "ingest-test", *outbox_, counters_, NullLogger(), clock_,
        [this](const absl::Status& s, std::string_view what) {
          db_errors_.push_back(std::string(what) + ": " + std::string(s.message()));
        });
  }

  // What the outbox would send, in order.
  std::vector<v1::Article> Sent() {
    std::vector<v1::Article> out;
    while (true) {
      auto next = outbox_->NextToSend();
      EXPECT_THAT(next, IsOk());
      if (!next.ok() || !next->has_value()) break;
      out.push_back((*next)->article());
      outbox_->Sent(out.back().id(), clock_.NowMs());
    }
    return out;
  }

  TempDir dir_;
  std::string drop_ = dir_.Sub("drop");
  FakeClock clock_;
  Counters counters_;
  std::unique_ptr<IngestDb> db_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<DropFolder> folder_;
  std::vector<std::string> db_errors_;
};

TEST_F(DropFolderTest, FilesAreAcceptedInNameOrderAndMovedToProcessed) {
  WriteFile(drop_ + "/b.json", JsonArticle("https://harbour.example/b", "Crane arrives",
                                           "The new crane arrived at the container quay on Friday."));
  WriteFile(drop_ + "/a.json", JsonArticle("https://harbour.example/a", "Quay extended",
                                           "The harbour board extended the quay by forty metres."));
  folder_->ScanOnce(std::stop_token());
  std::vector<v1::Article> sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].title(), "Quay extended");
  EXPECT_EQ(sent[1].title(), "Crane arrives");
  EXPECT_EQ(sent[0].origin(), "ingest-test");
  EXPECT_EQ(sent[0].fetched_at_ms(), clock_.NowMs());
  EXPECT_TRUE(fs::exists(drop_ + "/processed/a.json"));
  EXPECT_TRUE(fs::exists(drop_ + "/processed/b.json"));
  EXPECT_FALSE(fs::exists(drop_ + "/a.json"));
  EXPECT_EQ(counters_.Get("drop_files_accepted").value(), 2u);
  EXPECT_TRUE(db_errors_.empty());
  // Nothing is read twice.
  folder_->ScanOnce(std::stop_token());
  EXPECT_TRUE(Sent().empty());
}

TEST_F(DropFolderTest, UnusableFileMovesToFailedWithItsReason) {
  WriteFile(drop_ + "/broken.json", "{\"title\": \"no text\"");
  folder_->ScanOnce(std::stop_token());
  EXPECT_TRUE(Sent().empty());
  EXPECT_FALSE(fs::exists(drop_ + "/broken.json"));
  EXPECT_TRUE(fs::exists(drop_ + "/failed/broken.json"));
  ASSERT_TRUE(fs::exists(drop_ + "/failed/broken.json.error"));
  EXPECT_GT(fs::file_size(drop_ + "/failed/broken.json.error"), 1u);
  EXPECT_EQ(counters_.Get("drop_files_failed").value(), 1u);
  EXPECT_EQ(counters_.Get("drop_files_accepted").value(), 0u);
}

TEST_F(DropFolderTest, HiddenFilesAndFoldersAreLeftAlone) {
  const std::string text = JsonArticle("https://harbour.example/c", "Ferry delayed",
                                       "The morning ferry was delayed by fog in the bay.");
  WriteFile(drop_ + "/.partial.json", text);  // still being written
  fs::create_directories(drop_ + "/sub.json");
  folder_->ScanOnce(std::stop_token());
  EXPECT_TRUE(Sent().empty());
  EXPECT_TRUE(fs::exists(drop_ + "/.partial.json"));
  fs::rename(drop_ + "/.partial.json", drop_ + "/c.json");  // complete now
  folder_->ScanOnce(std::stop_token());
  std::vector<v1::Article> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].title(), "Ferry delayed");
  EXPECT_TRUE(fs::is_directory(drop_ + "/sub.json"));
}

TEST_F(DropFolderTest, StopRequestedBeforeTheScanLeavesFilesInPlace) {
  WriteFile(drop_ + "/d.json", JsonArticle("https://harbour.example/d", "Tugboat renamed",
                                           "The harbour's oldest tugboat was renamed after its captain."));
  std::stop_source stop;
  stop.request_stop();
  folder_->ScanOnce(stop.get_token());
  EXPECT_TRUE(fs::exists(drop_ + "/d.json"));
  EXPECT_TRUE(Sent().empty());
}

}  // namespace
}  // namespace newsflow::ingest
