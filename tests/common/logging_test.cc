#include "common/log/logging.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// logrotate moves the file away, then signals the daemon: what is logged
// after ReopenLogs() lands in a new file under the configured name.
TEST(LoggingTest, ReopenAfterRotationWritesToTheConfiguredName) {
  testing::TempDir dir;
  LoggingConfig config;
  config.file = dir.Sub("newsflow.log");
  ASSERT_TRUE(InitLogging(config).ok());
  auto logger = MakeLogger("logging_test");
  logger->info("before rotation");
  logger->flush();
  ASSERT_EQ(std::rename(config.file.c_str(), dir.Sub("newsflow.log.1").c_str()), 0);
  logger->info("still the old file");
  ASSERT_TRUE(ReopenLogs().ok());
  logger->info("after rotation");
  logger->flush();

  std::string rotated = ReadAll(dir.Sub("newsflow.log.1"));
  EXPECT_THAT(rotated, HasSubstr("info logging_test: before rotation"));
  EXPECT_THAT(rotated, HasSubstr("still the old file"));
  std::string current = ReadAll(config.file);
  EXPECT_THAT(current, HasSubstr("after rotation"));
  EXPECT_THAT(current, Not(HasSubstr("before rotation")));
}

TEST(LoggingTest, UnwritableFileIsAnError) {
  LoggingConfig config;
  config.file = "/proc/newsflow-no-such-dir/newsflow.log";
  absl::Status s = InitLogging(config);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("logging.file"));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A log shipper reads one JSON object per line; a message with quotes, a
// newline and a control character stays one line and comes back intact.
TEST(LoggingTest, JsonFormatIsOneObjectPerEvent) {
  testing::TempDir dir;
  LoggingConfig config;
  config.file = dir.Sub("json.log");
  config.format = "json";
  ASSERT_TRUE(InitLogging(config).ok());
  auto logger = MakeLogger("logging_json_test");
  const std::string tricky = "store unreachable: \"tcp://a:1\"\nretrying\t\x01 in 2 s";
  logger->warn("{}", tricky);
  logger->info("second");
  logger->flush();
  std::vector<std::string> lines = Lines(ReadAll(config.file));
  ASSERT_EQ(lines.size(), 2u) << ReadAll(config.file);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "warning");
  EXPECT_EQ(first["logger"], "logging_json_test");
  EXPECT_EQ(first["msg"], tricky);
  EXPECT_THAT(first["ts"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z"));
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "second");
  config.format = "text";
  ASSERT_TRUE(InitLogging(config).ok());
}

TEST(LoggingTest, TextFormatKeepsAnEventOnOneLine) {
  testing::TempDir dir;
  LoggingConfig config;
  config.file = dir.Sub("text.log");
  ASSERT_TRUE(InitLogging(config).ok());
  auto logger = MakeLogger("logging_text_test");
  logger->error("first part\nsecond part");
  logger->flush();
  std::vector<std::string> lines = Lines(ReadAll(config.file));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("error logging_text_test: first part\\nsecond part"));
}

// Under systemd, stderr is journald's stream (JOURNAL_STREAM names it) and
// each line carries its syslog priority; elsewhere it does not.
TEST(LoggingTest, PriorityPrefixOnlyWhenStderrIsTheJournal) {
  testing::TempDir dir;
  auto log_stderr_to = [&](const std::string& path, bool name_it) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    std::fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    struct stat st {};
    fstat(fd, &st);
    close(fd);
    std::string stream = name_it ? fmt::format("{}:{}", st.st_dev, st.st_ino) : "1:1";
    setenv("JOURNAL_STREAM", stream.c_str(), 1);
    EXPECT_TRUE(InitLogging(LoggingConfig{}).ok());
    auto logger = MakeLogger("logging_journal_test");
    logger->warn("disk full");
    logger->info("recovered");
    logger->flush();
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    unsetenv("JOURNAL_STREAM");
    return Lines(ReadAll(path));
  };
  std::vector<std::string> journal = log_stderr_to(dir.Sub("journal"), true);
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_THAT(journal[0], ::testing::StartsWith("<4>"));
  EXPECT_THAT(journal[1], ::testing::StartsWith("<6>"));
  std::vector<std::string> plain = log_stderr_to(dir.Sub("plain"), false);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_THAT(plain[0], Not(HasSubstr("<4>")));
  EXPECT_THAT(plain[0], HasSubstr("warning logging_journal_test: disk full"));
  ASSERT_TRUE(InitLogging(LoggingConfig{}).ok());
}

}  // namespace
}  // namespace newsflow
