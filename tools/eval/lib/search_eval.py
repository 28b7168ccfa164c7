"""Known-item search check for tools/eval/search.sh.

  search_eval.py input DATA_DIR OUT_DIR     writes OUT_DIR/{en,zh}.load.jsonl and .queries.jsonl
  search_eval.py run NEWSFLOW DATA OUT_DIR  runs the queries, prints a report and one JSON line

English: the BBC News articles (DEV half) are loaded with their body only
(the headline line is cut off the text and given as the title); 100
headlines, evenly spread over the sorted ids, are searched as typed, and
the article they head should come first. Chinese: the CSL abstracts have no
titles, so the query is an opening phrase of the abstract (opening_phrase)
as someone who read it might type it, and that abstract should come first.
"""
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time

N_QUERIES = 100


def read_jsonl_gz(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def spread(items, n):
    step = max(1, len(items) // n)
    return items[::step][:n]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def opening_phrase(text, length=10, min_clause=8):
    """The first 10 characters of the first clause of at least 8 (a label
    such as "目的:" is no phrase anyone remembers), never ending inside a
    Latin word or a number: a user types whole words."""
    clauses = re.split(r"[，,。.；;：:（()）]", text)
    clause = next((c.strip() for c in clauses if len(c.strip()) >= min_clause), text.strip())
    phrase = clause[:length]
    if len(clause) > length and clause[length - 1].isascii() and clause[length - 1].isalnum() \
            and clause[length].isascii() and clause[length].isalnum():
        phrase = re.sub(r"[A-Za-z0-9]+$", "", phrase)
    return phrase


def make_input(data_dir, out_dir):
    bbc = read_jsonl_gz(os.path.join(data_dir, "summarization-bbc-news-summary",
                                     "summarization-bbc-news-summary.dev.jsonl.gz"))
    bbc.sort(key=lambda r: r["id"])
    load, queries = [], []
    for r in bbc:
        body = r["article"].split("\n", 1)[1] if "\n" in r["article"] else r["article"]
        load.append({"id": r["id"], "title": r["title"], "text": body.strip()})
    for r in spread(bbc, N_QUERIES):
        queries.append({"id": r["id"], "query": r["title"]})
    write_jsonl(os.path.join(out_dir, "en.load.jsonl"), load)
    write_jsonl(os.path.join(out_dir, "en.queries.jsonl"), queries)

    csl = read_jsonl_gz(os.path.join(data_dir, "chinese-csl-keywords", "chinese-csl-keywords.dev.jsonl.gz"))
    csl.sort(key=lambda r: str(r["id"]))
    load, queries = [], []
    for r in csl:
        load.append({"id": str(r["id"]), "title": "", "text": r["text"]})
    for r in spread(csl, N_QUERIES):
        queries.append({"id": str(r["id"]), "query": opening_phrase(r["text"])})
    write_jsonl(os.path.join(out_dir, "zh.load.jsonl"), load)
    write_jsonl(os.path.join(out_dir, "zh.queries.jsonl"), queries)


def run_queries(newsflow, data, queries_path):
    with open(queries_path, encoding="utf-8") as f:
        queries = [json.loads(line) for line in f]
    rank1 = top10 = errors = 0
    misses, latencies = [], []
    for q in queries:
        t0 = time.perf_counter()
        p = subprocess.run([newsflow, "--data-dir", data, "search", q["query"], "--json", "--limit", "10"],
                           capture_output=True, text=True)
        latencies.append((time.perf_counter() - t0) * 1000)
        if p.returncode != 0:
            errors += 1
            misses.append((q["query"], "error: " + p.stderr.strip()))
            continue
        urls = [h["url"] for h in json.loads(p.stdout)["hits"]]
        want = "urn:newsflow:load:" + q["id"]
        if urls[:1] == [want]:
            rank1 += 1
        else:
            misses.append((q["query"], f"rank {urls.index(want) + 1}" if want in urls else "not in top 10"))
        top10 += want in urls
    n = len(queries)
    return {"queries": n, "rank1": round(rank1 / n, 4), "top10": round(top10 / n, 4), "errors": errors,
            "cli_ms_p50": round(statistics.median(latencies), 1)}, misses


def main():
    if sys.argv[1] == "input":
        make_input(sys.argv[2], sys.argv[3])
        return
    newsflow, data_root, out_dir = sys.argv[2], sys.argv[3], sys.argv[4]
    summary = {}
    for lang in ("en", "zh"):
        result, misses = run_queries(newsflow, os.path.join(data_root, lang), os.path.join(out_dir, f"{lang}.queries.jsonl"))
        summary[lang] = result
        print(f"{lang}: {result['queries']} queries, first {result['rank1']:.1%}, top 10 {result['top10']:.1%}, "
              f"errors {result['errors']}, CLI call median {result['cli_ms_p50']} ms (process start included)")
        for query, why in misses[:10]:
            print(f"  miss: {query!r}: {why}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
