#!/usr/bin/env python3
"""End-to-end benchmark: the three daemons as separate processes, fed by a
local HTTP feed server, measured from outside.

    tests/bench/e2e_bench.py [--build build] [--profile short|full] [--json]

Scenarios (sizes per profile, see PROFILES):
  en      English feeds with full text in the item (realistic RSS of a news
          site that publishes whole articles)
  mixed   the same with every fifth item Chinese
  teaser  feeds whose items hold one sentence and link to the article page:
          ingest fetches every page and extracts it
  half    English feeds paced at half the throughput `en` measured: items
          appear on the feeds at a steady rate and ingest polls every second,
          so the latency shows the pipeline at work, not a backlog draining

For each scenario it starts newsflow-store, the enrich workers and then
newsflow-ingest (fresh data folders, loopback sockets), waits until the store
has committed every article, and reports:
  articles/s        articles / (last commit - ingest start)
  CPU ms/article    utime + stime of each daemon (/proc/<pid>/stat) over the
                    run, divided by the articles (the store's and workers'
                    start-up is excluded: measured from ingest start)
  latency p50/p99   fetch at ingest -> committed in the store, from the
                    store's newsflow_store_end_to_end_seconds histogram
                    (bucket-interpolated like Prometheus' histogram_quantile)
  peak RSS          VmHWM of each daemon at the end of the run

Article texts are built from sentences of the repository's sample feeds
(samples/feeds), shuffled into articles of 8-16 sentences: real news prose
with the sample feeds' vocabulary, ~2 KB of English or ~0.8 KB of Chinese
per article. Only the standard library is used.

The short profile is what CI runs (a smoke test of the benchmark and of the
daemons under load; its numbers are not checked). The full profile is the
measurement reported in the documentation.
"""
import argparse
import html
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROFILES = {
    # scenario: (feeds, items per feed); half: (feeds, seconds)
    "short": {"en": (4, 150), "mixed": (4, 150), "teaser": (4, 50), "half": (4, 4), "workers": 1},
    "full": {"en": (20, 1000), "mixed": (20, 1000), "teaser": (20, 100), "half": (20, 20), "workers": 1},
}

TICKS = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- corpus


def sample_sentences(newsflow, repo):
    """Sentences of the sample feeds' items, by language."""
    out = {"en": [], "zh": []}
    feeds = os.path.join(repo, "samples", "feeds")
    for name in sorted(os.listdir(feeds)):
        if not name.endswith(".xml"):
            continue
        res = subprocess.run([newsflow, "parse-feed", os.path.join(feeds, name)], capture_output=True, text=True)
        if res.returncode != 0:
            continue
        feed = json.loads(res.stdout)
        for item in feed.get("items", []):
            text = item.get("text") or ""
            lang = "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"
            pattern = r"(?<=[。！？])" if lang == "zh" else r"(?<=[.!?])\s+(?=[A-Z\"'])"
            for s in re.split(pattern, text.replace("\n", " ")):
                s = s.strip()
                if len(s) >= (12 if lang == "zh" else 40):
                    out[lang].append(s)
    if len(out["en"]) < 50 or len(out["zh"]) < 10:
        raise SystemExit("e2e_bench: too few sample sentences (run from the repository root)")
    return out


class Corpus:
    def __init__(self, sentences, seed=7):
        self.sentences = sentences
        self.rng = random.Random(seed)

    def article(self, lang):
        picked = self.rng.sample(self.sentences[lang], self.rng.randint(8, 16))
        words = picked[0].split() if lang == "en" else None
        title = " ".join(words[:10]).rstrip(".,;:") if words else picked[0][:24].rstrip("。，")
        paragraphs = [" ".join(picked[i : i + 3]) if lang == "en" else "".join(picked[i : i + 3])
                      for i in range(0, len(picked), 3)]
        return title, paragraphs


def rss(title, items):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
             f"<title>{html.escape(title)}</title><link>http://bench.local/</link>"
             "<description>benchmark feed</description>"]
    for it in items:
        parts.append(
            "<item><title>{}</title><link>{}</link><guid>{}</guid><pubDate>{}</pubDate>"
            "<description>{}</description></item>".format(
                html.escape(it["title"]), html.escape(it["link"]), html.escape(it["link"]),
                time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(it["time"])),
                html.escape(it["body"])))
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


def page(title, paragraphs):
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{0}</title></head><body>"
            "<header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav></header>"
            "<main><article><h1>{0}</h1>{1}</article></main>"
            "<footer><p>Copyright bench.local</p></footer></body></html>").format(html.escape(title), body).encode()


# ---------------------------------------------------------------- feed server


class FeedServer:
    """Static feeds and pages, plus paced feeds whose items appear over time."""

    def __init__(self):
        self.static = {}
        self.paced = {}  # path -> (items, start, per_second)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in separate writes: without this, Nagle's
            # algorithm holds the body until the client's delayed ACK (40 ms).
            disable_nagle_algorithm = True

            def do_GET(self):
                body = server.static.get(self.path)
                if body is None and self.path in server.paced:
                    items, start, rate = server.paced[self.path]
                    shown = min(len(items), int((time.monotonic() - start) * rate))
                    body = rss("paced", items[max(0, shown - 300) : shown])
                ctype = "text/html; charset=utf-8" if self.path.endswith(".html") else "application/rss+xml"
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def build_feeds(server, corpus, scenario, feeds, per_feed, now):
    """Registers the scenario's feeds on the server; returns (urls, articles)."""
    urls = []
    for f in range(feeds):
        items = []
        for i in range(per_feed):
            lang = "zh" if scenario == "mixed" and i % 5 == 4 else "en"
            title, paragraphs = corpus.article(lang)
            link = f"{server.base}/{scenario}/{f}/{i}.html"
            body = "\n\n".join(paragraphs)
            if scenario == "teaser":
                server.static[link[len(server.base):]] = page(title, paragraphs)
                body = paragraphs[0].split(". ")[0] + "."
            items.append({"title": title, "link": link, "body": body, "time": now - i * 30})
        path = f"/{scenario}/{f}.xml"
        if scenario == "half":
            server.paced[path] = (items, None, 0.0)
        else:
            server.static[path] = rss(f"{scenario} {f}", items)
        urls.append(server.base + path)
    return urls, feeds * per_feed


# ---------------------------------------------------------------- daemons


class Daemon:
    def __init__(self, binary, config, folder, name, wrap=""):
        self.name = name
        self.endpoints_file = os.path.join(folder, name + ".endpoints")
        self.log_path = os.path.join(folder, name + ".log")
        with open(self.log_path, "w") as out:
            self.proc = subprocess.Popen(
                wrap.split() + [binary, "--config", config, "--endpoints-file", self.endpoints_file],
                stdout=out, stderr=subprocess.STDOUT)

    def endpoints(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"e2e_bench: {self.name} exited: {self.tail()}")
            try:
                with open(self.endpoints_file) as f:
                    return json.load(f)
            except (OSError, ValueError):
                time.sleep(0.05)
        raise SystemExit(f"e2e_bench: {self.name} did not start: {self.tail()}")

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self):
        try:
            with open(self.log_path) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(base):
    with urllib.request.urlopen(base + "/metrics", timeout=5) as res:
        return res.read().decode()


def metric(text, name):
    m = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def histogram_quantile(text, name, q):
    buckets = []
    for m in re.finditer(rf'^{re.escape(name)}_bucket{{le="([^"]+)"}} ([0-9.e+-]+)$', text, re.M):
        bound = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
        buckets.append((bound, float(m.group(2))))
    if not buckets or buckets[-1][1] == 0:
        return float("nan")
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(count - below, 1e-9)
        lower, below = bound, count
    return lower


def run_scenario(args, server, corpus, scenario, spec, rate=None):
    feeds, size = spec
    folder = tempfile.mkdtemp(prefix=f"newsflow-e2e-{scenario}-")
    now = int(time.time())
    if scenario == "half":
        per_feed = max(1, int(rate * size / feeds))
        urls, expected = build_feeds(server, corpus, scenario, feeds, per_feed, now)
    else:
        urls, expected = build_feeds(server, corpus, scenario, feeds, size, now)
    bin_dir = os.path.join(args.build, "services")
    store_cfg = os.path.join(folder, "store.yaml")
    with open(store_cfg, "w") as f:
        f.write(f"""data_dir: {folder}
store:
  input: {{address: "tcp://127.0.0.1:*", bind: true}}
  publish: {{address: "tcp://127.0.0.1:*", bind: true}}
  acks: {{address: "tcp://127.0.0.1:*", bind: true}}
  query: {{address: "tcp://127.0.0.1:*", bind: true}}
  term_counts: {{address: "tcp://127.0.0.1:*", bind: true}}
  http: {{enabled: true, port: 0}}
  {args.store_yaml}
logging: {{level: warn}}
""")
    daemons = []
    try:
        store = Daemon(os.path.join(bin_dir, "store", "newsflow-store"), store_cfg, folder, "store",
                       args.wrap.get("store", ""))
        daemons.append(store)
        se = store.endpoints()
        # Ingest binds its PUSH on a port chosen here; the workers connect
        # to it before it is up (ZeroMQ reconnects), as workers on other
        # hosts would.
        articles = f"tcp://127.0.0.1:{free_port()}"
        workers = []
        for w in range(args.workers):
            cfg = os.path.join(folder, f"enrich-{w}.yaml")
            with open(cfg, "w") as f:
                f.write(f"""data_dir: {folder}
enrich:
  worker_id: enrich-{w}
  input: {{address: "{articles}", bind: false}}
  output: {{address: "{se['store.input']}", bind: false}}
  term_counts: {{stream: "{se['store.term_counts']}"}}
  http: {{port: 0}}
logging: {{level: warn}}
""")
            workers.append(Daemon(os.path.join(bin_dir, "enrich", "newsflow-enrich"), cfg, folder, f"enrich-{w}",
                                  args.wrap.get("enrich", "")))
        daemons += workers
        for w in workers:
            w.endpoints()
        interval = 1 if scenario == "half" else 3600
        feed_lines = "".join(f"\n    - {{url: \"{u}\", interval_s: {interval}}}" for u in urls)
        ingest_cfg = os.path.join(folder, "ingest.yaml")
        with open(ingest_cfg, "w") as f:
            f.write(f"""data_dir: {folder}/ingest
ingest:
  articles: {{address: "{articles}", bind: true}}
  acks: {{address: "{se['store.acks']}", bind: false}}
  control: {{address: "tcp://127.0.0.1:*", bind: true}}
  api: {{port: 0}}
  poll: {{default_interval_s: {interval}, min_interval_s: 1}}
  fetch: {{allow_networks: ["127.0.0.1/32"]}}
  feeds:{feed_lines}
logging: {{level: warn}}
""")
        base = se["store.http"]
        cpu0 = {d.name: d.cpu_seconds() for d in daemons}
        if scenario == "half":
            for path, (items, _, _) in list(server.paced.items()):
                server.paced[path] = (items, time.monotonic(), rate / feeds)
        t0 = time.monotonic()
        ingest = Daemon(os.path.join(bin_dir, "ingest", "newsflow-ingest"), ingest_cfg, folder, "ingest",
                        args.wrap.get("ingest", ""))
        daemons.append(ingest)
        cpu0["ingest"] = 0.0
        deadline = t0 + args.timeout + (size if scenario == "half" else 0)
        committed, text, t_end = 0, "", t0
        while time.monotonic() < deadline:
            text = scrape(base)
            c = metric(text, "newsflow_store_committed_total")
            if c != committed:
                committed, t_end = c, time.monotonic()
            if committed >= expected:
                break
            for d in daemons:
                if d.proc.poll() is not None:
                    raise SystemExit(f"e2e_bench: {d.name} exited during {scenario}: {d.tail()}")
            time.sleep(0.05)
        if committed < expected:
            raise SystemExit(f"e2e_bench: {scenario}: {committed:.0f} of {expected} articles stored "
                             f"within {args.timeout} s\n{ingest.tail()}")
        wall = t_end - t0
        cpu = {d.name: (d.cpu_seconds() - cpu0[d.name]) * 1000 / expected for d in daemons}
        rss = {d.name: d.peak_rss_mb() for d in daemons}
        row = {
            "scenario": scenario,
            "articles": expected,
            "seconds": round(wall, 2),
            "articles_per_s": round(expected / wall, 1),
            "cpu_ms_per_article": {
                "ingest": round(cpu["ingest"], 3),
                "enrich": round(sum(v for k, v in cpu.items() if k.startswith("enrich")), 3),
                "store": round(cpu["store"], 3),
            },
            "latency_ms": {
                "p50": round(1000 * histogram_quantile(text, "newsflow_store_end_to_end_seconds", 0.5), 1),
                "p99": round(1000 * histogram_quantile(text, "newsflow_store_end_to_end_seconds", 0.99), 1),
            },
            "peak_rss_mb": {
                "ingest": round(rss["ingest"], 1),
                "enrich": round(max(v for k, v in rss.items() if k.startswith("enrich")), 1),
                "store": round(rss["store"], 1),
            },
        }
        row["cpu_ms_per_article"]["total"] = round(sum(row["cpu_ms_per_article"].values()), 3)
        if scenario == "half":
            row["offered_per_s"] = round(rate, 1)
        return row
    finally:
        for d in reversed(daemons):
            d.stop()
        server.paced.clear()
        server.static.clear()
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def print_table(rows):
    head = ("scenario", "articles", "art/s", "ingest ms", "enrich ms", "store ms", "total ms",
            "p50 ms", "p99 ms", "RSS MB i/e/s")
    lines = [head]
    for r in rows:
        c, l, m = r["cpu_ms_per_article"], r["latency_ms"], r["peak_rss_mb"]
        name = r["scenario"] + (f" ({r['offered_per_s']:.0f}/s offered)" if "offered_per_s" in r else "")
        lines.append((name, str(r["articles"]), f"{r['articles_per_s']:.0f}", f"{c['ingest']:.3f}",
                      f"{c['enrich']:.3f}", f"{c['store']:.3f}", f"{c['total']:.3f}", f"{l['p50']:.1f}",
                      f"{l['p99']:.1f}", f"{m['ingest']:.0f}/{m['enrich']:.0f}/{m['store']:.0f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for line in lines:
        print("  ".join(v.ljust(widths[i]) if i == 0 else v.rjust(widths[i]) for i, v in enumerate(line)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="the CMake build folder")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="short")
    parser.add_argument("--scenarios", default="en,mixed,teaser,half", help="comma-separated subset")
    parser.add_argument("--workers", type=int, default=None, help="enrich worker processes")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a scenario may take")
    parser.add_argument("--store-yaml", default="", help="extra lines for the store section, e.g. "
                        "'search: {enabled: false}'")
    parser.add_argument("--wrap", action="append", default=[], metavar="DAEMON=COMMAND",
                        help="run a daemon (ingest, enrich, store) under COMMAND, e.g. "
                        "store='valgrind --tool=callgrind' (then CPU and RSS are the wrapper's)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    parser.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    args = parser.parse_args()
    args.wrap = dict(w.split("=", 1) for w in args.wrap)
    profile = PROFILES[args.profile]
    if args.workers is None:
        args.workers = profile["workers"]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    newsflow = os.path.join(args.build, "services", "cli", "newsflow")
    corpus = Corpus(sample_sentences(newsflow, repo))
    server = FeedServer()
    rows = []
    try:
        for scenario in args.scenarios.split(","):
            if scenario == "half":
                en = next((r for r in rows if r["scenario"] == "en"), None)
                if en is None:
                    en = run_scenario(args, server, corpus, "en", profile["en"])
                rate = en["articles_per_s"] / 2
                rows.append(run_scenario(args, server, corpus, "half", profile["half"], rate))
            else:
                rows.append(run_scenario(args, server, corpus, scenario, profile[scenario]))
            log(f"{scenario}: {json.dumps(rows[-1])}")
    finally:
        server.close()
    if args.json:
        for r in rows:
            print(json.dumps(r))
    else:
        print(f"newsflow end to end, profile {args.profile}, {args.workers} enrich worker(s), "
              f"{os.cpu_count()} cores; CPU ms per article by daemon")
        print_table(rows)


if __name__ == "__main__":
    main()
