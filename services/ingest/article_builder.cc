#include "services/ingest/article_builder.h"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/util/hash.h"
#include "common/util/text.h"
#include "services/ingest/extract/article_extractor.h"
#include "services/ingest/feed/canonical_url.h"
#include "services/ingest/feed/feed_date.h"

namespace newsflow::ingest {
namespace {

// Collapses ASCII whitespace runs to one space, so re-wrapped text keeps its version.
std::string NormaliseSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void AssignIdentity(v1::Article* a) {
  if (!a->url().empty()) a->set_canonical_url(CanonicalizeUrl(a->url()));
  if (!a->canonical_url().empty()) {
    a->set_id(HashHex(a->canonical_url()));
  } else if (!a->guid().empty()) {
    a->set_id(HashHex("guid:" + a->guid()));
  } else {
    a->set_id(HashHex("title:" + a->source().id() + "\n" + NormaliseSpace(a->title())));
  }
  AssignVersion(a);
}

void AssignVersion(v1::Article* a) {
  a->set_version(HashHex(NormaliseSpace(a->title()) + "\n" + NormaliseSpace(a->text())));
}

bool ExceedsArticleLimits(const ArticleLimits& limits, const v1::Article& a) {
  return a.text().size() > limits.max_text_bytes || a.title().size() > limits.max_title_bytes ||
         a.summary_html().size() > limits.max_summary_html_bytes ||
         a.categories_size() > limits.max_categories;
}

bool ApplyArticleLimits(const ArticleLimits& limits, v1::Article* a) {
  bool cut = false;
  auto cap = [&](std::string* field, std::size_t limit, bool at_sentence) {
    if (field->size() <= limit) return;
    std::string_view kept = CapText(*field, limit);
    if (!at_sentence) {
      // A plain character boundary: titles and markup have no sentences.
      std::size_t end = limit;
      while (end > 0 && (static_cast<unsigned char>((*field)[end]) & 0xC0) == 0x80) --end;
      kept = std::string_view(*field).substr(0, end);
    }
    field->resize(kept.size());
    cut = true;
  };
  cap(a->mutable_text(), limits.max_text_bytes, true);
  cap(a->mutable_title(), limits.max_title_bytes, false);
  cap(a->mutable_summary_html(), limits.max_summary_html_bytes, false);
  if (a->categories_size() > limits.max_categories) {
    a->mutable_categories()->DeleteSubrange(limits.max_categories,
                                            a->categories_size() - limits.max_categories);
    cut = true;
  }
  if (cut) {
    // The same article (same id), shorter.
    if (a->id().empty()) {
      AssignIdentity(a);
    } else {
      AssignVersion(a);
    }
  }
  return cut;
}

std::optional<v1::Article> ArticleFromFeedItem(const FeedItem& item, const ParsedFeed& feed,
                                               const std::string& feed_url, const std::string& origin,
                                               int64_t now_ms) {
  if (item.title.empty() && item.text.empty()) return std::nullopt;
  v1::Article a;
  a.set_url(item.link);
  a.set_guid(item.guid);
  a.set_title(item.title);
  a.set_author(item.author);
  a.set_text(item.text);
  a.set_summary_html(item.summary_html);
  for (const auto& c : item.categories) a.add_categories(c);
  a.set_published_at_ms(item.published_ms != 0 ? item.published_ms : item.updated_ms);
  a.set_fetched_at_ms(now_ms);
  a.set_source_language(item.language.empty() ? feed.language : item.language);
  v1::Source* source = a.mutable_source();
  source->set_id(HashHex(feed_url));
  source->set_url(feed_url);
  source->set_title(feed.title);
  source->set_kind(feed.format);
  a.set_origin(origin);
  AssignIdentity(&a);
  return a;
}

bool LooksLikeTeaser(const std::string& text, int max_chars) {
  std::string t = NormaliseSpace(text);
  // Characters, not bytes. A CJK character (3-byte UTF-8 from U+3000 on)
  // carries about as much as three Latin letters, so it counts three times.
  int chars = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if ((c & 0xC0) == 0x80) continue;
    chars += (c >= 0xE3 && c <= 0xE9) ? 3 : 1;
  }
  if (chars < max_chars) return true;
  std::string tail = t.substr(t.size() > 32 ? t.size() - 32 : 0);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Markers a publisher puts at the end of a cut-off excerpt.
  for (std::string_view marker :
       {"...", "\xE2\x80\xA6", "[\xE2\x80\xA6]", "read more", "continue reading", "read the full story",
        "\xE9\x98\x85\xE8\xAF\xBB\xE5\x85\xA8\xE6\x96\x87"}) {
    if (tail.find(marker) != std::string::npos) return true;
  }
  return false;
}

void MergeExtractedPage(const Article& page, const std::string& url, v1::Article* a) {
  const bool had_url = !a->url().empty();
  if (!had_url) a->set_url(page.canonical_url.empty() ? url : page.canonical_url);
  if (a->title().empty()) a->set_title(page.title);
  if (page.text.size() > a->text().size()) a->set_text(page.text);
  if (a->author().empty()) a->set_author(page.author);
  if (a->published_at_ms() == 0) a->set_published_at_ms(page.published_ms);
  if (a->source_language().empty()) a->set_source_language(page.language);
  // The id follows the URL, so it is kept unless the page gave the URL.
  if (had_url) {
    AssignVersion(a);
  } else {
    AssignIdentity(a);
  }
}

absl::StatusOr<v1::Article> ArticleFromDropFile(const std::string& path, const std::string& bytes,
                                                const std::string& origin, int64_t now_ms) {
  v1::Article a;
  v1::Source* source = a.mutable_source();
  source->set_url(path);
  if (EndsWith(path, ".json")) {
    nlohmann::json j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      // The JSON parser also refuses strings that are not valid UTF-8: the
      // check at this boundary, so the fields below need no repair.
      return absl::InvalidArgumentError(fmt::format("{}: not a JSON object in valid UTF-8", path));
    }
    auto str = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    a.set_title(str("title"));
    a.set_text(str("text"));
    if (a.title().empty() || a.text().empty()) {
      return absl::InvalidArgumentError(fmt::format("{}: \"title\" and \"text\" are required strings", path));
    }
    a.set_url(str("url"));
    a.set_author(str("author"));
    a.set_source_language(str("language"));
    if (auto published = ParseFeedDate(str("published"))) a.set_published_at_ms(*published);
    source->set_kind("drop-json");
  } else if (EndsWith(path, ".html") || EndsWith(path, ".htm")) {
    auto page = ExtractArticle(bytes);
    if (!page.ok())
      return absl::InvalidArgumentError(fmt::format("{}: {}", path, std::string(page.status().message())));
    if (page->text.empty()) return absl::InvalidArgumentError(fmt::format("{}: no article text found", path));
    a.set_title(page->title);
    a.set_text(page->text);
    a.set_url(page->canonical_url);
    a.set_author(page->author);
    a.set_source_language(page->language);
    a.set_published_at_ms(page->published_ms);
    source->set_title(page->site_name);
    source->set_kind("drop-html");
  } else {
    return absl::InvalidArgumentError(fmt::format("{}: only .json and .html files are read", path));
  }
  source->set_id(HashHex("drop:" + source->kind()));
  a.set_fetched_at_ms(now_ms);
  a.set_origin(origin);
  AssignIdentity(&a);
  return a;
}

}  // namespace newsflow::ingest
