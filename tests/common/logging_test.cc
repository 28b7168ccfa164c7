#include "common/log/logging.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace newsflow
