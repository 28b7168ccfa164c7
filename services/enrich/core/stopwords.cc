#include "services/enrich/core/stopwords.h"

#include <string_view>

#include "absl/container/flat_hash_set.h"

namespace newsflow::enrich {
namespace {

using StopSet = absl::flat_hash_set<std::string_view>;

// Grouped by role so that additions land next to their kind. Function
// words first: grammar only, in any use.
// clang-format off
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
    "although", "though", "while", "whilst", "whereas", "whether", "unless", "once",
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
// clang-format on

// Words that are content in a sentence but poor tags on their own.
// clang-format off
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
// clang-format on

// clang-format off
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
// clang-format on

// Other languages: function words (articles, pronouns, prepositions,
// conjunctions, auxiliaries, common adverbs) plus the reporting verbs and
// number words news repeats in each. Lowercase; apostrophe-elided forms
// ("l'", "d'") are split off before lookup.
// clang-format off
constexpr std::string_view kGerman[] = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "und", "oder", "aber", "doch", "sondern", "denn", "weil", "dass", "daß", "wenn", "als", "wie",
    "ob", "so", "auch", "noch", "schon", "nur", "sehr", "mehr", "nicht", "kein", "keine", "keinen",
    "keinem", "keiner", "ich", "du", "er", "sie", "es", "wir", "ihr", "mich", "dich", "sich", "uns",
    "euch", "ihm", "ihn", "ihnen", "ihre", "ihren", "ihrem", "ihrer", "ihres", "sein", "seine",
    "seinen", "seinem", "seiner", "seines", "mein", "meine", "dein", "unser", "unsere", "euer",
    "in", "im", "ins", "an", "am", "ans", "auf", "aus", "bei", "beim", "mit", "nach", "von", "vom",
    "vor", "zu", "zum", "zur", "über", "unter", "zwischen", "durch", "für", "gegen", "ohne", "um",
    "bis", "seit", "während", "wegen", "trotz", "ab", "hat", "haben", "habe", "hatte", "hatten",
    "ist", "sind", "war", "waren", "wird", "werden", "wurde", "wurden", "worden", "sei", "seien",
    "gewesen", "kann", "können", "konnte", "konnten", "muss", "müssen", "musste", "soll", "sollen",
    "sollte", "sollten", "will", "wollen", "wollte", "darf", "dürfen", "man", "was", "wer", "wo",
    "wann", "warum", "welche", "welcher", "welches", "dieser", "diese", "dieses", "diesen",
    "diesem", "jeder", "jede", "jedes", "alle", "allen", "aller", "alles", "andere", "anderen",
    "viel", "viele", "vielen", "einige", "etwa", "etwas", "hier", "dort", "da", "dann", "nun",
    "jetzt", "immer", "wieder", "heute", "gestern", "morgen", "ja", "nein", "bereits", "sowie",
    "laut", "zudem", "jedoch", "damit", "dabei", "dazu", "darauf", "davon", "deshalb", "also",
    "rund", "sagte", "sagt", "erklärte", "teilte", "prozent", "millionen", "milliarden", "jahr",
    "jahre", "jahren", "neue", "neuen", "neuer", "neues",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "januar",
    "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
    "november", "dezember",
};
// clang-format on

// clang-format off
constexpr std::string_view kFrench[] = {
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "et", "ou", "mais",
    "donc", "ni", "car", "que", "qu", "qui", "quoi", "dont", "où", "ce", "cet", "cette", "ces",
    "se", "s", "sa", "son", "ses", "leur", "leurs", "lui", "elle", "elles", "il", "ils", "je", "j",
    "tu", "nous", "vous", "on", "me", "m", "te", "t", "y", "en", "ne", "n", "pas", "plus",
    "moins", "très", "aussi", "ainsi", "comme", "si", "sans", "sous", "sur", "dans", "par", "pour",
    "avec", "entre", "vers", "chez", "contre", "depuis", "pendant", "selon", "après", "avant",
    "est", "sont", "était", "étaient", "sera", "seront", "été", "être", "a", "ont", "avait",
    "avaient", "aura", "auront", "avoir", "fait", "faire", "peut", "peuvent", "doit", "doivent",
    "mon", "ma", "mes", "ton", "ta", "tes", "notre", "nos", "votre", "vos", "tout", "tous",
    "toute", "toutes", "autre", "autres", "même", "mêmes", "cela", "ça", "ceci", "celui", "celle",
    "ceux", "celles", "encore", "déjà", "toujours", "jamais", "alors", "puis", "ici", "là", "oui",
    "non", "bien", "cependant", "toutefois", "afin", "lors", "dit", "déclaré", "indiqué",
    "estime", "an", "ans", "année", "années", "millions", "milliards", "cent", "nouveau",
    "nouvelle", "nouveaux", "nouvelles",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier",
    "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre",
};
// clang-format on

// clang-format off
constexpr std::string_view kSpanish[] = {
    "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "y", "e", "o", "u", "pero",
    "sino", "ni", "que", "quien", "quienes", "cual", "cuales", "cuyo", "de", "del", "a", "al",
    "en", "con", "por", "para", "sin", "sobre", "entre", "hasta", "desde", "hacia", "durante",
    "según", "tras", "ante", "bajo", "contra", "es", "son", "era", "eran", "fue", "fueron", "ser",
    "sido", "está", "están", "estaba", "estaban", "estar", "ha", "han", "había", "habían",
    "haber", "hay", "muy", "más", "menos", "también", "tampoco", "ya", "aún", "todavía", "no",
    "sí", "se", "su", "sus", "le", "les", "me", "te", "nos", "os", "mi", "mis", "tu", "tus",
    "nuestro", "nuestra", "nuestros", "nuestras", "este", "esta", "estos", "estas", "ese", "esa",
    "esos", "esas", "aquel", "aquella", "esto", "eso", "todo", "todos", "toda", "todas", "otro",
    "otra", "otros", "otras", "mismo", "misma", "cuando", "donde", "como", "porque", "pues", "si",
    "así", "entonces", "dijo", "afirmó", "señaló", "año", "años", "millones", "mil", "nuevo",
    "nueva", "nuevos", "nuevas",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "enero", "febrero",
    "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
    "diciembre",
};
// clang-format on

// clang-format off
constexpr std::string_view kItalian[] = {
    "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "l", "d", "e", "ed", "o", "ma",
    "però", "che", "chi", "cui", "di", "del", "dello", "della", "dei", "degli", "delle", "a",
    "al", "allo", "alla", "ai", "agli", "alle", "da", "dal", "dallo", "dalla", "dai", "dagli",
    "dalle", "in", "nel", "nello", "nella", "nei", "negli", "nelle", "su", "sul", "sullo",
    "sulla", "sui", "sugli", "sulle", "con", "per", "tra", "fra", "è", "sono", "era", "erano",
    "fu", "furono", "essere", "stato", "stata", "stati", "ha", "hanno", "aveva", "avevano",
    "avere", "non", "più", "meno", "molto", "anche", "già", "ancora", "sempre", "mai", "se", "si",
    "suo", "sua", "suoi", "sue", "loro", "questo", "questa", "questi", "queste", "quello",
    "quella", "quelli", "quelle", "tutto", "tutti", "tutta", "tutte", "altro", "altra", "altri",
    "altre", "come", "quando", "dove", "perché", "così", "poi", "dopo", "prima", "secondo",
    "detto", "dichiarato", "anno", "anni", "milioni", "miliardi", "nuovo", "nuova", "nuovi",
    "nuove", "dell", "all", "dall", "nell", "sull",
    "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "gennaio",
    "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
    "ottobre", "novembre", "dicembre",
};
// clang-format on

// clang-format off
constexpr std::string_view kPortuguese[] = {
    "o", "a", "os", "as", "um", "uma", "uns", "umas", "e", "ou", "mas", "que", "quem", "qual",
    "quais", "cujo", "de", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "por",
    "pelo", "pela", "pelos", "pelas", "para", "com", "sem", "sobre", "entre", "até", "desde",
    "após", "durante", "segundo", "ao", "aos", "à", "às", "é", "são", "era", "eram", "foi",
    "foram", "ser", "sido", "está", "estão", "estava", "estar", "tem", "têm", "tinha", "ter",
    "há", "não", "sim", "mais", "menos", "muito", "também", "já", "ainda", "sempre", "nunca",
    "se", "seu", "sua", "seus", "suas", "lhe", "lhes", "me", "te", "este", "esta", "estes",
    "estas", "esse", "essa", "esses", "essas", "aquele", "aquela", "isto", "isso", "tudo",
    "todos", "toda", "todas", "outro", "outra", "outros", "outras", "mesmo", "mesma", "quando",
    "onde", "como", "porque", "pois", "assim", "então", "disse", "afirmou", "ano", "anos",
    "milhões", "mil", "novo", "nova", "novos", "novas",
    "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado",
    "domingo", "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
    "setembro", "outubro", "novembro", "dezembro",
};
// clang-format on

// clang-format off
constexpr std::string_view kDutch[] = {
    "de", "het", "een", "en", "of", "maar", "want", "dat", "die", "wie", "wat", "welke", "dit",
    "deze", "daar", "hier", "er", "van", "in", "op", "aan", "met", "voor", "door", "naar", "bij",
    "uit", "over", "onder", "tussen", "tegen", "zonder", "tot", "sinds", "na", "om", "te", "is",
    "zijn", "was", "waren", "wordt", "worden", "werd", "werden", "geweest", "heeft", "hebben",
    "had", "hadden", "kan", "kunnen", "kon", "zal", "zullen", "zou", "zouden", "moet", "moeten",
    "niet", "geen", "ook", "nog", "al", "wel", "zeer", "meer", "minder", "ik", "je", "jij", "hij",
    "zij", "ze", "wij", "we", "jullie", "u", "hem", "haar", "hen", "hun", "ons", "onze", "mijn",
    "zich", "als", "dan", "toen", "nu", "wanneer", "waar", "hoe", "waarom", "omdat", "zo", "dus",
    "alleen", "alle", "andere", "veel", "jaar", "jaren", "miljoen", "miljard", "nieuwe", "zei",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "januari",
    "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december",
};
// clang-format on

// clang-format off
constexpr std::string_view kRussian[] = {
    "и", "в", "во", "на", "с", "со", "к", "ко", "по", "о", "об", "от", "до", "из", "у", "за",
    "под", "над", "при", "для", "без", "через", "между", "перед", "после", "около", "не", "ни",
    "что", "чтобы", "как", "так", "также", "а", "но", "или", "либо", "же", "ли", "бы", "это",
    "этот", "эта", "эти", "этого", "этой", "этом", "эту", "тот", "та", "те", "того", "том", "он",
    "она", "оно", "они", "его", "ее", "её", "их", "ему", "ей", "им", "ним", "ней", "них", "мы",
    "вы", "я", "ты", "нас", "вас", "нам", "вам", "себя", "свой", "своя", "свои", "своих",
    "который", "которая", "которые", "которых", "которого", "был", "была", "было", "были",
    "быть", "будет", "будут", "есть", "является", "уже", "еще", "ещё", "только", "очень",
    "более", "менее", "все", "всё", "всех", "весь", "вся", "тоже", "где", "когда", "если", "даже",
    "может", "можно", "нужно", "году", "года", "лет", "млн", "млрд", "сказал", "заявил",
    "сообщил",
    "понедельник", "вторник", "среду", "среда", "четверг", "пятницу", "пятница", "субботу",
    "суббота", "воскресенье", "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
    "августа", "сентября", "октября", "ноября", "декабря",
};
// clang-format on

template <size_t N>
StopSet MakeSet(const std::string_view (&words)[N]) {
  return StopSet(std::begin(words), std::end(words));
}

template <size_t N, size_t M>
StopSet MakeSet(const std::string_view (&a)[N], const std::string_view (&b)[M]) {
  StopSet set(std::begin(a), std::end(a));
  set.insert(std::begin(b), std::end(b));
  return set;
}

}  // namespace

bool IsEnglishStopWord(std::string_view lower_word) {
  static const auto* const kSet = new StopSet(MakeSet(kEnglishFunction, kEnglishTopicless));
  return kSet->contains(lower_word);
}

bool IsEnglishFunctionWord(std::string_view lower_word) {
  static const auto* const kSet = new StopSet(MakeSet(kEnglishFunction));
  return kSet->contains(lower_word);
}

bool IsChineseStopWord(std::string_view word) {
  static const auto* const kSet = new StopSet(MakeSet(kChinese));
  return kSet->contains(word);
}

bool HasStopWordList(std::string_view language) {
  return language == "en" || language == "zh" || language == "de" || language == "fr" || language == "es" ||
         language == "it" || language == "pt" || language == "nl" || language == "ru";
}

bool IsStopWord(std::string_view language, std::string_view lower_word) {
  using Set = StopSet;
  if (language == "en") return IsEnglishStopWord(lower_word);
  if (language == "zh") return IsChineseStopWord(lower_word);
  static const Set* const kDe = new Set(MakeSet(kGerman));
  static const Set* const kFr = new Set(MakeSet(kFrench));
  static const Set* const kEs = new Set(MakeSet(kSpanish));
  static const Set* const kIt = new Set(MakeSet(kItalian));
  static const Set* const kPt = new Set(MakeSet(kPortuguese));
  static const Set* const kNl = new Set(MakeSet(kDutch));
  static const Set* const kRu = new Set(MakeSet(kRussian));
  const Set* set = language == "de"   ? kDe
                   : language == "fr" ? kFr
                   : language == "es" ? kEs
                   : language == "it" ? kIt
                   : language == "pt" ? kPt
                   : language == "nl" ? kNl
                   : language == "ru" ? kRu
                                      : nullptr;
  return set != nullptr && set->contains(lower_word);
}

}  // namespace newsflow::enrich
