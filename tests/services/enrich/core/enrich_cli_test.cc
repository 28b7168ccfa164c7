#include "services/enrich/core/enrich_cli.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/services/enrich/core/test_articles.h"

namespace newsflow::enrich {
namespace {

std::vector<nlohmann::json> ParseLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string InputLine(const std::string& id, const std::string& title, const std::string& text) {
  return nlohmann::json{{"id", id}, {"title", title}, {"text", text}}.dump() + "\n";
}

TEST(EnrichCliTest, JsonlProcessesEveryLineAndReportsMalformedOnes) {
  std::istringstream in(InputLine("a1", testing::kRobotTitle, testing::kRobotArticle) +
                        "{\"id\": \"broken\", \"text\": \n" + "\n" +  // blank lines are skipped
                        "{\"id\": \"b2\", \"title\": \"no text\"}\n" + "[1, 2]\n" +
                        InputLine("c3", "", testing::kChineseArticle));
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunEnrichJsonl(in, out, err, EnrichOptions{}), 0);
  const std::vector<nlohmann::json> lines = ParseLines(out.str());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0]["id"], "a1");
  EXPECT_EQ(lines[0]["lang"], "en");
  EXPECT_FALSE(lines[0]["tags"].empty());
  EXPECT_TRUE(lines[0]["tags"][0].contains("name"));
  EXPECT_TRUE(lines[0]["tags"][0].contains("score"));
  EXPECT_EQ(lines[0]["summary"].size(), 3u);
  EXPECT_TRUE(lines[0]["key_points"].is_array());

  EXPECT_TRUE(lines[1]["id"].is_null());
  EXPECT_TRUE(lines[1].contains("error"));
  EXPECT_EQ(lines[2]["id"], "b2");
  EXPECT_TRUE(lines[2].contains("error"));
  EXPECT_TRUE(lines[3]["id"].is_null());
  EXPECT_TRUE(lines[3].contains("error"));

  EXPECT_EQ(lines[4]["id"], "c3");
  EXPECT_EQ(lines[4]["lang"], "zh");
  EXPECT_NE(err.str().find("line 2"), std::string::npos);
}

TEST(EnrichCliTest, JsonlRespectsOptions) {
  std::istringstream in(InputLine("a1", testing::kRobotTitle, testing::kRobotArticle));
  std::ostringstream out;
  std::ostringstream err;
  RunEnrichJsonl(in, out, err, EnrichOptions{.max_tags = 2, .min_tags = 1, .summary_sentences = 2});
  const std::vector<nlohmann::json> lines = ParseLines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LE(lines[0]["tags"].size(), 2u);
  EXPECT_EQ(lines[0]["summary"].size(), 2u);
}

TEST(EnrichCliTest, FileModeUsesFirstLineAsTitle) {
  std::string path = ::testing::TempDir() + "newsflow_enrich_cli_XXXXXX";
  const int fd = mkstemp(path.data());
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream file(path);
    file << "\n  " << testing::kRobotTitle << "\n\n" << testing::kRobotArticle;
  }
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunEnrichFile(path, EnrichOptions{}, out, err), 0);
  std::remove(path.c_str());
  const nlohmann::json json = nlohmann::json::parse(out.str());
  EXPECT_EQ(json["lang"], "en");
  EXPECT_FALSE(json["tags"].empty());
  EXPECT_EQ(json["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_NE(out.str().find("\n  \""), std::string::npos);  // pretty-printed
}

TEST(EnrichCliTest, FileModeReportsMissingFile) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunEnrichFile("/nonexistent/newsflow/article.txt", EnrichOptions{}, out, err), 1);
  EXPECT_TRUE(out.str().empty());
  EXPECT_NE(err.str().find("article.txt"), std::string::npos);
}

TEST(EnrichCliTest, SplitTitleAndBody) {
  const auto [title, body] = SplitTitleAndBody("\n \n  Harbour news \r\nFirst line.\nSecond.");
  EXPECT_EQ(title, "Harbour news");
  EXPECT_EQ(body, "First line.\nSecond.");
  EXPECT_EQ(SplitTitleAndBody("").first, "");
}

// The JSONL writer formats results itself; every line must carry exactly
// what the JSON tree of EnrichResultToJson holds.
TEST(EnrichCliTest, JsonlLinesEqualTheResultJson) {
  const std::vector<std::pair<std::string, std::string>> articles = {
      {testing::kRobotTitle, testing::kRobotArticle},
      {"", testing::kChineseArticle},
      {"Quotes \"and\" escapes",
       "He said \"no\" twice.\tTabs, a back\\slash and \x01 control "
       "characters stay intact. The council voted on Monday. "
       "The mayor said the vote was close. Residents were split."},
  };
  std::string input;
  for (size_t i = 0; i < articles.size(); ++i) {
    input += InputLine(std::to_string(i), articles[i].first, articles[i].second);
  }
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunEnrichJsonl(in, out, err, EnrichOptions{}), 0);
  const std::vector<nlohmann::json> lines = ParseLines(out.str());
  ASSERT_EQ(lines.size(), articles.size());
  Enricher enricher(EnrichOptions{});
  for (size_t i = 0; i < articles.size(); ++i) {
    nlohmann::json expected =
        nlohmann::json::parse(EnrichResultToJson(enricher.Enrich(articles[i].first, articles[i].second), -1));
    expected["id"] = std::to_string(i);
    EXPECT_EQ(lines[i], expected) << i;
  }
}

// Input is read in blocks: lines longer than a block and a last line
// without a newline are read whole.
TEST(EnrichCliTest, JsonlReadsLongLinesAndAnUnterminatedLastLine) {
  std::string long_text;
  while (long_text.size() < 200000) long_text += "The port expanded its container terminal again. ";
  std::string input = InputLine("long", "Port", long_text) + InputLine("last", "", "Short text here.");
  input.pop_back();  // no final newline
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunEnrichJsonl(in, out, err, EnrichOptions{}), 0);
  const std::vector<nlohmann::json> lines = ParseLines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["id"], "long");
  EXPECT_FALSE(lines[0].contains("error"));
  EXPECT_EQ(lines[1]["id"], "last");
  EXPECT_TRUE(err.str().empty()) << err.str();
}

TEST(EnrichCliTest, ReadWordListSkipsCommentsAndBlankLines) {
  std::string path = ::testing::TempDir() + "newsflow_words_XXXXXX";
  const int fd = mkstemp(path.data());
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# domain terms\n贯流风机\n\n  偏心涡 \r\n#另一个注释\n超级电容器";
  auto words = ReadWordList(path);
  ASSERT_TRUE(words.ok()) << words.status();
  EXPECT_EQ(*words, (std::vector<std::string>{"贯流风机", "偏心涡", "超级电容器"}));
  std::remove(path.c_str());
  EXPECT_FALSE(ReadWordList(path).ok());
}

TEST(EnrichCliTest, ResultJsonReplacesInvalidUtf8) {
  EnrichResult result;
  result.summary.push_back("bad \xFF byte");
  const std::string json = EnrichResultToJson(result, -1);
  EXPECT_NO_THROW(nlohmann::json::parse(json));
}

}  // namespace
}  // namespace newsflow::enrich
