// The config parser (ParseConfig/LoadConfig) and the configs shipped in
// deploy/config/. Paths are relative to the repository root, which is ctest's
// working directory for this test.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <zmq.h>

#include "common/config/newsflow_config.h"
#include "common/runtime/service_main.h"
#include "services/cli/embedded_config.h"

namespace newsflow {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kConfigDir[] = "deploy/config";
constexpr char kReference[] = "deploy/config/newsflow.yaml";
constexpr char kEmbedded[] = "deploy/config/embedded.yaml";
constexpr char kCluster[] = "deploy/config/cluster-example.yaml";

// absl::Status::message() may be an absl::string_view that gMock's string
// matchers do not accept.
std::string Message(const absl::Status& status) { return std::string(status.message()); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void ExpectHttpLimitsEq(const HttpLimitsConfig& got, const HttpLimitsConfig& want, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(got.threads, want.threads);
  EXPECT_EQ(got.max_connections, want.max_connections);
  EXPECT_EQ(got.idle_timeout_s, want.idle_timeout_s);
  EXPECT_EQ(got.max_body_bytes, want.max_body_bytes);
  EXPECT_EQ(got.max_header_bytes, want.max_header_bytes);
  EXPECT_EQ(got.max_streams, want.max_streams);
}

void ExpectEndpointEq(const EndpointConfig& got, const EndpointConfig& want, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_EQ(got.address, want.address);
  EXPECT_EQ(got.bind, want.bind);
  EXPECT_EQ(got.hwm, want.hwm);
  EXPECT_EQ(got.curve_server_key, want.curve_server_key);
  EXPECT_EQ(got.curve_public_key, want.curve_public_key);
  EXPECT_EQ(got.curve_secret_key, want.curve_secret_key);
  EXPECT_EQ(got.curve_allowed_clients, want.curve_allowed_clients);
}

// Every field, so a shipped file cannot drift from the code's defaults.
void ExpectConfigEq(const NewsflowConfig& got, const NewsflowConfig& want) {
  EXPECT_EQ(got.data_dir, want.data_dir);
  EXPECT_EQ(got.logging.level, want.logging.level);
  EXPECT_EQ(got.drain.deadline_ms, want.drain.deadline_ms);

  const IngestConfig& gi = got.ingest;
  const IngestConfig& wi = want.ingest;
  EXPECT_EQ(gi.instance_id, wi.instance_id);
  EXPECT_EQ(gi.data_dir, wi.data_dir);
  ExpectEndpointEq(gi.articles, wi.articles, "ingest.articles");
  ExpectEndpointEq(gi.acks, wi.acks, "ingest.acks");
  ExpectEndpointEq(gi.control, wi.control, "ingest.control");
  ASSERT_EQ(gi.feeds.size(), wi.feeds.size());
  for (std::size_t i = 0; i < gi.feeds.size(); ++i) {
    EXPECT_EQ(gi.feeds[i].url, wi.feeds[i].url) << "ingest.feeds[" << i << "]";
    EXPECT_EQ(gi.feeds[i].interval_s, wi.feeds[i].interval_s) << "ingest.feeds[" << i << "]";
  }
  EXPECT_EQ(gi.drop_dir, wi.drop_dir);
  EXPECT_EQ(gi.drop_scan_interval_ms, wi.drop_scan_interval_ms);
  EXPECT_EQ(gi.default_interval_s, wi.default_interval_s);
  EXPECT_EQ(gi.min_interval_s, wi.min_interval_s);
  EXPECT_EQ(gi.max_interval_s, wi.max_interval_s);
  EXPECT_EQ(gi.max_failures, wi.max_failures);
  EXPECT_EQ(gi.fetch_threads, wi.fetch_threads);
  EXPECT_EQ(gi.http_timeout_ms, wi.http_timeout_ms);
  EXPECT_EQ(gi.max_feed_bytes, wi.max_feed_bytes);
  EXPECT_EQ(gi.user_agent, wi.user_agent);
  ExpectHttpLimitsEq(gi.api_limits, wi.api_limits, "ingest.api");
  EXPECT_EQ(gi.ack_timeout_ms, wi.ack_timeout_ms);
  EXPECT_EQ(gi.max_attempts, wi.max_attempts);
  EXPECT_EQ(gi.max_in_flight, wi.max_in_flight);
  EXPECT_EQ(gi.sync_writes, wi.sync_writes);
  EXPECT_EQ(gi.allow_networks, wi.allow_networks);
  EXPECT_EQ(gi.file_feeds_allowed_under, wi.file_feeds_allowed_under);
  EXPECT_EQ(gi.api_token, wi.api_token);

  const EnrichConfig& ge = got.enrich;
  const EnrichConfig& we = want.enrich;
  EXPECT_EQ(ge.worker_id, we.worker_id);
  ExpectEndpointEq(ge.input, we.input, "enrich.input");
  ExpectEndpointEq(ge.output, we.output, "enrich.output");
  EXPECT_EQ(ge.threads, we.threads);
  EXPECT_EQ(ge.max_tags, we.max_tags);
  EXPECT_EQ(ge.min_tags, we.min_tags);
  EXPECT_EQ(ge.summary_sentences, we.summary_sentences);
  EXPECT_EQ(ge.summary_max_chars, we.summary_max_chars);
  EXPECT_EQ(ge.key_points, we.key_points);
  EXPECT_EQ(ge.categories.size(), we.categories.size());
  EXPECT_EQ(ge.user_dictionary, we.user_dictionary);
  EXPECT_EQ(ge.share_term_counts, we.share_term_counts);
  ExpectEndpointEq(ge.term_counts_stream, we.term_counts_stream, "enrich.term_counts.stream");
  EXPECT_EQ(ge.term_counts_report_articles, we.term_counts_report_articles);
  EXPECT_EQ(ge.term_counts_report_interval_ms, we.term_counts_report_interval_ms);
  EXPECT_EQ(ge.http_enabled, we.http_enabled);
  EXPECT_EQ(ge.http_address, we.http_address);
  EXPECT_EQ(ge.http_port, we.http_port);
  EXPECT_EQ(ge.http_token, we.http_token);
  ExpectHttpLimitsEq(ge.http_limits, we.http_limits, "enrich.http");

  const StoreConfig& gs = got.store;
  const StoreConfig& ws = want.store;
  EXPECT_EQ(gs.data_dir, ws.data_dir);
  ExpectEndpointEq(gs.input, ws.input, "store.input");
  ExpectEndpointEq(gs.publish, ws.publish, "store.publish");
  ExpectEndpointEq(gs.acks, ws.acks, "store.acks");
  ExpectEndpointEq(gs.query, ws.query, "store.query");
  ExpectEndpointEq(gs.term_counts, ws.term_counts, "store.term_counts");
  EXPECT_EQ(gs.http_enabled, ws.http_enabled);
  EXPECT_EQ(gs.http_address, ws.http_address);
  EXPECT_EQ(gs.http_port, ws.http_port);
  EXPECT_EQ(gs.http_token, ws.http_token);
  ExpectHttpLimitsEq(gs.http_limits, ws.http_limits, "store.http");
  EXPECT_EQ(gs.sync_writes, ws.sync_writes);
  EXPECT_EQ(gs.max_batch, ws.max_batch);
  EXPECT_EQ(gs.memory_mb, ws.memory_mb);
  EXPECT_EQ(gs.term_counts_save_interval_ms, ws.term_counts_save_interval_ms);
  EXPECT_EQ(gs.default_limit, ws.default_limit);
  EXPECT_EQ(gs.max_limit, ws.max_limit);
}

class ShippedConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_directory(kConfigDir))
        << kConfigDir << " not found: run this test from the repository root (ctest does)";
  }
};

// ---- The shipped files ------------------------------------------------------

TEST_F(ShippedConfigTest, EveryShippedConfigLoads) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kConfigDir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_THAT(
      files, testing::IsSupersetOf({std::string(kReference), std::string(kEmbedded), std::string(kCluster)}));
  for (const auto& path : files) {
    auto config = LoadConfig(path);
    EXPECT_TRUE(config.ok()) << path << ": " << config.status();
  }
}

TEST_F(ShippedConfigTest, ReferenceEqualsBuiltInDefaults) {
  auto config = LoadConfig(kReference);
  ASSERT_TRUE(config.ok()) << config.status();
  ExpectConfigEq(*config, DefaultConfig());
}

// Every key the parser reads appears in the reference file: set, or (where the
// default is computed at run time or cannot be set) as a commented line.
TEST_F(ShippedConfigTest, ReferenceListsEveryKey) {
  const YAML::Node root = YAML::LoadFile(kReference);
  const std::vector<std::string> endpoint_fields = {"address",
                                                    "bind",
                                                    "hwm",
                                                    "curve_server_key",
                                                    "curve_public_key",
                                                    "curve_secret_key",
                                                    "curve_allowed_clients"};
  std::vector<std::string> keys = {"data_dir",
                                   "logging.level",
                                   "drain.deadline_ms",
                                   "ingest.instance_id",
                                   "ingest.feeds",
                                   "ingest.drop_dir",
                                   "ingest.drop_scan_interval_ms",
                                   "ingest.poll.default_interval_s",
                                   "ingest.poll.min_interval_s",
                                   "ingest.poll.max_interval_s",
                                   "ingest.poll.max_failures",
                                   "ingest.poll.fetch_threads",
                                   "ingest.http.timeout_ms",
                                   "ingest.http.max_feed_bytes",
                                   "ingest.http.user_agent",
                                   "ingest.outbox.ack_timeout_ms",
                                   "ingest.outbox.max_attempts",
                                   "ingest.outbox.max_in_flight",
                                   "ingest.outbox.sync_writes",
                                   "ingest.fetch.allow_networks",
                                   "ingest.fetch.file_feeds_allowed_under",
                                   "ingest.api.token",
                                   "enrich.threads",
                                   "enrich.tags.max_tags",
                                   "enrich.tags.min_tags",
                                   "enrich.summary.sentences",
                                   "enrich.summary.key_points",
                                   "store.query_limits.default_limit",
                                   "store.query_limits.max_limit",
                                   "store.http.enabled",
                                   "store.http.address",
                                   "store.http.port",
                                   "store.http.token",
                                   "store.sync_writes",
                                   "store.max_batch",
                                   "store.memory_mb",
                                   "store.term_counts_save_interval_ms",
                                   "enrich.http.enabled",
                                   "enrich.http.address",
                                   "enrich.http.port",
                                   "enrich.http.token",
                                   "enrich.http.threads",
                                   "enrich.http.max_connections",
                                   "transport.max_message_bytes"};
  for (const char* ep : {"ingest.articles", "ingest.acks", "ingest.control", "enrich.input", "enrich.output",
                         "store.input", "store.publish", "store.acks", "store.query", "store.term_counts"}) {
    for (const auto& field : endpoint_fields) keys.push_back(std::string(ep) + "." + field);
  }
  for (const auto& key : keys) {
    YAML::Node node = root;
    std::stringstream parts(key);
    std::string part;
    while (std::getline(parts, part, '.')) node.reset(node[part]);
    EXPECT_TRUE(node.IsDefined()) << key << " missing from " << kReference;
  }
  const std::string text = ReadFile(kReference);
  for (const char* commented : {"# data_dir: ./newsflow-data/ingest", "# worker_id:", "curve_secret_key_file",
                                "curve_allowed_clients_file", "# data_dir: ./newsflow-data/store"}) {
    EXPECT_THAT(text, HasSubstr(commented));
  }
}

// embedded.yaml holds what `newsflow run` uses without --config.
TEST_F(ShippedConfigTest, EmbeddedMatchesRunDefaults) {
  auto config = LoadConfig(kEmbedded);
  ASSERT_TRUE(config.ok()) << config.status();

  NewsflowConfig want = DefaultConfig();
  want.ingest.articles = MakeEndpoint("inproc://newsflow-articles", true, want.ingest.articles.hwm);
  want.enrich.input = MakeEndpoint("inproc://newsflow-articles", false, want.enrich.input.hwm);
  want.store.input = MakeEndpoint("inproc://newsflow-enriched", true, want.store.input.hwm);
  want.enrich.output = MakeEndpoint("inproc://newsflow-enriched", false, want.enrich.output.hwm);
  want.store.acks = MakeEndpoint("inproc://newsflow-acks", true, want.store.acks.hwm);
  want.ingest.acks = MakeEndpoint("inproc://newsflow-acks", false, want.ingest.acks.hwm);
  want.store.term_counts = MakeEndpoint("inproc://newsflow-term-counts", true, want.store.term_counts.hwm);
  want.enrich.term_counts_stream =
      MakeEndpoint("inproc://newsflow-term-counts", false, want.enrich.term_counts_stream.hwm);
  std::vector<std::string> feeds;
  for (const auto& entry : fs::directory_iterator(fs::path("samples") / "feeds")) {
    if (entry.path().extension() == ".xml") feeds.push_back(entry.path().string());
  }
  std::sort(feeds.begin(), feeds.end());
  ASSERT_FALSE(feeds.empty());
  for (const auto& f : feeds) want.ingest.feeds.push_back({f, 0});
  want.ingest.drop_dir = (fs::path(want.data_dir) / "drop").string();
  want.ingest.file_feeds_allowed_under = "samples/feeds";

  ExpectConfigEq(*config, want);
}

TEST_F(ShippedConfigTest, ClusterExampleUsesCurveAndToken) {
  auto config = LoadConfig(kCluster);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_NE(config->store.http_address, "127.0.0.1");
  EXPECT_FALSE(config->store.http_token.empty());
  // Each connecting side expects the public key that belongs to the secret
  // key of the side it connects to, and holds a consistent pair of its own.
  auto public_of = [](const std::string& secret) {
    char out[41] = {};
    return zmq_curve_public(out, secret.c_str()) == 0 ? std::string(out) : std::string("invalid");
  };
  const std::pair<const EndpointConfig*, const EndpointConfig*> links[] = {
      {&config->enrich.input, &config->ingest.articles},
      {&config->enrich.output, &config->store.input},
      {&config->ingest.acks, &config->store.acks},
      {&config->enrich.term_counts_stream, &config->store.term_counts}};
  for (const auto& [client, server] : links) {
    SCOPED_TRACE(client->address);
    EXPECT_TRUE(server->bind);
    EXPECT_FALSE(client->bind);
    EXPECT_THAT(client->address, testing::Not(HasSubstr("127.0.0.1")));
    EXPECT_EQ(client->curve_server_key, public_of(server->curve_secret_key));
    EXPECT_EQ(client->curve_public_key, public_of(client->curve_secret_key));
    // The server admits this client.
    EXPECT_THAT(server->curve_allowed_clients, testing::Contains(client->curve_public_key));
  }
}

// ---- The parser: rejected input -------------------------------------------

struct BadConfigCase {
  const char* name;
  const char* yaml;
  std::vector<std::string> problems;  // every problem reported, in order
};

const BadConfigCase kBadConfigs[] = {
    {"UnknownNestedKey", "store:\n  http:\n    prot: 8080\n", {"store.http.prot: unknown key"}},
    {"UnknownTopLevelKey", "stor:\n  sync_writes: true\n", {"stor: unknown key"}},
    {"UnknownEndpointKey",
     "ingest:\n  articles:\n    adress: tcp://127.0.0.1:1\n",
     {"ingest.articles.adress: unknown key"}},
    {"IntNotANumber", "enrich:\n  tags:\n    max_tags: many\n", {"enrich.tags.max_tags: must be an integer"}},
    {"IntAboveRange",
     "enrich:\n  tags:\n    max_tags: 51\n",
     {"enrich.tags.max_tags: must be between 1 and 50, got 51"}},
    {"PortAboveRange",
     "store:\n  http:\n    port: 70000\n",
     {"store.http.port: must be between 0 and 65535, got 70000"}},
    {"StoreMemoryBelowRange",
     "store:\n  memory_mb: 8\n",
     {"store.memory_mb: must be between 16 and 1048576, got 8"}},
    {"Int64BelowRange",
     "ingest:\n  http:\n    max_feed_bytes: 10\n",
     {"ingest.http.max_feed_bytes: must be between 1024 and 17179869184, got 10"}},
    {"NegativeDeadline",
     "drain:\n  deadline_ms: -1\n",
     {"drain.deadline_ms: must be between 0 and 1073741824, got -1"}},
    {"ZeroHwm",
     "enrich:\n  input:\n    address: tcp://127.0.0.2:5561\n    hwm: 0\n",
     {"enrich.input.hwm: must be between 1 and 1073741824, got 0"}},
    {"NotABool", "store:\n  sync_writes: maybe\n", {"store.sync_writes: must be true or false"}},
    {"NotALevel",
     "logging:\n  level: loud\n",
     {"logging.level: must be one of [trace, debug, info, warn, error, critical, off], got \"loud\""}},
    {"StringIsAList", "ingest:\n  instance_id: [a, b]\n", {"ingest.instance_id: must be a string"}},
    {"SectionIsAList", "store: [1, 2]\n", {"store: must be a mapping"}},
    {"MinTagsAboveMax",
     "enrich:\n  tags:\n    max_tags: 3\n    min_tags: 4\n",
     {"enrich.tags.min_tags: must not exceed tags.max_tags"}},
    {"MinIntervalAboveMax",
     "ingest:\n  poll:\n    min_interval_s: 600\n    max_interval_s: 60\n",
     {"ingest.poll.min_interval_s: must not exceed poll.max_interval_s"}},
    {"PublicHttpWithoutToken",
     "store:\n  http:\n    address: 0.0.0.0\n",
     {"store.http.address: a non-loopback address requires store.http.token"}},
    {"PublicEnrichHttpWithoutToken",
     "enrich:\n  http:\n    address: 0.0.0.0\n",
     {"enrich.http.address: a non-loopback address requires enrich.http.token"}},
    {"EnrichHttpPortAboveRange",
     "enrich:\n  http:\n    port: 65536\n",
     {"enrich.http.port: must be between 0 and 65535, got 65536"}},
    {"EnrichHttpUnknownKey", "enrich:\n  http:\n    prot: 8482\n", {"enrich.http.prot: unknown key"}},
    {"EndpointWithoutScheme",
     "store:\n  input:\n    address: 127.0.0.1:5562\n",
     {"store.input.address: must be a ZeroMQ endpoint such as tcp://host:port, got \"127.0.0.1:5562\""}},
    {"ShortCurveKey",
     "ingest:\n  articles:\n    curve_secret_key: short\n",
     {"ingest.articles: CurveZMQ keys must be 40-character Z85 strings"}},
    {"AllowListOnClient",
     "enrich:\n  input:\n    address: tcp://127.0.0.1:5561\n    curve_allowed_clients: "
     "[\"f8o1J}Ea5gVNA@Y3>-<@A><h+R{u/szQ6i?d:rxz\"]\n",
     {"enrich.input.curve_allowed_clients: only a binding socket with curve_secret_key (a CURVE server) "
      "admits clients"}},
    {"AllowListBadKey",
     "store:\n  input:\n    curve_secret_key: \"Wa.h<E-K3@:0rsS&BbWZRvbKvoE-ontZ8(noGi@R\"\n    "
     "curve_allowed_clients: [nope]\n",
     {"store.input.curve_allowed_clients: \"nope\" is not a 40-character Z85 public key"}},
    {"FeedWithoutUrl",
     "ingest:\n  feeds:\n    - interval_s: 60\n",
     {"ingest.feeds[0].url: must not be empty"}},
    {"FeedUnknownKey",
     "ingest:\n  feeds:\n    - https://a.example/a.xml\n    - url: https://b.example/b.xml\n      every: "
     "60\n",
     {"ingest.feeds[1].every: unknown key"}},
    {"LocalFeedWithoutOptIn",
     "ingest:\n  feeds:\n    - https://a.example/rss\n    - /srv/feeds/a.xml\n",
     {"ingest.feeds[1].url: a local file feed needs ingest.fetch.file_feeds_allowed_under"}},
    {"LocalFeedOutsideOptIn",
     "ingest:\n  fetch:\n    file_feeds_allowed_under: /srv/feeds\n  feeds:\n    - "
     "file:///srv/feeds/../secret.xml\n",
     {"ingest.feeds[0].url: /srv/feeds/../secret.xml is outside ingest.fetch.file_feeds_allowed_under "
      "(/srv/feeds)"}},
    {"FeedWithOtherScheme",
     "ingest:\n  feeds:\n    - gopher://a.example/rss\n",
     {"ingest.feeds[0].url: \"gopher://a.example/rss\" is neither an http(s) URL nor a local file"}},
    {"BadAllowNetwork",
     "ingest:\n  fetch:\n    allow_networks: [127.0.0.0/8, 10.0.0.1/8]\n",
     {"ingest.fetch.allow_networks: \"10.0.0.1/8\" is not a network such as 10.0.0.0/8 or fd00::/8: host "
      "bits are set below the prefix"}},
    {"FileRootIsTheWholeDisk",
     "ingest:\n  fetch:\n    file_feeds_allowed_under: /\n",
     {"ingest.fetch.file_feeds_allowed_under: must be a folder of feed files, not /, /proc, /sys or /dev"}},
    {"FileRootInProc",
     "ingest:\n  fetch:\n    file_feeds_allowed_under: /proc/self\n",
     {"ingest.fetch.file_feeds_allowed_under: must be a folder of feed files, not /, /proc, /sys or /dev"}},
    {"FeedsNotAList", "ingest:\n  feeds: a.xml\n", {"ingest.feeds: must be a list"}},
    {"MissingUserDictionary",
     "enrich:\n  user_dictionary: /nonexistent/words.txt\n",
     {"enrich.user_dictionary: cannot read /nonexistent/words.txt"}},
    {"CategoryWithoutTag",
     "enrich:\n  categories:\n    - keywords: [chip]\n",
     {"enrich.categories[0].tag: must not be empty"}},
    {"CategoryWithoutMatch",
     "enrich:\n  categories:\n    - tag: Chips\n",
     {"enrich.categories[0].keywords: a category needs keywords or a pattern"}},
    {"CategoryPatternWithLookahead",
     "enrich:\n  categories:\n    - tag: Chips\n      pattern: 'chip(?=s)'\n",
     {"enrich.categories[0].pattern: not a valid regular expression: invalid perl operator: (?="}},
    {"WildcardBindWithoutCurve",
     "store:\n  input: tcp://0.0.0.0:5562\n",
     {"store.input: tcp://0.0.0.0:5562 is reachable from other hosts (not loopback, inproc:// or ipc://), so "
      "it needs CurveZMQ: curve_secret_key and curve_allowed_clients (or their _file variants) (see "
      "deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a 127.0.0.1 address"}},
    {"StarBindWithoutCurve",
     "ingest:\n  articles: tcp://*:5561\n",
     {"ingest.articles: tcp://*:5561 is reachable from other hosts (not loopback, inproc:// or ipc://), so "
      "it needs CurveZMQ: curve_secret_key and curve_allowed_clients (or their _file variants) (see "
      "deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a 127.0.0.1 address"}},
    {"Ipv6WildcardBindWithoutCurve",
     "store:\n  publish: tcp://[::]:5563\n",
     {"store.publish: tcp://[::]:5563 is reachable from other hosts (not loopback, inproc:// or ipc://), so "
      "it needs CurveZMQ: curve_secret_key and curve_allowed_clients (or their _file variants) (see "
      "deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a 127.0.0.1 address"}},
    {"CurveServerWithoutAllowList",
     "store:\n  acks:\n    address: tcp://10.0.0.5:5564\n    bind: true\n    curve_secret_key: "
     "\"Wa.h<E-K3@:0rsS&BbWZRvbKvoE-ontZ8(noGi@R\"\n",
     {"store.acks: tcp://10.0.0.5:5564 is reachable from other hosts (not loopback, inproc:// or ipc://), so "
      "it needs CurveZMQ: curve_secret_key and curve_allowed_clients (or their _file variants) (see "
      "deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a 127.0.0.1 address"}},
    {"HostNameConnectWithoutCurve",
     "enrich:\n  output: tcp://store.internal:5562\n",
     {"enrich.output: tcp://store.internal:5562 is reachable from other hosts (not loopback, inproc:// or "
      "ipc://), so it needs CurveZMQ: curve_server_key, curve_public_key and curve_secret_key (or their "
      "_file variants) (see deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a "
      "127.0.0.1 address"}},
    {"TermCountsStreamWithoutCurve",
     "enrich:\n  term_counts:\n    stream: tcp://192.0.2.7:5564\n",
     {"enrich.term_counts.stream: tcp://192.0.2.7:5564 is reachable from other hosts (not loopback, "
      "inproc:// or ipc://), so it needs CurveZMQ: curve_server_key, curve_public_key and curve_secret_key "
      "(or their _file variants) (see deploy/config/cluster-example.yaml; `newsflow keygen` makes key "
      "pairs), or use a 127.0.0.1 address"}},
    {"ControlOnPublicAddress",
     "ingest:\n  control: tcp://192.0.2.1:5560\n",
     {"ingest.control: tcp://192.0.2.1:5560 is reachable from other hosts (not loopback, inproc:// or "
      "ipc://), so it needs CurveZMQ: curve_secret_key and curve_allowed_clients (or their _file variants) "
      "(see deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a 127.0.0.1 "
      "address"}},
    {"QueryOnInterfaceName",
     "store:\n  query: tcp://eth0:5565\n",
     {"store.query: tcp://eth0:5565 is reachable from other hosts (not loopback, inproc:// or ipc://), so it "
      "needs CurveZMQ: curve_secret_key and curve_allowed_clients (or their _file variants) (see "
      "deploy/config/cluster-example.yaml; `newsflow keygen` makes key pairs), or use a 127.0.0.1 address"}},
    {"DottedInstanceId",
     "ingest:\n  instance_id: ingest.eu\n",
     {"ingest.instance_id: must be 1-64 letters, digits, '-' or '_' (acks are routed by it)"}},
    {"KeyAndKeyFile",
     "store:\n  input:\n    curve_secret_key: \"Wa.h<E-K3@:0rsS&BbWZRvbKvoE-ontZ8(noGi@R\"\n    "
     "curve_secret_key_file: /nonexistent\n",
     {"store.input.curve_secret_key_file: set either curve_secret_key or curve_secret_key_file, not both"}},
    {"MissingKeyFile",
     "store:\n  input:\n    curve_secret_key_file: /nonexistent/store.key\n",
     {"store.input.curve_secret_key_file: cannot read /nonexistent/store.key"}},
    {"MessageLimitBelowFeedSize",
     "transport:\n  max_message_bytes: 1000000\n",
     {"transport.max_message_bytes: must be at least 3 * ingest.http.max_feed_bytes (50331648): an article "
      "envelope carries the text, the source's summary and the enrichment"}},
    {"EmptyDataDir", "data_dir: \"\"\n", {"data_dir: must not be empty"}},
    {"SeveralAtOnce",
     "logging:\n  level: loud\nenrich:\n  threads: 0\nstore:\n  http:\n    prot: 1\n",
     {"logging.level: must be one of [trace, debug, info, warn, error, critical, off], got \"loud\"",
      "enrich.threads: must be between 1 and 256, got 0", "store.http.prot: unknown key"}},
};

class BadConfigTest : public testing::TestWithParam<BadConfigCase> {};

TEST_P(BadConfigTest, ReportsEveryProblemWithItsKeyPath) {
  const BadConfigCase& c = GetParam();
  auto config = ParseConfig(c.yaml, "test.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  // "test.yaml: N problem(s):\n  <path>: <problem>\n  ..."
  std::string want = "test.yaml: " + std::to_string(c.problems.size()) + " problem(s):";
  for (const auto& p : c.problems) want += "\n  " + p;
  EXPECT_EQ(Message(config.status()), want);
}

INSTANTIATE_TEST_SUITE_P(Parser, BadConfigTest, testing::ValuesIn(kBadConfigs),
                         [](const testing::TestParamInfo<BadConfigCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ParseConfigTest, SyntaxErrorGivesLineAndColumn) {
  auto config = ParseConfig("store:\n  http:\n    port: 1\n   bad: x\n", "test.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(config.status()), StartsWith("test.yaml: line 4 column 4: "));
}

TEST(ParseConfigTest, TopLevelMustBeAMapping) {
  for (const char* yaml : {"- a\n- b\n", "just text\n"}) {
    auto config = ParseConfig(yaml, "test.yaml");
    ASSERT_FALSE(config.ok()) << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(config.status()), HasSubstr("top level must be a mapping"));
  }
}

TEST(LoadConfigTest, MissingFileIsNotFound) {
  auto config = LoadConfig("deploy/config/no-such-file.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(config.status()), HasSubstr("no-such-file.yaml"));
}

// ---- The parser: accepted input -------------------------------------------

TEST(ParseConfigTest, EmptyFileGivesDefaults) {
  for (const char* yaml : {"", "# nothing but a comment\n", "logging: {}\nstore: {}\n"}) {
    SCOPED_TRACE(yaml);
    auto config = ParseConfig(yaml);
    ASSERT_TRUE(config.ok()) << config.status();
    ExpectConfigEq(*config, DefaultConfig());
  }
}

TEST(ParseConfigTest, EndpointScalarIsAddressWithDefaultSideAndHwm) {
  auto config = ParseConfig(
      "enrich:\n  input: tcp://localhost:5561\n"
      "store:\n  input: tcp://[::1]:6000\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ExpectEndpointEq(config->enrich.input, MakeEndpoint("tcp://localhost:5561", false, 100), "enrich.input");
  ExpectEndpointEq(config->store.input, MakeEndpoint("tcp://[::1]:6000", true, 1000), "store.input");
}

TEST(ParseConfigTest, EndpointMapSetsEveryField) {
  const std::string server(40, 'S'), pub(40, 'P'), secret(40, 'K');
  auto config = ParseConfig(
      "enrich:\n  output:\n    address: tcp://127.0.0.1:5562\n"
      "    bind: true\n    hwm: 42\n    curve_server_key: " +
      server + "\n    curve_public_key: " + pub + "\n    curve_secret_key: " + secret + "\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EndpointConfig want = MakeEndpoint("tcp://127.0.0.1:5562", true, 42);
  want.curve_server_key = server;
  want.curve_public_key = pub;
  want.curve_secret_key = secret;
  ExpectEndpointEq(config->enrich.output, want, "enrich.output");
}

TEST(ParseConfigTest, FeedsTakeStringsOrMaps) {
  auto config = ParseConfig(
      "ingest:\n  fetch: {file_feeds_allowed_under: .}\n  feeds:\n    - https://example.org/rss.xml\n"
      "    - {url: local.atom.xml, interval_s: 300}\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->ingest.feeds.size(), 2u);
  EXPECT_EQ(config->ingest.feeds[0].url, "https://example.org/rss.xml");
  EXPECT_EQ(config->ingest.feeds[0].interval_s, 0);
  EXPECT_EQ(config->ingest.feeds[1].url, "local.atom.xml");
  EXPECT_EQ(config->ingest.feeds[1].interval_s, 300);
}

TEST(ParseConfigTest, FetchPolicyKeys) {
  auto config = ParseConfig(
      "ingest:\n  fetch:\n    allow_networks: [127.0.0.0/8, \"::1/128\", fd00::/8]\n"
      "    file_feeds_allowed_under: /srv/feeds\n  feeds: [/srv/feeds/a.xml, \"file:///srv/feeds/b.xml\"]\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ingest.allow_networks, (std::vector<std::string>{"127.0.0.0/8", "::1/128", "fd00::/8"}));
  EXPECT_EQ(config->ingest.file_feeds_allowed_under, "/srv/feeds");
  EXPECT_TRUE(DefaultConfig().ingest.allow_networks.empty());
  EXPECT_EQ(DefaultConfig().ingest.file_feeds_allowed_under, "");
}

TEST(ParseConfigTest, DataDirsDeriveFromDataDirUnlessSet) {
  auto config = ParseConfig("data_dir: /srv/nf\nstore:\n  data_dir: /fast/store\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ingest.data_dir, "/srv/nf/ingest");
  EXPECT_EQ(config->store.data_dir, "/fast/store");
  EXPECT_EQ(DefaultConfig().ingest.data_dir, "./newsflow-data/ingest");
  EXPECT_EQ(DefaultConfig().store.data_dir, "./newsflow-data/store");
}

TEST(ParseConfigTest, HttpNeedsTokenOnlyBeyondLoopback) {
  for (const char* address : {"127.0.0.1", "\"::1\"", "localhost"}) {
    auto config = ParseConfig(std::string("store:\n  http:\n    address: ") + address + "\n");
    EXPECT_TRUE(config.ok()) << address << ": " << config.status();
  }
  auto config = ParseConfig("store:\n  http:\n    address: 0.0.0.0\n    token: s3cret\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->store.http_address, "0.0.0.0");
  EXPECT_EQ(config->store.http_token, "s3cret");
  // The enrich workers' health and metrics server follows the same rule.
  auto worker = ParseConfig("enrich:\n  http:\n    address: 0.0.0.0\n    port: 0\n    token: s3cret\n");
  ASSERT_TRUE(worker.ok()) << worker.status();
  EXPECT_EQ(worker->enrich.http_port, 0);
  EXPECT_EQ(worker->enrich.http_token, "s3cret");
  EXPECT_TRUE(ParseConfig("enrich:\n  http:\n    address: 0.0.0.0\n    enabled: false\n").ok());
}

TEST(ParseConfigTest, CrossFieldRulesAcceptEqualValues) {
  auto config = ParseConfig(
      "enrich:\n  tags: {max_tags: 4, min_tags: 4}\n"
      "ingest:\n  poll: {min_interval_s: 300, max_interval_s: 300, default_interval_s: 300}\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->enrich.min_tags, 4);
  EXPECT_EQ(config->ingest.max_interval_s, 300);
}

TEST(ParseConfigTest, LocalOnlyEndpointsNeedNoKeys) {
  for (const char* address : {"tcp://127.0.0.1:5562", "tcp://127.8.9.10:5562", "tcp://[::1]:5562",
                              "tcp://localhost:5562", "inproc://x", "ipc:///run/newsflow/input"}) {
    auto config = ParseConfig(std::string("store:\n  input: ") + address + "\n");
    EXPECT_TRUE(config.ok()) << address << ": " << config.status();
  }
  EXPECT_TRUE(IsLocalOnlyEndpoint("tcp://127.0.0.1:*"));
  EXPECT_FALSE(IsLocalOnlyEndpoint("tcp://127.0.0.1.example.com:1"));
  EXPECT_FALSE(IsLocalOnlyEndpoint("tcp://[::ffff:10.0.0.1]:1"));
  EXPECT_FALSE(IsLocalOnlyEndpoint("tcp://127.0.0.1:1;10.0.0.1:5562"));
  EXPECT_FALSE(IsLocalOnlyEndpoint("udp://127.0.0.1:1"));
}

// A temporary folder with CurveZMQ key pairs in files, as a mounted Secret.
class KeyFiles {
 public:
  KeyFiles() : dir_(fs::temp_directory_path() / ("nf-keys-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~KeyFiles() { fs::remove_all(dir_); }
  // Writes <name>.public and <name>.secret; returns the public key.
  std::string MakePair(const std::string& name) {
    char pub[41], secret[41];
    EXPECT_EQ(zmq_curve_keypair(pub, secret), 0);
    std::ofstream(dir_ / (name + ".public")) << pub << "\n";
    std::ofstream(dir_ / (name + ".secret")) << "  " << secret << "\n";
    return pub;
  }
  std::string dir() const { return dir_.string(); }

 private:
  fs::path dir_;
};

TEST(ParseConfigTest, KeysComeFromFiles) {
  KeyFiles keys;
  const std::string server = keys.MakePair("server");
  const std::string client = keys.MakePair("client");
  const std::string other = keys.MakePair("other");
  std::ofstream(keys.dir() + "/clients") << "# workers\n" << client << "\n\n  " << other << "  \n";
  const std::string d = keys.dir();
  auto config = ParseConfig(
      "store:\n  input:\n    address: tcp://0.0.0.0:5562\n    bind: true\n"
      "    curve_secret_key_file: " +
      d +
      "/server.secret\n"
      "    curve_allowed_clients_file: " +
      d +
      "/clients\n"
      "enrich:\n  output:\n    address: tcp://store:5562\n"
      "    curve_server_key_file: " +
      d +
      "/server.public\n"
      "    curve_public_key_file: " +
      d +
      "/client.public\n"
      "    curve_secret_key_file: " +
      d + "/client.secret\n");
  ASSERT_TRUE(config.ok()) << config.status();
  char derived[41];
  ASSERT_EQ(zmq_curve_public(derived, config->store.input.curve_secret_key.c_str()), 0);
  EXPECT_EQ(std::string(derived), server);
  EXPECT_THAT(config->store.input.curve_allowed_clients, testing::ElementsAre(client, other));
  EXPECT_EQ(config->enrich.output.curve_server_key, server);
  EXPECT_EQ(config->enrich.output.curve_public_key, client);
  ASSERT_EQ(zmq_curve_public(derived, config->enrich.output.curve_secret_key.c_str()), 0);
  EXPECT_EQ(std::string(derived), client);
}

TEST(ParseConfigTest, MessageLimitReachesEveryEndpoint) {
  auto config = ParseConfig("transport:\n  max_message_bytes: 60000000\n");
  ASSERT_TRUE(config.ok()) << config.status();
  for (const EndpointConfig* ep :
       {&config->ingest.articles, &config->ingest.acks, &config->ingest.control, &config->enrich.input,
        &config->enrich.output, &config->enrich.term_counts_stream, &config->store.input,
        &config->store.publish, &config->store.acks, &config->store.query, &config->store.term_counts}) {
    EXPECT_EQ(ep->max_message_bytes, 60000000) << ep->address;
  }
  EXPECT_EQ(DefaultConfig().store.input.max_message_bytes, kDefaultMaxMessageBytes);
}

// A config from before store.term_counts existed: the store's term-counts
// socket follows its acks socket, beside it.
TEST(ParseConfigTest, TermCountsEndpointFollowsAcksWhenAbsent) {
  struct Case {
    std::string acks;
    std::string want;
  };
  for (const Case& c :
       {Case{"tcp://127.0.0.1:7564", "tcp://127.0.0.1:7566"}, Case{"tcp://127.0.0.1:*", "tcp://127.0.0.1:*"},
        Case{"tcp://[::1]:5564", "tcp://[::1]:5566"}, Case{"inproc://acks", "inproc://acks-term-counts"},
        Case{"ipc:///run/nf/acks", "ipc:///run/nf/acks-term-counts"}}) {
    auto config =
        ParseConfig(fmt::format("store:\n  acks: {{address: \"{}\", bind: true, hwm: 77}}\n", c.acks));
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->store.term_counts.address, c.want) << c.acks;
    EXPECT_TRUE(config->store.term_counts.bind);
    EXPECT_EQ(config->store.term_counts.hwm, 77);
  }
  // Set explicitly, it is what the config says.
  auto config = ParseConfig(
      "store:\n  acks: {address: \"tcp://127.0.0.1:7564\", bind: true}\n"
      "  term_counts: {address: \"tcp://127.0.0.1:9000\", bind: true}\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->store.term_counts.address, "tcp://127.0.0.1:9000");
  // No store section at all: the defaults, which agree with enrich's.
  auto empty = ParseConfig("data_dir: x\n");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->store.term_counts.address, DefaultConfig().store.term_counts.address);
  EXPECT_EQ(empty->store.term_counts.address, empty->enrich.term_counts_stream.address);
}

// The k8s ConfigMap's newsflow.yaml, with the keys the Secret would mount:
// it must pass the checks the daemons run at start.
TEST(ShippedK8sTest, ConfigMapLoadsWithMountedKeys) {
  const YAML::Node configmap = YAML::LoadFile("deploy/k8s/configmap.yaml");
  std::string yaml = configmap["data"]["newsflow.yaml"].as<std::string>();
  KeyFiles keys;
  for (const char* name : {"ingest", "store", "enrich", "ingest-client"}) keys.MakePair(name);
  // The allow-lists are made from the client public keys, as the docs say.
  std::ofstream(keys.dir() + "/enrich.clients") << ReadFile(keys.dir() + "/enrich.public");
  std::ofstream(keys.dir() + "/acks.clients") << ReadFile(keys.dir() + "/ingest-client.public");
  const std::string mount = "/etc/newsflow-keys";
  ASSERT_NE(yaml.find(mount), std::string::npos);
  for (auto pos = yaml.find(mount); pos != std::string::npos; pos = yaml.find(mount, pos)) {
    yaml.replace(pos, mount.size(), keys.dir());
  }
  auto config = ParseConfig(yaml, "configmap.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->store.input.curve_secret_key.empty());
  EXPECT_FALSE(config->ingest.articles.curve_allowed_clients.empty());
}

// Every folder derived from data_dir follows --data-dir, the enrich crash
// journal too (the systemd unit gives each worker its own state folder).
TEST(ConfigOverridesTest, DataDirMovesEveryDerivedFolder) {
  auto config = LoadConfigWithOverrides("", "/var/lib/newsflow/enrich-1", "");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ingest.data_dir, "/var/lib/newsflow/enrich-1/ingest");
  EXPECT_EQ(config->store.data_dir, "/var/lib/newsflow/enrich-1/store");
  EXPECT_EQ(config->enrich.journal_dir, "/var/lib/newsflow/enrich-1/enrich-journal");
}

// `newsflow run` without --config: every folder lies under its data dir.
TEST(EmbeddedConfigTest, EveryFolderIsUnderTheDataDir) {
  NewsflowConfig c = cli::EmbeddedDefaultConfig("/srv/nf");
  EXPECT_EQ(c.ingest.data_dir, "/srv/nf/ingest");
  EXPECT_EQ(c.store.data_dir, "/srv/nf/store");
  EXPECT_EQ(c.enrich.journal_dir, "/srv/nf/enrich-journal");
}

}  // namespace
}  // namespace newsflow
