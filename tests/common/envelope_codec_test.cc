#include "common/delivery/envelope_codec.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/log/logging.h"
#include "common/util/time.h"
#include "tests/testing/test_util.h"

namespace newsflow {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::StatusIs;

TEST(EnvelopeCodecTest, NewEnvelopeHasSchemaVersionTraceIdAndTime) {
  int64_t before = NowMs();
  v1::Envelope e = NewEnvelope();
  int64_t after = NowMs();
  EXPECT_EQ(e.schema_version(), kSchemaVersion);
  EXPECT_EQ(e.trace_id().size(), 16u);
  EXPECT_GE(e.created_at_ms(), before);
  EXPECT_LE(e.created_at_ms(), after);
}

TEST(EnvelopeCodecTest, TraceIdsDiffer) { EXPECT_NE(NewEnvelope().trace_id(), NewEnvelope().trace_id()); }

TEST(EnvelopeCodecTest, ArticleRoundTrips) {
  v1::Envelope e = NewEnvelope();
  e.set_attempt(3);
  e.mutable_article()->set_id("abc");
  e.mutable_article()->set_title("标题 title");
  auto decoded = DecodeEnvelope(EncodeEnvelope(e));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->SerializeAsString(), e.SerializeAsString());
  EXPECT_EQ(decoded->article().title(), "标题 title");
  EXPECT_EQ(decoded->attempt(), 3u);
}

// Later stages rely on this instead of checking again: proto3 `string`
// fields (article.proto is proto3) fail to parse when they hold invalid
// UTF-8, so no enrich or store process receives an article carrying it.
TEST(EnvelopeCodecTest, ArticleWithInvalidUtf8DoesNotDecode) {
  v1::Envelope e = NewEnvelope();
  e.mutable_article()->set_id("abc");
  e.mutable_article()->set_title("caf\xC3\xA9 title");
  std::string bytes = EncodeEnvelope(e);
  const size_t at = bytes.find("caf\xC3\xA9");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] = '\xE9';  // Latin-1 "é" followed by a stray continuation byte
  EXPECT_FALSE(DecodeEnvelope(bytes).ok());
  bytes[at + 3] = '\xC3';  // restored: decodes
  EXPECT_THAT(DecodeEnvelope(bytes), IsOk());
}

struct DecodeCase {
  std::string name;
  std::string bytes;
  absl::StatusCode code;
};

std::string WithSchema(uint32_t version, bool with_payload) {
  v1::Envelope e;
  e.set_schema_version(version);
  if (with_payload) e.mutable_ack()->set_article_id("x");
  return e.SerializeAsString();
}

class DecodeEnvelopeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeEnvelopeTest, RejectsWithCode) {
  EXPECT_THAT(DecodeEnvelope(GetParam().bytes), StatusIs(GetParam().code));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeEnvelopeTest,
    ::testing::Values(
        DecodeCase{"Garbage", std::string("\xff\xff\xff\xff\x0f", 5), absl::StatusCode::kInvalidArgument},
        DecodeCase{"Empty", "", absl::StatusCode::kFailedPrecondition},
        DecodeCase{"SchemaZero", WithSchema(0, true), absl::StatusCode::kFailedPrecondition},
        DecodeCase{"SchemaFromTheFuture", WithSchema(kSchemaVersion + 1, true),
                   absl::StatusCode::kFailedPrecondition},
        DecodeCase{"NoPayload", WithSchema(kSchemaVersion, false), absl::StatusCode::kInvalidArgument}),
    [](const ::testing::TestParamInfo<DecodeCase>& info) { return info.param.name; });

TEST(EnvelopeCodecTest, AcceptsCurrentSchemaWithPayload) {
  EXPECT_THAT(DecodeEnvelope(WithSchema(kSchemaVersion, true)), IsOk());
}

TEST(BadInputReporterTest, CountsEveryReportEvenWhenLogIsRateLimited) {
  BadInputReporter reporter(NullLogger(), "test.input");
  zmq::message_t frame(std::string("junk"));
  for (int i = 0; i < 5; ++i) {
    reporter.Report(&frame, 1, absl::InvalidArgumentError("bad"));
  }
  reporter.Report(nullptr, 0, absl::InvalidArgumentError("bad"));
  EXPECT_EQ(reporter.count(), 6u);
}

}  // namespace
}  // namespace newsflow
