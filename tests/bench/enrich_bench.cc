// Throughput of the whole enrichment (language, tags, summary, key points,
// SimHash) per article, English and Chinese separately, on generated news-like
// articles (deterministic; about 2.4 KB of English or 1,500 Chinese characters
// each). Run:
//
//   build/tests/bench/newsflow_enrich_bench
//
// items_per_second is articles per second on one core; bytes_per_second is
// input text (title + body) throughput.
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "services/enrich/core/enricher.h"

namespace newsflow {
namespace {

struct Article {
  std::string title;
  std::string text;
};

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  size_t Next(size_t n) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>((state_ >> 33) % n);
  }

 private:
  uint64_t state_;
};

template <size_t N>
const char* Pick(Random& random, const char* const (&words)[N]) {
  return words[random.Next(N)];
}

constexpr const char* kNames[] = {
    "Harbourview Energy", "Mayor Elena Ruiz",   "the Northgate council",
    "Kestrel Robotics",   "the port authority", "Minister Tomas Berg",
    "Lumen Bank",         "the transit agency", "Professor Aiko Tan",
    "Redfield United",    "the regional court", "Solvik Motors",
};
constexpr const char* kVerbs[] = {
    "approved", "rejected", "announced", "delayed", "expanded", "criticised",
    "funded",   "reviewed", "opened",    "cut",     "doubled",  "launched",
};
constexpr const char* kObjects[] = {
    "a new cycle lane network",     "the battery storage plant",   "its annual budget",
    "the night ferry service",      "a drone delivery trial",      "the housing subsidy programme",
    "a wind farm off the coast",    "the stadium renovation",      "fare rules for students",
    "a data centre near the river", "the water treatment upgrade", "its hiring plan",
};
constexpr const char* kTails[] = {
    "after months of debate",     "despite rising costs",
    "to meet climate targets",    "following complaints from residents",
    "ahead of the winter season", "with support from local firms",
    "in a vote on Tuesday",       "as demand kept growing",
};

Article EnglishArticle(uint64_t seed) {
  Random random(seed);
  Article article;
  article.title =
      std::string(Pick(random, kNames)) + " " + Pick(random, kVerbs) + " " + Pick(random, kObjects);
  while (article.text.size() < 2400) {
    std::string sentence = Pick(random, kNames);
    sentence[0] = static_cast<char>(sentence[0] >= 'a' ? sentence[0] - 32 : sentence[0]);
    sentence += std::string(" ") + Pick(random, kVerbs) + " " + Pick(random, kObjects) + " " +
                Pick(random, kTails) + ", " + std::to_string(random.Next(90) + 10) + " officials said.";
    article.text += sentence;
    article.text += random.Next(3) == 0 ? "\n\n" : " ";
  }
  return article;
}

constexpr const char* kZhSubjects[] = {
    "杭州市政府", "上海交通大学", "新能源汽车企业", "地方银行",     "研究团队",
    "电力公司",   "港口管理局",   "人工智能实验室", "城市规划部门", "物流公司",
};
constexpr const char* kZhVerbs[] = {
    "发布了", "启动了", "扩大了", "完成了", "推进了", "调整了", "批准了", "评估了",
};
constexpr const char* kZhObjects[] = {
    "充电网络建设计划", "数据中心项目", "智能交通系统", "储能电站试点", "人才培养方案",
    "城市更新工程",     "芯片研发投入", "绿色金融政策", "跨境电商平台", "公共服务改革",
};
constexpr const char* kZhTails[] = {
    "，预计明年投入使用",         "，以满足不断增长的需求", "，引起了市民的广泛关注",
    "，相关负责人表示将继续推进", "，总投资超过十亿元",     "，并与多家企业签署合作协议",
};

Article ChineseArticle(uint64_t seed) {
  Random random(seed);
  Article article;
  article.title = std::string(Pick(random, kZhSubjects)) + Pick(random, kZhVerbs) + Pick(random, kZhObjects);
  while (article.text.size() < 4500) {  // about 1,500 characters
    article.text += std::string(Pick(random, kZhSubjects)) + Pick(random, kZhVerbs) +
                    Pick(random, kZhObjects) + Pick(random, kZhTails) + "。";
    if (random.Next(4) == 0) article.text += "\n";
  }
  return article;
}

void BM_EnrichArticle(benchmark::State& state, bool chinese) {
  std::vector<Article> articles;
  size_t bytes = 0;
  for (uint64_t i = 0; i < 64; ++i) {
    articles.push_back(chinese ? ChineseArticle(i + 1) : EnglishArticle(i + 1));
  }
  enrich::Enricher enricher(enrich::EnrichOptions{.max_tags = 10});
  if (!enricher.init_status().ok()) {
    state.SkipWithError("ICU data unavailable");
    return;
  }
  size_t next = 0;
  for (auto _ : state) {
    const Article& article = articles[next];
    next = (next + 1) % articles.size();
    enrich::EnrichResult result = enricher.Enrich(article.title, article.text);
    benchmark::DoNotOptimize(result);
    bytes += article.title.size() + article.text.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK_CAPTURE(BM_EnrichArticle, english, false);
BENCHMARK_CAPTURE(BM_EnrichArticle, chinese, true);

}  // namespace
}  // namespace newsflow

BENCHMARK_MAIN();
