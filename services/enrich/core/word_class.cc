#include "services/enrich/core/word_class.h"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace newsflow::enrich {
namespace {

// Base forms of verbs that are rarely nouns; their third-person forms
// ("reduces", "identifies") are derived. Verbs that double as common nouns
// ("control", "increase", "plan", "design") are left out on purpose.
constexpr std::string_view kVerbs[] = {
    // Scientific and technical prose.
    "accomplish", "acquire", "adapt", "adjust", "adopt", "alleviate", "allocate", "alter",
    "analyse", "analyze", "arise", "ascertain", "assess", "assign", "assist", "assume",
    "attain", "augment", "avoid", "belong", "calculate", "categorize", "characterise",
    "characterize", "choose", "cite", "clarify", "classify", "collect", "combine",
    "compensate", "comprise", "compute", "conclude", "confirm", "consist", "constitute",
    "contain", "contribute", "convert", "convey", "correspond", "create", "decide", "deduce",
    "define", "degrade", "denote", "depend", "depict", "deploy", "detect", "determine",
    "devise", "differ", "diminish", "disclose", "discover", "distinguish", "divide",
    "elucidate", "eliminate", "emerge", "emphasise", "emphasize", "employ", "enhance",
    "ensure", "enumerate", "establish", "evaluate", "examine", "exceed", "exhibit", "exist",
    "expand", "explain", "exploit", "explore", "express", "extend", "facilitate", "fail",
    "formulate", "fulfil", "fulfill", "generalize", "generalise", "generate", "identify",
    "illustrate", "implement", "imply", "impose", "improve", "incorporate", "indicate",
    "infer", "inform", "integrate", "interpret", "involve", "isolate", "justify", "maintain",
    "manipulate", "maximise", "maximize", "minimise", "minimize", "mitigate", "modify",
    "motivate", "necessitate", "neglect", "observe", "occur", "operate", "optimise",
    "optimize", "outperform", "overcome", "persist", "pose", "possess", "predict", "prefer",
    "prepare", "preserve", "prevent", "proceed", "prohibit", "promote", "prove", "pursue",
    "quantify", "realise", "realize", "recognise", "recognize", "recommend", "reconstruct",
    "reduce", "refer", "refine", "reflect", "reinforce", "reject", "relate", "rely",
    "remove", "render", "replace", "represent", "reproduce", "reside", "resolve", "restrict",
    "retain", "retrieve", "reveal", "satisfy", "select", "simplify", "simulate", "solve",
    "specify", "strengthen", "succeed", "summarise", "summarize", "suppress", "surpass",
    "sustain", "tackle", "tend", "transform", "undergo", "understand", "undertake", "unify",
    "utilise", "utilize", "validate", "verify", "vary", "violate",
    // News prose.
    "abandon", "accept", "accuse", "admit", "agree", "allege", "appoint", "approve", "argue",
    "arrive", "assure", "attend", "attract", "borrow", "cancel", "celebrate", "complain",
    "confess", "convince", "criticise", "criticize", "defend", "deliver", "deny", "deserve",
    "destroy", "die", "disagree", "dismiss", "earn", "elect", "enjoy", "enter", "expect",
    "forget", "forgive", "gather", "ignore", "imagine", "insist", "intend", "invite", "join",
    "kill", "learn", "lose", "manage", "marry", "mention", "negotiate", "oppose", "owe",
    "persuade", "pray", "pretend", "protect", "provoke", "publish", "quit", "receive",
    "recover", "refuse", "regret", "reiterate", "remember", "remind", "repeat", "resign",
    "respond", "retire", "seek", "sell", "send", "shoot", "speak", "spend", "steal",
    "survive", "threaten", "urge", "vow", "warn", "wonder", "write",
};

// Irregular past forms; like regular -ed forms they cannot end a noun phrase.
constexpr std::string_view kIrregularPast[] = {
    "arisen", "arose", "beaten", "begun", "bitten", "blew", "blown", "bought", "broke",
    "broken", "brought", "built", "caught", "chose", "chosen", "dealt", "drawn", "drew",
    "driven", "drove", "eaten", "fallen", "fled", "flew", "flown", "fought", "forgot",
    "forgotten", "froze", "frozen", "grew", "grown", "hid", "hidden", "knew", "laid", "led",
    "lent", "lost", "met", "overcame", "paid", "ran", "rang", "ridden", "risen", "rode",
    "rose", "sang", "sank", "sent", "shaken", "shook", "sold", "sought", "spent", "spoke",
    "spoken", "stole", "stolen", "stood", "struck", "stuck", "swore", "sworn", "taught",
    "threw", "thrown", "understood", "undertaken", "undertook", "withdrawn", "withdrew",
    "woke", "won", "wore", "worn", "written", "wrote",
};

// Adjectives without a telling suffix, and a few whose suffix looks like a
// noun's (-ent, -ant, -ar).
constexpr std::string_view kAdjectives[] = {
    "simple", "complex", "robust", "novel", "linear", "nonlinear", "similar", "accurate",
    "multiple", "single", "particular", "available", "free", "open", "common", "modern",
    "recent", "important", "efficient", "inefficient", "difficult", "easy", "hard", "strong",
    "weak", "fast", "slow", "early", "late", "previous", "prior", "overall", "entire",
    "appropriate", "adequate", "relevant", "irrelevant", "sufficient", "insufficient",
    "consistent", "inconsistent", "independent", "dependent", "discrete", "finite", "infinite",
    "dense", "sparse", "smooth", "rich", "poor", "wide", "narrow", "deep", "shallow", "rapid",
    "precise", "exact", "complete", "incomplete", "correct", "incorrect", "direct", "indirect",
    "distinct", "explicit", "implicit", "unique", "stable", "unstable", "proper", "minor",
    "true", "false", "fair", "unfair", "full", "empty", "quick", "aware", "alive", "dead",
    "afraid", "former", "latest", "senior", "junior", "foreign", "private", "young", "elderly",
    "wealthy", "healthy", "safe", "unsafe", "severe", "huge", "tiny", "busy", "ready", "sure",
    "pregnant", "happy", "unhappy", "sad", "angry", "fuzzy", "noisy", "heavy", "risky",
    "lengthy", "guilty", "dirty", "hungry", "lucky", "funny", "crazy", "pretty", "ugly",
    "daily", "weekly", "monthly", "yearly", "quarterly", "hourly", "friendly", "costly",
    "lonely", "lovely", "deadly", "timely", "significant", "insignificant", "dominant",
    "redundant", "apparent", "evident", "excellent", "frequent", "infrequent", "prominent",
    "permanent", "urgent", "violent", "nonviolent", "silent", "innocent", "competent",
    "incompetent", "confident", "convenient", "inconvenient", "coherent", "incoherent",
    "adjacent", "latent", "transparent", "intelligent", "abundant", "elegant", "arrogant",
    "brilliant", "distant", "vibrant", "reluctant", "resistant", "tolerant", "vacant",
    "pertinent", "persistent", "resilient", "circular", "modular", "regular", "irregular",
    "molecular", "cellular", "rectangular", "triangular", "polar", "bipolar", "solar",
    "lunar", "nuclear", "familiar", "unfamiliar", "popular", "unpopular", "angular",
    "tabular", "singular", "spectacular", "muscular", "vascular", "granular", "tubular",
    "planar", "coplanar", "bullish", "bearish", "selfish", "foolish", "stylish", "sluggish",
    "hawkish", "dovish", "whole", "mere", "bare", "vast", "broad", "tight", "loose", "solid",
    "rigid", "tough", "harsh", "calm", "quiet", "brave", "bold", "keen", "eager", "fierce",
    "intense", "extreme", "moderate", "mild", "acute", "chronic", "scarce", "rare", "secure",
    "insecure", "obscure", "mature", "immature", "pure", "impure", "sole", "ample", "subtle",
    "hostile", "fragile", "agile", "mobile", "versatile", "volatile", "fertile", "sterile",
    "feasible", "infeasible",
    // Comparatives and superlatives.
    "higher", "lower", "larger", "smaller", "bigger", "greater", "stronger", "weaker", "faster",
    "slower", "wider", "narrower", "older", "younger", "cheaper", "deeper", "richer", "poorer",
    "easier", "harder", "heavier", "worse", "highest", "lowest", "largest", "smallest",
    "biggest", "greatest", "strongest", "weakest", "fastest", "slowest", "widest", "oldest",
    "youngest", "cheapest", "deepest", "richest", "poorest", "easiest", "hardest", "heaviest",
    "worst",
};

// Nouns (or noun modifiers that also head phrases) whose ending suggests
// another class.
constexpr std::string_view kNounExceptions[] = {
    // -al
    "signal", "interval", "potential", "material", "journal", "terminal", "individual",
    "proposal", "approval", "arrival", "removal", "trial", "animal", "capital", "criminal",
    "hospital", "festival", "principal", "rival", "total", "chemical", "original", "metal",
    "crystal", "portal", "pedal", "rental", "manual", "tutorial", "editorial", "memorial",
    "arsenal", "canal", "denial", "referral", "survival", "withdrawal", "disposal", "renewal",
    "retrieval", "recital", "rehearsal", "refusal", "dismissal", "reversal", "betrayal",
    "burial", "portrayal", "upheaval", "appraisal", "acquittal", "revival", "appeal",
    "cereal", "ordeal", "repeal", "spiral", "mural", "coral", "admiral", "cathedral",
    "carnival", "scandal", "sandal", "medal", "tribunal", "ritual", "mineral", "funeral",
    "cardinal", "marshal", "integral", "polynomial", "binomial", "monomial", "residual",
    "functional", "diagonal", "differential", "exponential", "professional", "official",
    "fractal", "ideal", "deal", "steal", "decimal", "mammal", "petal", "decal", "opal", "oval",
    "plural", "vandal", "corral", "rascal", "madrigal",
    // -ic
    "logic", "music", "topic", "traffic", "graphic", "clinic", "public", "mechanic",
    "republic", "arithmetic", "rhetoric", "panic", "magic", "plastic", "fabric", "mosaic",
    "epidemic", "pandemic", "critic", "heuristic", "metric", "statistic", "characteristic",
    "diagnostic", "garlic", "picnic", "tactic", "relic", "tunic", "comic", "cosmetic",
    "antibiotic", "narcotic", "tonic", "ethic", "physic", "fanatic", "lyric", "cleric",
    "mimic", "skeptic", "sceptic", "topic", "classic", "electronic", "ceramic", "polemic",
    "attic", "frolic", "limerick", "rubric",
    // -ive
    "objective", "alternative", "perspective", "initiative", "incentive", "executive",
    "detective", "representative", "derivative", "directive", "archive", "narrative",
    "motive", "explosive", "native", "relative", "collective", "adjective", "locomotive",
    "operative", "conservative", "offensive", "additive", "preservative", "sedative",
    "prerogative", "imperative", "primitive", "captive", "fugitive", "expletive", "olive",
    "detective", "contrapositive", "substantive",
    // -able, -ible, -ful
    "table", "cable", "variable", "vegetable", "timetable", "constable", "syllable",
    "deliverable", "receivable", "payable", "consumable", "wearable", "notable", "parable",
    "bible", "crucible", "convertible", "handful", "spoonful", "mouthful", "armful",
    // -ed, -ing nouns
    "infrared", "hatred", "kindred", "biped", "moped", "thing", "string", "spring", "ring",
    "king", "wing", "sibling", "ceiling", "morning", "evening", "pudding", "darling",
    "herring", "offspring", "earring", "wedding", "building", "meeting", "clothing",
    "housing", "funding", "hearing", "ruling", "opening", "setting", "warning", "training",
    "learning", "timing", "painting", "drawing", "wiring", "lightning", "feeling", "sterling",
    "computing", "operating", "processing", "manufacturing", "programming", "engineering",
    "marketing", "banking", "shipping", "trading", "mining", "parking", "shopping",
    "spending", "voting", "polling", "reasoning", "modelling", "modeling", "scheduling",
    "routing", "switching", "tracking", "matching", "sampling", "planning", "testing",
    "imaging", "rendering", "clustering", "filtering", "coding", "encoding", "decoding",
    "networking", "consulting", "accounting", "recycling", "fishing", "farming", "printing",
    "publishing", "broadcasting", "advertising", "gaming", "streaming", "hosting", "nursing",
    "teaching", "recording", "lending", "pricing", "staffing", "bidding", "boxing", "cycling",
    "sailing", "skiing", "swimming", "living", "dining", "lighting", "heating", "cooling",
    "cooking", "catering", "welding", "machining", "mapping", "packaging", "labelling",
    "labeling", "billing", "ranking", "indexing", "caching", "buffering", "multiplexing",
    "beamforming", "watermarking", "thresholding", "denoising", "smoothing", "forecasting",
    "monitoring", "positioning", "sensing", "handling", "spelling", "understanding",
    "wellbeing", "beijing", "nanjing", "boeing", "viking", "inkling", "duckling", "bowling",
    "clothing", "offering", "offerings", "landing", "bombing", "shooting", "killing",
    "fighting", "flooding", "warming", "rating", "listing", "booking", "posting", "briefing",
    "gathering", "uprising", "outing", "ceasefire", "screening", "hacking", "doping",
    "betting", "dumping", "lobbying", "smuggling", "trafficking", "kidnapping", "looting",
    "rioting", "sentencing", "spacing", "layering", "tiling", "meshing", "parsing", "hashing",
    "tagging", "stemming", "segmenting", "tokenizing", "mining",
    // -ly
    "family", "supply", "assembly", "anomaly", "monopoly", "rally", "ally", "reply", "italy",
    "butterfly", "belly", "jelly", "bully", "lily", "oligopoly", "homily", "folly",
};

// Lowercase -ly words that are adjectives, not adverbs.
constexpr std::string_view kAdjectivesInLy[] = {
    "early", "daily", "weekly", "monthly", "yearly", "quarterly", "hourly", "nightly",
    "friendly", "elderly", "costly", "holy", "lonely", "lovely", "deadly", "orderly",
    "timely", "ugly", "silly", "curly", "oily", "bodily", "lively", "jolly", "hilly",
    "chilly", "likely", "unlikely", "only", "manly", "kindly", "scholarly", "womanly",
    "cowardly", "worldly", "unruly", "wobbly", "bubbly", "prickly", "surly", "burly",
};

// Adverbs without the -ly ending.
constexpr std::string_view kAdverbs[] = {
    "herein", "therein", "thereby", "whereby", "hereby", "thereof", "wherein", "hereafter",
    "thereafter", "afterwards", "nowadays", "together", "apart", "alone", "abroad", "ahead",
    "anyway", "somewhat", "elsewhere", "everywhere", "nowhere", "anywhere", "somewhere",
    "twice", "thrice", "alike", "likewise", "nonetheless", "anew", "aside", "beforehand",
    "forth", "henceforth", "overnight", "upward", "upwards", "downward", "downwards",
    "onward", "onwards", "inward", "outward", "afar",
};

constexpr std::string_view kGerundIntroducers[] = {
    "for", "of", "by", "in", "on", "to", "with", "from", "into", "after", "before",
    "without", "through", "while", "when", "upon", "about", "via", "towards", "toward",
    "against", "besides", "despite", "since", "is", "are", "was", "were", "be", "been",
    "am", "not", "also", "thus", "then", "further", "further", "by", "before",
};

// Nouns that fit almost any text: on their own they rarely name what a
// text is about ("method", "results", "report", "people").
constexpr std::string_view kGenericNouns[] = {
    "method", "approach", "technique", "system", "problem", "result", "paper", "study",
    "article", "case", "type", "class", "form", "way", "basis", "account", "example", "effect",
    "property", "concept", "procedure", "application", "use", "work", "research",
    "investigation", "evaluation", "solution", "criterion", "criteria", "aspect", "issue",
    "factor", "condition", "value", "level", "order", "term", "part", "number", "amount",
    "degree", "range", "kind", "means", "manner", "purpose", "goal", "task", "need", "fact",
    "idea", "question", "answer", "view", "step", "stage", "phase", "element", "unit", "group",
    "sort", "variety", "series", "framework", "tool", "mechanism", "principle", "practice",
    "strategy", "operation", "implementation", "development", "quality", "accuracy",
    "efficiency", "effectiveness", "advantage", "drawback", "limitation", "requirement",
    "difference", "comparison", "relationship", "relation", "combination", "extension",
    "version", "instance", "situation", "context", "scenario", "environment", "object",
    "objective", "feature", "characteristic", "attribute", "item", "point", "area", "field",
    "scope", "role", "importance", "significance", "possibility", "ability", "capability",
    "help", "support", "change", "increase", "decrease", "reduction", "improvement", "growth",
    "consideration", "discussion", "description", "presentation", "overview", "review",
    "survey", "summary", "conclusion", "introduction", "experiment", "test", "observation",
    "measurement", "estimate", "estimation", "calculation", "computation", "determination",
    "realization", "formulation", "construction", "definition", "representation",
    "interpretation", "explanation", "technology", "information", "data", "content",
    "material", "resource", "product", "output", "input", "people", "person", "man", "woman",
    "men", "women", "member", "world", "country", "city", "place", "home", "life", "report",
    "news", "story", "statement", "comment", "source", "official", "spokesman",
    "spokeswoman", "interview", "end", "start", "beginning", "lot", "deal", "plan", "move",
    "effort", "attempt", "decision", "action", "measure", "thing", "time", "year", "day",
    "week", "month", "today", "moment", "period",
};

// Words that open a noun phrase; a plural-looking word right between a noun
// and one of these is a verb ("the method reduces the cost").
constexpr std::string_view kDeterminers[] = {
    "the", "a", "an", "this", "these", "those", "its", "their", "his", "her", "our", "it",
    "them", "him",
};

// Adjective endings, tried longest first; a word must be at least three
// letters longer than its ending.
constexpr std::string_view kAdjectiveSuffixes[] = {
    "ical", "ious", "eous", "able", "ible", "less", "ful", "ous", "ive", "ial", "al", "ic",
};

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using Lexicon = std::unordered_map<std::string, WordClass, Hash, std::equal_to<>>;

// Third-person singular of a base verb: "reduce" -> "reduces",
// "identify" -> "identifies", "assess" -> "assesses".
std::string ThirdPerson(std::string_view base) {
  std::string out(base);
  const char last = base.back();
  const bool vowel_before =
      base.size() >= 2 && std::string_view("aeiou").find(base[base.size() - 2]) != std::string_view::npos;
  if (last == 'y' && !vowel_before) {
    out.back() = 'i';
    out += "es";
  } else if (last == 's' || last == 'x' || last == 'z' || last == 'o' || base.ends_with("sh") ||
             base.ends_with("ch")) {
    out += "es";
  } else {
    out += 's';
  }
  return out;
}

const Lexicon& GetLexicon() {
  static const Lexicon* const kLexicon = [] {
    auto* lexicon = new Lexicon();
    // Later insertions do not override earlier ones: exceptions first.
    for (std::string_view word : kNounExceptions) lexicon->emplace(word, WordClass::kNoun);
    for (std::string_view word : kAdjectivesInLy) lexicon->emplace(word, WordClass::kAdjective);
    for (std::string_view word : kAdverbs) lexicon->emplace(word, WordClass::kAdverb);
    for (std::string_view word : kAdjectives) lexicon->emplace(word, WordClass::kAdjective);
    for (std::string_view word : kIrregularPast) lexicon->emplace(word, WordClass::kParticiple);
    for (std::string_view word : kVerbs) {
      lexicon->emplace(word, WordClass::kVerb);
      lexicon->emplace(ThirdPerson(word), WordClass::kVerb);
    }
    return lexicon;
  }();
  return *kLexicon;
}

bool IsAscii(std::string_view word) {
  for (char c : word) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

WordClass GuessWordClass(std::string_view word) {
  if (word.size() < 3 || !IsAscii(word)) return WordClass::kNoun;
  const Lexicon& lexicon = GetLexicon();
  if (auto it = lexicon.find(word); it != lexicon.end()) return it->second;
  // Plurals of listed nouns keep their class ("signals", "variables").
  if (word.back() == 's' && !word.ends_with("ss")) {
    if (auto it = lexicon.find(word.substr(0, word.size() - 1));
        it != lexicon.end() && it->second == WordClass::kNoun) {
      return WordClass::kNoun;
    }
  }
  const size_t n = word.size();
  if (n > 4 && word.ends_with("ly")) return WordClass::kAdverb;
  if (n > 4 && word.ends_with("ed") && !word.ends_with("eed")) return WordClass::kParticiple;
  if (n > 5 && word.ends_with("ing")) return WordClass::kGerund;
  for (std::string_view suffix : kAdjectiveSuffixes) {
    if (n >= suffix.size() + 3 && word.ends_with(suffix)) return WordClass::kAdjective;
  }
  return WordClass::kNoun;
}

bool IsGenericNoun(std::string_view lower_word) {
  static const auto* const kSet = [] {
    auto* set = new std::unordered_map<std::string_view, bool>();
    for (std::string_view word : kGenericNouns) set->emplace(word, true);
    return set;
  }();
  if (kSet->contains(lower_word)) return true;
  // Plurals: "methods", "approaches", "studies".
  if (lower_word.size() < 4 || lower_word.back() != 's') return false;
  std::string_view stem = lower_word.substr(0, lower_word.size() - 1);
  if (kSet->contains(stem)) return true;
  if (stem.back() == 'e' && kSet->contains(stem.substr(0, stem.size() - 1))) return true;
  if (lower_word.ends_with("ies")) {
    std::string singular(lower_word.substr(0, lower_word.size() - 3));
    singular.push_back('y');
    return kSet->contains(singular);
  }
  return false;
}

bool IsDeterminer(std::string_view lower_word) {
  for (std::string_view word : kDeterminers) {
    if (word == lower_word) return true;
  }
  return false;
}

bool IntroducesGerund(std::string_view lower_word) {
  for (std::string_view word : kGerundIntroducers) {
    if (word == lower_word) return true;
  }
  return false;
}

}  // namespace newsflow::enrich
