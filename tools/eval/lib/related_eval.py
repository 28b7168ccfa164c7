"""Related-articles check for tools/eval/related.sh.

  related_eval.py input DATA_DIR OUT_DIR          writes OUT_DIR/en.load.jsonl
  related_eval.py score DATA_DIR RELATED.jsonl    prints a report and one JSON line

The BBC News articles (DEV half) are loaded as search.sh loads them (body
only, the headline as title). RELATED.jsonl is `newsflow related --all`'s
output: per article its related articles and its other sources. Scores:

- precision_at_5: per article, the share of its 5 slots filled by an
  article of the same BBC category (business, entertainment, politics,
  sport, tech); a slot left empty counts as a miss. Averaged over articles.
- same_cluster_related: related articles in the article's own cluster
  (the store's near-duplicates), which must be 0.
- near_duplicates_related: related articles that are near-duplicates by an
  independent test of the texts, not the store's SimHash: Jaccard
  similarity of their word 5-gram sets of at least NEAR_DUP_JACCARD. The set
  holds some articles twice, which this catches even when the store did not
  cluster them.
"""
import collections
import gzip
import json
import os
import re
import sys

NEAR_DUP_JACCARD = 0.5
K = 5


def read_bbc(data_dir):
    path = os.path.join(data_dir, "summarization-bbc-news-summary", "summarization-bbc-news-summary.dev.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    rows.sort(key=lambda r: r["id"])
    return rows


def body_of(r):
    return (r["article"].split("\n", 1)[1] if "\n" in r["article"] else r["article"]).strip()


def shingles(text, n=5):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def make_input(data_dir, out_dir):
    with open(os.path.join(out_dir, "en.load.jsonl"), "w", encoding="utf-8") as f:
        for r in read_bbc(data_dir):
            f.write(json.dumps({"id": r["id"], "title": r["title"], "text": body_of(r)}, ensure_ascii=False) + "\n")


def load_id(url):
    prefix = "urn:newsflow:load:"
    return url[len(prefix):] if url.startswith(prefix) else None


def score(data_dir, related_path):
    rows = {r["id"]: r for r in read_bbc(data_dir)}
    category = {i: r["category"] for i, r in rows.items()}
    shingle_cache = {}

    def sh(i):
        if i not in shingle_cache:
            shingle_cache[i] = shingles(body_of(rows[i]))
        return shingle_cache[i]

    with open(related_path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    articles = hits = same_cluster = near_dup = not_indexed = with_sources = 0
    filled = 0
    per_category = collections.defaultdict(lambda: [0, 0])
    examples = []
    for line in lines:
        me = load_id(line["url"])
        if me not in category:
            continue
        articles += 1
        not_indexed += not line.get("indexed", True)
        with_sources += bool(line["other_sources"])
        related = line["related"][:K]
        filled += len(related)
        good = 0
        for r in related:
            other = load_id(r["url"])
            good += category.get(other) == category[me]
            same_cluster += r["cluster_id"] == line["cluster_id"]
            if other in rows and jaccard(sh(me), sh(other)) >= NEAR_DUP_JACCARD:
                near_dup += 1
                if len(examples) < 5:
                    examples.append(f"  near-duplicate listed as related: {me} -> {other}")
        hits += good
        per_category[category[me]][0] += good
        per_category[category[me]][1] += K
    summary = {
        "articles": articles,
        "precision_at_5": round(hits / (K * articles), 4) if articles else 0.0,
        "filled_at_5": round(filled / (K * articles), 4) if articles else 0.0,
        "same_cluster_related": same_cluster,
        "near_duplicates_related": near_dup,
        "with_other_sources": with_sources,
        "not_indexed": not_indexed,
        "by_category": {c: round(h / n, 4) for c, (h, n) in sorted(per_category.items())},
    }
    print(f"en: {articles} articles, precision@5 (same category) {summary['precision_at_5']:.1%}, "
          f"slots filled {summary['filled_at_5']:.1%}")
    print("  by category: " + ", ".join(f"{c} {p:.1%}" for c, p in summary["by_category"].items()))
    print(f"  near-duplicates listed as related: {near_dup} by text (5-gram Jaccard >= {NEAR_DUP_JACCARD}), "
          f"{same_cluster} of the same cluster; {with_sources} articles have other sources")
    for e in examples:
        print(e)
    print(json.dumps({"en": summary}))


def main():
    if sys.argv[1] == "input":
        make_input(sys.argv[2], sys.argv[3])
    else:
        score(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
