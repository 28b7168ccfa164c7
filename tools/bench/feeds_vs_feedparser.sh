#!/usr/bin/env bash
# Feed parsing speed against Python's feedparser (Debian python3-feedparser),
# side by side in one run, on the same bytes:
#   fixtures        all DEV fixture files of ../shared/data/feedparser-tests
#                   (tiny feeds: per-feed overhead), HTTP fixtures with their
#                   headers for feedparser;
#   generated       one RSS 2.0 feed with N short items (bulk throughput);
#   html_rss        a WordPress-style RSS 2.0 feed whose items carry full HTML
#                   article bodies in content:encoded (figures, links, lists,
#                   embeds), as real news feeds do;
#   html_atom       the same kind of bodies, entity-escaped in Atom
#                   <content type="html">.
#
# Two comparisons:
#   pipeline      ParseFeed, the parser the ingest pipeline uses, in process
#                 (tests/bench/newsflow_feed_throughput) against
#                 feedparser.parse(bytes) in process. This is the parse speed.
#   conformance   `newsflow parse-feed --format=feedparser --batch`, the
#                 feedparser-shaped JSON formatter used for conformance
#                 testing: one process per run, so process start, file reads
#                 and JSON output are included on our side only.
#
# Times are CPU time (user + system), which other jobs on a shared machine
# disturb far less than wall time. In process, each run repeats passes over
# the input until it has used --min-time seconds and yields the time per pass,
# after one warm-up pass; the rates come from the median of --runs runs.
# Prints a table per comparison and, last, one JSON summary line.
#
#   tools/bench/feeds_vs_feedparser.sh [--newsflow PATH] [--throughput PATH]
#       [--items N] [--html-items N] [--runs N] [--min-time SECONDS]
#
# --throughput defaults to tests/bench/newsflow_feed_throughput in the build
# directory of --newsflow (build/services/cli/newsflow by default).
set -euo pipefail
NEWSFLOW_BIN="build/services/cli/newsflow"
THROUGHPUT_BIN=""
ITEMS=5000
HTML_ITEMS=200
RUNS=5
MIN_TIME=0.5
while [ $# -gt 0 ]; do
  case "$1" in
    --newsflow) NEWSFLOW_BIN="$2"; shift ;;
    --throughput) THROUGHPUT_BIN="$2"; shift ;;
    --items) ITEMS="$2"; shift ;;
    --html-items) HTML_ITEMS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --min-time) MIN_TIME="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$THROUGHPUT_BIN" ]; then
  THROUGHPUT_BIN="$(dirname "$(dirname "$(dirname "$NEWSFLOW_BIN")")")/tests/bench/newsflow_feed_throughput"
fi
PY="${EVAL_PY:-/usr/bin/python3}"
DATA="${NEWSFLOW_SHARED:-../shared}/data/feedparser-tests"
if [ ! -d "$DATA" ]; then echo "skipped: $DATA is absent"; exit 77; fi
if ! "$PY" -c 'import feedparser' 2>/dev/null; then
  echo "skipped: $PY has no feedparser (apt-get install python3-feedparser)"; exit 77
fi
[ -x "$NEWSFLOW_BIN" ] || { echo "newsflow binary not found at $NEWSFLOW_BIN" >&2; exit 2; }
[ -x "$THROUGHPUT_BIN" ] || { echo "newsflow_feed_throughput not found at $THROUGHPUT_BIN" >&2; exit 2; }

"$PY" - "$NEWSFLOW_BIN" "$THROUGHPUT_BIN" "$DATA" "$ITEMS" "$HTML_ITEMS" "$RUNS" "$MIN_TIME" <<'PY'
import gzip, json, os, random, resource, shutil, statistics, subprocess, sys, tarfile, tempfile, time, warnings
newsflow, throughput, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
items, html_items, runs, min_time = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
warnings.simplefilter('ignore')
import feedparser


def generated_feed(path, n):
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                '<title>Generated</title><link>http://example.com/</link><description>bench</description>\n')
        for i in range(n):
            f.write(f'<item><title>Item {i} &amp; more</title><link>http://example.com/a/{i}</link>'
                    f'<guid>http://example.com/a/{i}</guid><pubDate>Tue, 10 Jun 2003 04:{i % 60:02d}:00 GMT</pubDate>'
                    f'<dc:creator>Writer {i % 17}</dc:creator><category>cat{i % 9}</category>'
                    f'<description>&lt;p&gt;Summary {i} with &lt;a href="/rel/{i}"&gt;a link&lt;/a&gt;.&lt;/p&gt;</description>'
                    f'<content:encoded><![CDATA[<p>Body of item {i}.</p><p>Second <b>paragraph</b> '
                    f'<img src="/img/{i}.png" onload="x()"/> and <script>bad()</script> text.</p>]]></content:encoded></item>\n')
        f.write('</channel></rss>\n')


def html_feed(path, n, atom, seed=7):
    """A news feed with full HTML article bodies, in the markup WordPress emits."""
    rnd = random.Random(seed)
    words = ('the of and to in a is that for on with as was at by it from be an are has have said '
             'government market energy prices city council report year people new policy company data '
             'minister officials week climate school water health plan study research network users '
             'according million percent would could after before during while since under local').split()

    def title():
        return ' '.join(rnd.choice(words) for _ in range(rnd.randint(5, 11))).capitalize()

    def sentence():
        s = ' '.join(rnd.choice(words) for _ in range(rnd.randint(8, 22))).capitalize()
        if rnd.random() < 0.3: s = s.replace(' ', ' &#8220;', 1) + '&#8221;'
        if rnd.random() < 0.3: s += ' it&#8217;s'
        if rnd.random() < 0.15: s += ' AT&amp;T'
        if rnd.random() < 0.1: s += '&nbsp;&#8212; more'
        return s + '.'

    def link():
        slug = '-'.join(rnd.choice(words) for _ in range(4))
        return (f'<a href="https://news.example.com/{rnd.randint(2019, 2026)}/{rnd.randint(1, 12):02d}/{slug}/" '
                f'target="_blank" rel="noopener noreferrer">{title()}</a>')

    def body(i):
        parts = []
        for k in range(rnd.randint(5, 12)):
            r = rnd.random()
            if r < 0.6:
                p = ' '.join(sentence() for _ in range(rnd.randint(2, 5)))
                if rnd.random() < 0.5: p = p.replace(' and ', ' and ' + link() + ' ', 1)
                if rnd.random() < 0.3: p = p.replace(' the ', ' <strong>the</strong> ', 1)
                if rnd.random() < 0.3: p = p.replace(' of ', ' <em>of</em> ', 1)
                parts.append(f'<p>{p}</p>')
            elif r < 0.7:
                parts.append(f'<h2 class="wp-block-heading" id="h-{k}">{sentence()}</h2>')
            elif r < 0.8:
                m = rnd.randint(1000, 99999)
                img = f'https://news.example.com/wp-content/uploads/2026/11/photo-{m}'
                parts.append(f'<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" '
                             f'width="1024" height="683" src="{img}-1024x683.jpg" alt="{title()}" class="wp-image-{m}" '
                             f'srcset="{img}-1024x683.jpg 1024w, {img}-300x200.jpg 300w" '
                             f'sizes="(max-width: 1024px) 100vw, 1024px" />'
                             f'<figcaption class="wp-element-caption">Photo: {sentence()}</figcaption></figure>')
            elif r < 0.87:
                lis = ''.join(f'<li>{sentence()}</li>' for _ in range(rnd.randint(2, 5)))
                parts.append(f'<ul class="wp-block-list">{lis}</ul>')
            elif r < 0.94:
                parts.append(f'<blockquote class="wp-block-quote"><p>{sentence()}</p><cite>{title()}</cite></blockquote>')
            else:
                parts.append('<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">'
                             f'<iframe title="{title()}" width="640" height="360" '
                             f'src="https://www.youtube.com/embed/v{rnd.randint(1, 10**6)}?feature=oembed" frameborder="0" '
                             'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture" '
                             'allowfullscreen></iframe></div></figure>')
        parts.append(f'<p>The post <a href="https://news.example.com/p/{i}/">{title()}</a> appeared first on '
                     '<a href="https://news.example.com">Example News</a>.</p>')
        return '\n'.join(parts)

    def esc(s):
        return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')

    with open(path, 'w', encoding='utf-8') as f:
        if atom:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
                    '<title type="text">Example News</title><link rel="alternate" type="text/html" href="https://news.example.com/"/>'
                    '<id>tag:news.example.com,2026:feed</id><updated>2026-11-30T07:00:00Z</updated>\n')
            for i in range(n):
                f.write(f'<entry><title type="html">{esc(title())}</title>'
                        f'<link rel="alternate" type="text/html" href="https://news.example.com/2026/11/item-{i}"/>'
                        f'<id>tag:news.example.com,2026:post-{i}</id>'
                        f'<published>2026-11-{1 + i % 28:02d}T{i % 24:02d}:15:00+01:00</published>'
                        f'<updated>2026-11-{1 + i % 28:02d}T{i % 24:02d}:30:00Z</updated><author><name>Writer {i % 13}</name></author>'
                        f'<category term="{rnd.choice(words)}"/><category term="{rnd.choice(words)}"/>'
                        f'<summary type="html">{esc("<p>" + sentence() + " [&#8230;]</p>")}</summary>'
                        f'<content type="html" xml:base="https://news.example.com/2026/11/">{esc(body(i))}</content></entry>\n')
            f.write('</feed>\n')
        else:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
                    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
                    'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
                    '<channel><title>Example News</title>'
                    '<atom:link href="https://news.example.com/feed/" rel="self" type="application/rss+xml" />'
                    '<link>https://news.example.com</link><description>News from an example site</description>'
                    '<lastBuildDate>Mon, 30 Nov 2026 07:00:00 +0000</lastBuildDate><language>en-US</language>'
                    '<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>\n')
            for i in range(n):
                f.write(f'<item><title>{esc(title())}</title>'
                        f'<link>https://news.example.com/2026/11/item-{i}/</link>'
                        f'<comments>https://news.example.com/2026/11/item-{i}/#respond</comments>'
                        f'<dc:creator><![CDATA[Writer {i % 13}]]></dc:creator>'
                        f'<pubDate>Mon, {1 + i % 28:02d} Nov 2026 {i % 24:02d}:15:00 +0000</pubDate>'
                        f'<category><![CDATA[{rnd.choice(words)}]]></category><category><![CDATA[{rnd.choice(words)}]]></category>'
                        f'<guid isPermaLink="false">https://news.example.com/?p={10000 + i}</guid>'
                        f'<description><![CDATA[<p>{sentence()} [&#8230;]</p>\n<p>The post '
                        f'<a href="https://news.example.com/p/{i}/">{title()}</a> appeared first on '
                        '<a href="https://news.example.com">Example News</a>.</p>]]></description>'
                        f'<content:encoded><![CDATA[{body(i)}]]></content:encoded>'
                        f'<wfw:commentRss>https://news.example.com/2026/11/item-{i}/feed/</wfw:commentRss>'
                        f'<slash:comments>{i % 7}</slash:comments></item>\n')
            f.write('</channel></rss>\n')


def median_per_pass(fn):
    """Median over runs of the CPU time per pass, after one warm-up pass."""
    fn()
    per_pass = []
    for _ in range(runs):
        passes, c0 = 0, time.process_time()
        while True:
            fn()
            passes += 1
            elapsed = time.process_time() - c0
            if elapsed >= min_time:
                break
        per_pass.append(elapsed / passes)
    return statistics.median(per_pass)


def feedparser_time(files):
    docs = []
    for p, h in files:
        with open(p, 'rb') as f:
            docs.append((f.read(), {k.lower(): v for k, v in h.items()} or None))

    def one_pass():
        for d, h in docs:
            try:
                feedparser.parse(d, response_headers=h)
            except Exception:  # feedparser raises on one DEV fixture
                pass
    return median_per_pass(one_pass)


def pipeline_time(files, tmp):
    listing = os.path.join(tmp, 'files.txt')
    with open(listing, 'w') as f:
        f.write(''.join(p + '\n' for p, _ in files))
    out = subprocess.run([throughput, '--runs', str(runs), '--min-time', str(min_time), '--files-from', listing],
                         stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out)['median_s']


def conformance_time(files):
    payload = ''.join(json.dumps({'id': str(n), 'file': p, 'headers': h, 'url': ''}) + '\n'
                      for n, (p, h) in enumerate(files)).encode()
    cpu = []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([newsflow, 'parse-feed', '--format=feedparser', '--batch'], input=payload,
                             stdout=subprocess.PIPE, check=True).stdout
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        assert out.count(b'\n') == len(files), 'missing answers'
    return statistics.median(cpu)


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
        headers = {}
        if m.name in http:
            extra = dict(http[m.name])
            ctype = extra.pop('Content-type', None) or extra.pop('Content-Type', None) or 'text/xml'
            headers = {'Content-Type': ctype}
            headers.update(extra)
        fixtures.append((os.path.join(tmp, m.name), headers))
    big = os.path.join(tmp, 'generated.xml')
    generated_feed(big, items)
    html_rss = os.path.join(tmp, 'html_rss.xml')
    html_feed(html_rss, html_items, atom=False)
    html_atom = os.path.join(tmp, 'html_atom.xml')
    html_feed(html_atom, html_items, atom=True)
    inputs = [('fixtures', fixtures), (f'generated_{items}_items', [(big, {})]),
              (f'html_rss_{html_items}_items', [(html_rss, {})]), (f'html_atom_{html_items}_items', [(html_atom, {})])]

    def entry(files, ours, theirs):
        n, nbytes = len(files), sum(os.path.getsize(p) for p, _ in files)
        return {'n': n, 'bytes': nbytes, 'newsflow_cpu_s': round(ours, 6), 'feedparser_cpu_s': round(theirs, 6),
                'newsflow_feeds_per_s': round(n / ours, 1), 'feedparser_feeds_per_s': round(n / theirs, 1),
                'newsflow_mb_per_s': round(nbytes / 1e6 / ours, 2), 'feedparser_mb_per_s': round(nbytes / 1e6 / theirs, 2),
                'ratio': round(theirs / ours, 1)}

    summary = {'task': 'feeds_speed', 'runs': runs, 'min_time_s': min_time, 'pipeline': {}, 'conformance': {}}
    for name, files in inputs:
        theirs = feedparser_time(files)
        summary['pipeline'][name] = entry(files, pipeline_time(files, tmp), theirs)
        summary['conformance'][name] = entry(files, conformance_time(files), theirs)

    def table(title, rows):
        print(title)
        print(f'{"input":26} {"files":>6} {"MB":>7} {"newsflow feeds/s":>17} {"MB/s":>8} '
              f'{"feedparser feeds/s":>19} {"MB/s":>6} {"ratio":>7}')
        for name, e in rows.items():
            print(f'{name:26} {e["n"]:6d} {e["bytes"] / 1e6:7.3f} {e["newsflow_feeds_per_s"]:17.1f} '
                  f'{e["newsflow_mb_per_s"]:8.2f} {e["feedparser_feeds_per_s"]:19.1f} {e["feedparser_mb_per_s"]:6.2f} '
                  f'{e["ratio"]:6.1f}x')
        print()

    table('pipeline parser: ParseFeed in process vs feedparser.parse in process '
          f'(CPU time, median of {runs} runs)', summary['pipeline'])
    table('conformance formatter: `newsflow parse-feed --format=feedparser --batch` '
          '(process start, file reads and JSON output included) vs feedparser.parse in process', summary['conformance'])
    print(json.dumps(summary))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
PY
