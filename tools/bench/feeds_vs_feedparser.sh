#!/usr/bin/env bash
# Parse speed of `newsflow parse-feed --format=feedparser` against Python's
# feedparser on the same inputs, in one run:
#   1. all DEV fixture files of ../shared/data/feedparser-tests (tiny feeds,
#      so this measures per-feed overhead), HTTP fixtures with their headers;
#   2. one generated RSS 2.0 feed with 5,000 items (bulk throughput).
# Ours: one batch process per run (process start, file reads and JSON output
# included). Python: feedparser.parse(bytes) in-process (no JSON output).
# Each side is timed 3 times; the median gives feeds/s and MB/s. Both CPU time
# (user + system, of the child process for ours, of this process for Python)
# and wall time are measured; the ratios use CPU time, which other jobs on a
# shared machine disturb far less than wall time.
#
#   tools/bench/feeds_vs_feedparser.sh [--newsflow PATH] [--items N] [--runs N]
set -euo pipefail
NEWSFLOW_BIN="build/services/cli/newsflow"
ITEMS=5000
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --newsflow) NEWSFLOW_BIN="$2"; shift ;;
    --items) ITEMS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
PY="${EVAL_PY:-/usr/bin/python3}"
DATA="${NEWSFLOW_SHARED:-../shared}/data/feedparser-tests"
if [ ! -d "$DATA" ]; then echo "skipped: $DATA is absent"; exit 77; fi
if ! "$PY" -c 'import feedparser' 2>/dev/null; then
  echo "skipped: $PY has no feedparser (apt-get install python3-feedparser)"; exit 77
fi
[ -x "$NEWSFLOW_BIN" ] || { echo "newsflow binary not found at $NEWSFLOW_BIN" >&2; exit 2; }

"$PY" - "$NEWSFLOW_BIN" "$DATA" "$ITEMS" "$RUNS" <<'PY'
import gzip, json, os, resource, shutil, statistics, subprocess, sys, tarfile, tempfile, time, warnings
newsflow, data_dir, items, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
warnings.simplefilter('ignore')
import feedparser

tmp = tempfile.mkdtemp(prefix='feeds_bench_')
try:
    with tarfile.open(os.path.join(data_dir, 'feedparser-tests.dev.tar.gz')) as tf:
        members = [m for m in tf.getmembers() if m.isfile()]
        for m in members:
            if m.name.startswith('/') or '..' in m.name.split('/'):
                raise SystemExit('odd tar member')
        tf.extractall(tmp, members=members)
    with gzip.open(os.path.join(data_dir, 'expectations.dev.jsonl.gz'), 'rt') as f:
        http = {e['path']: e.get('headers') or {} for e in map(json.loads, f) if e.get('http')}
    fixtures = []
    for m in sorted(members, key=lambda m: m.name):
        path = os.path.join(tmp, m.name)
        headers = {}
        if m.name in http:
            extra = dict(http[m.name])
            ctype = extra.pop('Content-type', None) or extra.pop('Content-Type', None) or 'text/xml'
            headers = {'Content-Type': ctype}
            headers.update(extra)
        fixtures.append((path, headers))

    # A large generated feed.
    big = os.path.join(tmp, 'big.xml')
    with open(big, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                '<title>Generated</title><link>http://example.com/</link><description>bench</description>\n')
        for i in range(items):
            f.write(f'<item><title>Item {i} &amp; more</title><link>http://example.com/a/{i}</link>'
                    f'<guid>http://example.com/a/{i}</guid><pubDate>Tue, 10 Jun 2003 04:{i % 60:02d}:00 GMT</pubDate>'
                    f'<dc:creator>Writer {i % 17}</dc:creator><category>cat{i % 9}</category>'
                    f'<description>&lt;p&gt;Summary {i} with &lt;a href="/rel/{i}"&gt;a link&lt;/a&gt;.&lt;/p&gt;</description>'
                    f'<content:encoded><![CDATA[<p>Body of item {i}.</p><p>Second <b>paragraph</b> '
                    f'<img src="/img/{i}.png" onload="x()"/> and <script>bad()</script> text.</p>]]></content:encoded></item>\n')
        f.write('</channel></rss>\n')

    def ours(files):
        payload = ''.join(json.dumps({'id': str(n), 'file': p, 'headers': h, 'url': ''}) + '\n'
                          for n, (p, h) in enumerate(files)).encode()
        cpu, wall = [], []
        for _ in range(runs):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            out = subprocess.run([newsflow, 'parse-feed', '--format=feedparser', '--batch'], input=payload,
                                 stdout=subprocess.PIPE, check=True).stdout
            wall.append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
            assert out.count(b'\n') == len(files), 'missing answers'
        return statistics.median(cpu), statistics.median(wall)

    def python(files):
        docs = []
        for p, h in files:
            with open(p, 'rb') as f:
                docs.append((f.read(), {k.lower(): v for k, v in h.items()} or None))
        cpu, wall = [], []
        for _ in range(runs):
            c0, t0 = time.process_time(), time.perf_counter()
            for d, h in docs:
                try:
                    feedparser.parse(d, response_headers=h)
                except Exception:  # feedparser raises on one DEV fixture
                    pass
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
        return statistics.median(cpu), statistics.median(wall)

    rows = []
    summary = {'task': 'feeds_speed', 'runs': runs}
    for name, files in (('fixtures', fixtures), (f'generated_{items}_items', [(big, {})])):
        nbytes = sum(os.path.getsize(p) for p, _ in files)
        (t_ours, w_ours), (t_py, w_py) = ours(files), python(files)
        entry = {'n': len(files), 'bytes': nbytes,
                 'newsflow_cpu_s': round(t_ours, 4), 'feedparser_cpu_s': round(t_py, 4),
                 'newsflow_wall_s': round(w_ours, 4), 'feedparser_wall_s': round(w_py, 4),
                 'newsflow_feeds_per_s': round(len(files) / t_ours, 1),
                 'feedparser_feeds_per_s': round(len(files) / t_py, 1),
                 'newsflow_mb_per_s': round(nbytes / 1e6 / t_ours, 2),
                 'feedparser_mb_per_s': round(nbytes / 1e6 / t_py, 2),
                 'ratio': round(t_py / t_ours, 1), 'wall_ratio': round(w_py / w_ours, 1)}
        summary[name] = entry
        rows.append((name, entry))
    print('feeds/s and MB/s from CPU time (median of runs)')
    print(f'{"input":26} {"files":>6} {"MB":>7} {"newsflow feeds/s":>17} {"MB/s":>7} '
          f'{"feedparser feeds/s":>19} {"MB/s":>7} {"ratio":>7} {"wall ratio":>10}')
    for name, e in rows:
        print(f'{name:26} {e["n"]:6d} {e["bytes"] / 1e6:7.3f} {e["newsflow_feeds_per_s"]:17.1f} '
              f'{e["newsflow_mb_per_s"]:7.2f} {e["feedparser_feeds_per_s"]:19.1f} {e["feedparser_mb_per_s"]:7.2f} '
              f'{e["ratio"]:6.1f}x {e["wall_ratio"]:9.1f}x')
    print(json.dumps(summary))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
PY
