#include "services/enrich/core/stopwords.h"

#include <string_view>
#include <unordered_set>

namespace newsflow::enrich {
namespace {

// Grouped by role so that additions land next to their kind. Function
// words first: grammar only, in any use.
constexpr std::string_view kEnglishFunction[] = {
    // Articles, determiners, quantifiers.
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "each",
    "every", "either", "neither", "no", "all", "both", "few", "many", "much",
    "more", "most", "less", "least", "other", "others", "another", "such",
    "several", "own", "same", "enough", "lot", "lots", "plenty",
    // Pronouns.
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves",
    "you", "your", "yours", "yourself", "yourselves", "he", "him", "his",
    "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they",
    "them", "their", "theirs", "themselves", "one", "ones", "someone",
    "something", "anyone", "anything", "everyone", "everything", "nobody",
    "nothing", "somebody", "everybody", "who", "whom", "whose", "which",
    "what", "whatever", "whichever", "whoever",
    // Auxiliaries and modals.
    "be", "am", "is", "are", "was", "were", "been", "being", "have", "has",
    "had", "having", "do", "does", "did", "doing", "done", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "ought",
    "cannot", "get", "gets", "got", "getting", "let", "lets",
    // Contractions as ICU keeps them in one word.
    "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't",
    "won't", "wouldn't", "can't", "couldn't", "shouldn't", "hasn't",
    "haven't", "hadn't", "it's", "that's", "there's", "i'm", "we're",
    "they're", "you're", "he's", "she's", "we've", "they've", "i've",
    "isn’t", "aren’t", "wasn’t", "don’t", "doesn’t", "didn’t", "won’t",
    "wouldn’t", "can’t", "couldn’t", "hasn’t", "haven’t", "it’s", "that’s",
    "there’s", "we’re", "they’re", "hadn’t", "weren’t", "shouldn’t",
    // Prepositions.
    "about", "above", "across", "after", "against", "along", "amid", "amidst",
    "among", "amongst", "around", "as", "at", "before", "behind", "below",
    "beneath", "beside", "besides", "between", "beyond", "by", "despite",
    "down", "during", "except", "for", "from", "in", "inside", "into", "like",
    "near", "of", "off", "on", "onto", "out", "outside", "over", "past",
    "per", "since", "than", "through", "throughout", "till", "to", "toward",
    "towards", "under", "underneath", "until", "unlike", "up", "upon", "via",
    "with", "within", "without", "versus", "vs",
    // Conjunctions and connectives.
    "and", "or", "but", "nor", "so", "yet", "if", "then", "else", "because",
    "although", "though", "while", "whereas", "whether", "unless", "once",
    "when", "whenever", "where", "wherever", "why", "how", "however",
    "therefore", "thus", "hence", "meanwhile", "moreover", "furthermore",
    "nevertheless", "nonetheless", "otherwise", "instead", "also", "too",
    "either", "rather", "indeed",
    // Adverbs of degree, time and place.
    "very", "really", "quite", "just", "only", "even", "still", "already",
    "again", "ever", "never", "always", "often", "sometimes", "usually",
    "perhaps", "maybe", "almost", "nearly", "about", "around", "approximately",
    "here", "there", "now", "today", "yesterday", "tomorrow", "currently",
    "recently", "soon", "later", "earlier", "far", "away", "back", "well",
    "not", "yes", "ago", "further", "simply", "certainly", "especially",
    "particularly", "mainly", "largely", "increasingly", "directly",
    "dramatically", "significantly", "ultimately", "actually",
};

// Words that are content in a sentence but poor tags on their own.
constexpr std::string_view kEnglishTopicless[] = {
    // Reporting and other light verbs that news text repeats.
    "say", "says", "said", "saying", "tell", "tells", "told", "add", "adds",
    "added", "note", "notes", "noted", "claim", "claims", "claimed", "ask",
    "asked", "according", "including", "include", "includes", "included",
    "make", "makes", "made", "making", "take", "takes", "took", "taken",
    "come", "comes", "came", "go", "goes", "went", "gone", "going", "give",
    "gives", "gave", "given", "see", "seen", "saw", "know", "known", "think",
    "want", "wants", "wanted", "use", "used", "uses", "using", "become",
    "becomes", "became", "seem", "seems", "seemed", "put", "keep", "kept",
    "show", "shows", "showed", "shown", "set", "look", "looks", "find",
    "found", "appear", "appears", "appeared", "remain", "remains",
    "remained", "concluded", "suggesting", "referring", "described",
    // Verbs that scientific and technical prose leans on.
    "propose", "proposes", "proposed", "present", "presents", "presented",
    "consider", "considers", "considered", "introduce", "introduces",
    "introduced", "describe", "describes", "discuss", "discusses",
    "discussed", "obtain", "obtains", "obtained", "study", "studies",
    "studied", "investigate", "investigates", "investigated", "compare",
    "compares", "compared", "apply", "applies", "applied", "perform",
    "performs", "performed", "demonstrate", "demonstrates", "demonstrated",
    "derive", "derives", "derived", "suggest", "suggests", "suggested",
    "provide", "provides", "provided", "allow", "allows", "allowed",
    "enable", "enables", "enabled", "require", "requires", "required",
    "achieve", "achieves", "achieved", "develop", "develops", "developed",
    "based", "called", "known", "shown", "addressed", "illustrated",
    "reported", "announced", "expected", "continued", "began", "begin",
    "help", "helped", "helps", "held", "hold", "holds", "left", "leave",
    "believe", "believed", "thought", "tried", "try", "need", "needs",
    "needed", "mean", "means", "meant", "felt", "feel", "seen", "brought",
    "bring", "turned", "turn", "started", "start", "moved", "move",
    "considering", "regarding", "concerning", "following", "involving",
    "containing", "having", "allowing", "providing", "showing",
    // Generic nouns and adjectives that rarely name a topic.
    "thing", "things", "way", "ways", "kind", "part", "lot", "number",
    "time", "times", "year", "years", "month", "months", "week", "weeks",
    "day", "days", "people", "percent", "per cent", "cent", "new", "old",
    "good", "great", "big", "small", "large", "high", "low", "long", "short",
    "key", "major", "main", "certain", "possible", "likely", "able", "last",
    "next", "first", "second", "third", "several", "various", "different",
    "whole", "top", "best", "better", "clear", "real", "full", "due",
    "mr", "mrs", "ms", "dr", "etc", "ie", "eg", "s", "t",
    // Number words.
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "hundred", "hundreds", "thousand", "thousands", "million", "millions",
    "billion", "billions", "trillion", "dozen", "half",
    // Calendar words.
    "january", "february", "march", "april", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
};

constexpr std::string_view kChinese[] = {
    // Structural and aspect particles, modal particles.
    "的", "地", "得", "之", "了", "着", "过", "吗", "呢", "吧", "啊", "呀",
    "嘛", "哦", "么", "所", "等", "等等",
    // Measure words and single-character modal verbs that would otherwise
    // glue neighbouring words into one tag candidate.
    "个", "些", "次", "可", "需", "应",
    // Pronouns and demonstratives.
    "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "她们",
    "它们", "咱们", "自己", "这", "那", "这个", "那个", "这些", "那些",
    "这样", "那样", "这里", "那里", "此", "其", "该", "本", "各", "每",
    "某", "谁", "什么", "哪", "哪些", "怎么", "怎样", "如何", "为什么",
    // Prepositions and conjunctions.
    "在", "于", "从", "向", "往", "对", "对于", "关于", "把", "被", "给",
    "让", "为", "为了", "以", "由", "与", "和", "跟", "同", "及", "以及",
    "或", "或者", "并", "并且", "而", "而且", "但", "但是", "可是", "然而",
    "不过", "因为", "所以", "因此", "如果", "虽然", "尽管", "即使", "只要",
    "除了", "此外", "另外", "同时", "其中", "通过", "随着", "根据", "按照",
    "据", "将", "则", "即", "还是", "以及",
    // Verbs of being, auxiliaries and modal verbs.
    "是", "有", "没有", "没", "不", "会", "能", "能够", "可以", "可能",
    "应该", "应当", "需要", "要", "想", "得到", "成为", "进行", "作为",
    // Adverbs.
    "也", "都", "还", "又", "再", "更", "最", "很", "非常", "已", "已经",
    "曾", "曾经", "正在", "就", "才", "只", "仅", "仅仅", "均", "约", "大约",
    "更加", "十分", "比较", "一直", "目前", "当前", "现在", "如今", "一些",
    "一个", "一种", "一样", "一起", "一定", "其他", "其它", "不断",
    // Reporting verbs and generic news filler.
    "说", "表示", "认为", "指出", "称", "提到", "介绍", "透露", "报道",
    "记者", "消息", "方面", "问题", "情况", "相关", "主要", "重要", "今年",
    "去年", "明年", "今天", "昨天", "日前", "近日", "此前", "之后", "之前",
    "以来", "以上", "以下", "左右", "部分", "包括", "方式", "工作",
    // Position words that ICU keeps as separate words.
    "上", "下", "中", "内", "外", "前", "后", "里", "间", "来", "去",
};

template <size_t N>
std::unordered_set<std::string_view> MakeSet(const std::string_view (&words)[N]) {
  return std::unordered_set<std::string_view>(std::begin(words), std::end(words));
}

template <size_t N, size_t M>
std::unordered_set<std::string_view> MakeSet(const std::string_view (&a)[N],
                                             const std::string_view (&b)[M]) {
  std::unordered_set<std::string_view> set(std::begin(a), std::end(a));
  set.insert(std::begin(b), std::end(b));
  return set;
}

}  // namespace

bool IsEnglishStopWord(std::string_view lower_word) {
  static const auto* const kSet =
      new std::unordered_set<std::string_view>(MakeSet(kEnglishFunction, kEnglishTopicless));
  return kSet->contains(lower_word);
}

bool IsEnglishFunctionWord(std::string_view lower_word) {
  static const auto* const kSet =
      new std::unordered_set<std::string_view>(MakeSet(kEnglishFunction));
  return kSet->contains(lower_word);
}

bool IsChineseStopWord(std::string_view word) {
  static const auto* const kSet = new std::unordered_set<std::string_view>(MakeSet(kChinese));
  return kSet->contains(word);
}

}  // namespace newsflow::enrich
