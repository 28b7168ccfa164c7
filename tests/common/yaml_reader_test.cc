#include "common/config/yaml_reader.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

YAML::Node Parse(const std::string& text) {
  auto node = ParseYaml(text, "test.yaml");
  EXPECT_THAT(node, IsOk());
  return node.ok() ? *node : YAML::Node();
}

TEST(ParseYamlTest, SyntaxErrorNamesSourceLineAndColumn) {
  auto node = ParseYaml("a: 1\nb: [1, 2\n", "bad.yaml");
  ASSERT_THAT(node, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(node.status().message()), HasSubstr("bad.yaml: line "));
  EXPECT_THAT(std::string(node.status().message()), HasSubstr("column"));
}

TEST(YamlReaderTest, AbsentKeysLeaveDefaults) {
  std::vector<std::string> errors;
  YamlReader r(Parse("other: 1"), "", &errors);
  std::string s = "default";
  bool b = true;
  int i = 7;
  int64_t i64 = 8;
  double d = 0.5;
  std::vector<std::string> list{"x"};
  r.ReadString("s", &s);
  r.ReadBool("b", &b);
  r.ReadInt("i", &i, 0, 100);
  r.ReadInt64("i64", &i64, 0, 100);
  r.ReadDouble("d", &d, 0, 1);
  r.ReadStringList("list", &list);
  EXPECT_EQ(s, "default");
  EXPECT_TRUE(b);
  EXPECT_EQ(i, 7);
  EXPECT_EQ(i64, 8);
  EXPECT_EQ(d, 0.5);
  EXPECT_THAT(list, ElementsAre("x"));
  EXPECT_THAT(errors, IsEmpty());
}

TEST(YamlReaderTest, NullValueCountsAsAbsent) {
  std::vector<std::string> errors;
  YamlReader r(Parse("port: ~"), "", &errors);
  int port = 42;
  r.ReadInt("port", &port, 0, 65535);
  r.Finish();
  EXPECT_EQ(port, 42);
  EXPECT_THAT(errors, IsEmpty());
}

TEST(YamlReaderTest, ReadsEveryScalarType) {
  std::vector<std::string> errors;
  YamlReader r(Parse("s: hello\nb: false\ni: -3\ni64: 17179869184\nd: 0.25\n"
                     "list: [a, b]\ne: warn\n"),
               "", &errors);
  std::string s, e = "info";
  bool b = true;
  int i = 0;
  int64_t i64 = 0;
  double d = 0;
  std::vector<std::string> list;
  r.ReadString("s", &s);
  r.ReadBool("b", &b);
  r.ReadInt("i", &i, -10, 10);
  r.ReadInt64("i64", &i64, 0, int64_t{1} << 40);
  r.ReadDouble("d", &d, 0, 1);
  r.ReadStringList("list", &list);
  r.ReadEnum("e", &e, {"info", "warn"});
  r.Finish();
  EXPECT_EQ(s, "hello");
  EXPECT_FALSE(b);
  EXPECT_EQ(i, -3);
  EXPECT_EQ(i64, int64_t{17179869184});
  EXPECT_EQ(d, 0.25);
  EXPECT_THAT(list, ElementsAre("a", "b"));
  EXPECT_EQ(e, "warn");
  EXPECT_THAT(errors, IsEmpty());
}

struct BadValueCase {
  std::string yaml;
  std::string expected_error;  // substring
};

class YamlReaderBadValueTest : public ::testing::TestWithParam<BadValueCase> {};

TEST_P(YamlReaderBadValueTest, RecordsErrorWithKeyPathAndKeepsDefault) {
  std::vector<std::string> errors;
  YamlReader root(Parse(GetParam().yaml), "", &errors);
  YamlReader sec = root.Child("sec");
  std::string s = "ds";
  bool b = true;
  int i = 5;
  double d = 0.5;
  std::vector<std::string> list{"keep"};
  std::string e = "info";
  sec.ReadString("s", &s);
  sec.ReadBool("b", &b);
  sec.ReadInt("i", &i, 1, 10);
  sec.ReadDouble("d", &d, 0, 1);
  sec.ReadStringList("list", &list);
  sec.ReadEnum("e", &e, {"info", "warn"});
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr(GetParam().expected_error));
  EXPECT_EQ(s, "ds");
  EXPECT_TRUE(b);
  EXPECT_EQ(i, 5);
  EXPECT_EQ(d, 0.5);
  EXPECT_THAT(list, ElementsAre("keep"));
  EXPECT_EQ(e, "info");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, YamlReaderBadValueTest,
    ::testing::Values(BadValueCase{"sec: {s: [1, 2]}", "sec.s: must be a string"},
                      BadValueCase{"sec: {b: maybe}", "sec.b: must be true or false"},
                      BadValueCase{"sec: {i: twelve}", "sec.i: must be an integer"},
                      BadValueCase{"sec: {i: 2.5}", "sec.i: must be an integer"},
                      BadValueCase{"sec: {i: 11}", "sec.i: must be between 1 and 10, got 11"},
                      BadValueCase{"sec: {i: 0}", "sec.i: must be between 1 and 10, got 0"},
                      BadValueCase{"sec: {d: abc}", "sec.d: must be a number"},
                      BadValueCase{"sec: {d: 1.5}", "sec.d: must be between"},
                      BadValueCase{"sec: {list: x}", "sec.list: must be a list of strings"},
                      BadValueCase{"sec: {list: [a, [b]]}", "sec.list[1]: must be a string"},
                      BadValueCase{"sec: {e: loud}", "sec.e: must be one of [info, warn], got \"loud\""}));

TEST(YamlReaderTest, IntOutsideInt64IsAnError) {
  std::vector<std::string> errors;
  YamlReader r(Parse("n: 99999999999999999999999"), "", &errors);
  int64_t n = 1;
  r.ReadInt64("n", &n, 0, INT64_MAX);
  EXPECT_EQ(n, 1);
  EXPECT_THAT(errors, ElementsAre(HasSubstr("n: must be an integer")));
}

TEST(YamlReaderTest, FinishReportsUnconsumedKeysWithPath) {
  std::vector<std::string> errors;
  YamlReader root(Parse("store:\n  port: 1\n  prot: 2\ntypo: 3\n"), "", &errors);
  YamlReader store = root.Child("store");
  int port = 0;
  store.ReadInt("port", &port, 0, 10);
  store.Finish();
  root.Finish();
  EXPECT_THAT(errors, ElementsAre("store.prot: unknown key", "typo: unknown key"));
}

TEST(YamlReaderTest, KeyReadButAbsentIsNotUnknown) {
  std::vector<std::string> errors;
  YamlReader r(Parse("a: 1"), "", &errors);
  int a = 0, b = 0;
  r.ReadInt("a", &a, 0, 10);
  r.ReadInt("b", &b, 0, 10);
  r.Finish();
  EXPECT_THAT(errors, IsEmpty());
}

TEST(YamlReaderTest, ChildOfAbsentSectionIsEmptyReader) {
  std::vector<std::string> errors;
  YamlReader root(Parse("a: 1"), "", &errors);
  std::string a;
  root.ReadString("a", &a);
  YamlReader missing = root.Child("missing");
  int x = 3;
  missing.ReadInt("x", &x, 0, 10);
  missing.Finish();
  EXPECT_EQ(x, 3);
  EXPECT_FALSE(missing.Has("x"));
  EXPECT_THAT(errors, IsEmpty());
}

TEST(YamlReaderTest, ChildThatIsAListIsAnError) {
  std::vector<std::string> errors;
  YamlReader root(Parse("store: [1, 2]"), "", &errors);
  root.Child("store");
  EXPECT_THAT(errors, ElementsAre("store: must be a mapping"));
}

TEST(YamlReaderTest, ChildOrScalarAcceptsAScalarShorthand) {
  std::vector<std::string> errors;
  YamlReader root(Parse("input: tcp://127.0.0.1:5561"), "", &errors);
  YamlReader input = root.ChildOrScalar("input");
  ASSERT_TRUE(input.IsScalar());
  EXPECT_EQ(input.node().Scalar(), "tcp://127.0.0.1:5561");
  EXPECT_THAT(errors, IsEmpty());
}

TEST(YamlReaderTest, ChildThatIsAScalarIsAnError) {
  std::vector<std::string> errors;
  YamlReader root(Parse("logging: verbose"), "", &errors);
  YamlReader logging = root.Child("logging");
  std::string level = "info";
  logging.ReadEnum("level", &level, {"info", "warn"});
  logging.Finish();
  root.Finish();
  EXPECT_THAT(errors, ElementsAre("logging: must be a mapping"));
}

TEST(YamlReaderTest, ChildOrScalarAcceptsAMapping) {
  std::vector<std::string> errors;
  YamlReader root(Parse("input: {address: inproc://x}"), "", &errors);
  YamlReader input = root.ChildOrScalar("input");
  EXPECT_FALSE(input.IsScalar());
  std::string address;
  input.ReadString("address", &address);
  input.Finish();
  EXPECT_EQ(address, "inproc://x");
  EXPECT_THAT(errors, IsEmpty());
}

TEST(YamlReaderTest, ChildOrScalarRejectsAList) {
  std::vector<std::string> errors;
  YamlReader root(Parse("input: [a]"), "", &errors);
  root.ChildOrScalar("input");
  EXPECT_THAT(errors, ElementsAre("input: must be a mapping"));
}

TEST(YamlReaderTest, PathOfNestsSectionNames) {
  std::vector<std::string> errors;
  YamlReader root(Parse("store: {http: {port: 1}}"), "", &errors);
  YamlReader http = root.Child("store").Child("http");
  EXPECT_EQ(root.PathOf("x"), "x");
  EXPECT_EQ(http.PathOf("port"), "store.http.port");
}

TEST(YamlReaderTest, SequenceElementsCarryIndexedPaths) {
  std::vector<std::string> errors;
  YamlReader root(Parse("feeds:\n  - url: a\n  - url: b\n    bogus: 1\n"), "", &errors);
  std::vector<std::string> urls;
  for (YamlReader& item : root.Sequence("feeds")) {
    std::string url;
    item.ReadString("url", &url);
    urls.push_back(url);
    item.Finish();
  }
  root.Finish();
  EXPECT_THAT(urls, ElementsAre("a", "b"));
  EXPECT_THAT(errors, ElementsAre("feeds[1].bogus: unknown key"));
}

TEST(YamlReaderTest, SequenceOfNonListIsAnError) {
  std::vector<std::string> errors;
  YamlReader root(Parse("feeds: {a: 1}"), "", &errors);
  EXPECT_THAT(root.Sequence("feeds"), IsEmpty());
  EXPECT_THAT(errors, ElementsAre("feeds: must be a list"));
}

TEST(YamlReaderTest, RootThatIsAListIsAnError) {
  std::vector<std::string> errors;
  YamlReader root(Parse("[1, 2]"), "", &errors);
  EXPECT_THAT(errors, ElementsAre("<root>: must be a mapping"));
}

TEST(YamlReaderTest, ErrorRecordsCrossFieldProblem) {
  std::vector<std::string> errors;
  YamlReader root(Parse("poll: {}"), "ingest", &errors);
  root.Error("poll.min", "must not exceed poll.max");
  EXPECT_THAT(errors, ElementsAre("ingest.poll.min: must not exceed poll.max"));
}

TEST(YamlReaderTest, ErrorsFromSeveralReadersAccumulate) {
  std::vector<std::string> errors;
  YamlReader root(Parse("a: x\nb: {c: y}\n"), "", &errors);
  int a = 0, c = 0;
  root.ReadInt("a", &a, 0, 1);
  YamlReader b = root.Child("b");
  b.ReadInt("c", &c, 0, 1);
  EXPECT_THAT(errors, ElementsAre(HasSubstr("a: "), HasSubstr("b.c: ")));
}

}  // namespace
}  // namespace newsflow
