#!/usr/bin/env python3
"""Helpers for tools/eval/enrich.sh: data conversion, prediction conversion and the result table.

  enrich_eval.py input SET DATA_DIR OUT.jsonl
      Writes newsflow's input lines {"id", "title", "text"} for the DEV half of SET:
        kpcrowd  title = first line of "text" (the headline), text = the rest
        inspec   title = "title", text = "abstract"
        csl      title = "",      text = "text"
        bbc      title = first line of "article", text = the rest (the body)
  enrich_eval.py bbc-budgets DATA_DIR EVAL_DIR OUT_DIR
      Splits the BBC input by the number of reference sentences k (counted the way
      score_summaries.py matches sentences) into OUT_DIR/k<k>.jsonl, one file per k.
  enrich_eval.py predictions FIELD OUT.jsonl IN.jsonl...
      newsflow output -> scorer predictions: FIELD "keyphrases" takes tag names, "summary"
      takes the summary sentences.
  enrich_eval.py key-points IN.jsonl OUT.jsonl [SAMPLES]
      Key point quality of newsflow's output OUT.jsonl for its input IN.jsonl (titles): how many
      key points per article, their mean length in words, and the share that repeat a summary
      sentence or the title (word overlap, Dice >= 0.6 of lowercase words), start with a pronoun or
      connective (their referent or link is in another sentence) or hold an odd number of quotation
      marks (a cut quotation). Prints SAMPLES articles' key points (default 3), then a JSON line.
  enrich_eval.py table ROWS.tsv
      ROWS.tsv lines: set <TAB> system <TAB> scorer summary JSON <TAB> docs/s (or "-").
      Prints one table per task.
Nothing from the data sets is written anywhere but the caller's temporary folder.
"""
import gzip
import json
import os
import re
import sys

SETS = {
    'kpcrowd': 'keyphrase-500N-KPCrowd',
    'inspec': 'keyphrase-inspec',
    'csl': 'chinese-csl-keywords',
    'bbc': 'summarization-bbc-news-summary',
}


def read_rows(data_dir, name):
    folder = os.path.join(data_dir, SETS[name])
    path = [f for f in os.listdir(folder) if f.endswith('.dev.jsonl.gz')][0]
    with gzip.open(os.path.join(folder, path), 'rt', encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def split_first_line(text):
    text = text.lstrip('\n')
    if '\n' not in text:
        return text.strip(), ''
    head, rest = text.split('\n', 1)
    return head.strip(), rest


def to_input(name, row):
    if name == 'kpcrowd':
        title, text = split_first_line(row.get('text') or '')
    elif name == 'inspec':
        title, text = row.get('title') or '', row.get('abstract') or ''
    elif name == 'csl':
        title, text = '', row.get('text') or ''
    else:
        title, text = split_first_line(row.get('article') or '')
    return {'id': str(row['id']), 'title': title, 'text': text}


def write_jsonl(path, rows):
    with open(path, 'w', encoding='utf-8') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')


def cmd_input(name, data_dir, out):
    write_jsonl(out, [to_input(name, r) for r in read_rows(data_dir, name)])


def cmd_bbc_budgets(data_dir, eval_dir, out_dir):
    sys.path.insert(0, eval_dir)
    from evallib import split_sentences_en  # the scorer's own sentence splitter
    ws = re.compile(r'\s+')
    groups = {}
    for row in read_rows(data_dir, 'bbc'):
        article = row.get('article') or ''
        body = article.split('\n', 1)[1] if '\n' in article else article
        ref = ws.sub('', row.get('summary') or '')
        k = sum(1 for s in split_sentences_en(body) if s and ws.sub('', s) in ref)
        groups.setdefault(max(1, k), []).append(to_input('bbc', row))
    os.makedirs(out_dir, exist_ok=True)
    for k, rows in sorted(groups.items()):
        write_jsonl(os.path.join(out_dir, f'k{k}.jsonl'), rows)


def cmd_bbc_ceiling(data_dir, eval_dir, out):
    """Predictions made of the first 3 sentences of each reference summary:
    what a perfect 3-sentence extractor scores (sentence precision 1)."""
    sys.path.insert(0, eval_dir)
    from evallib import split_sentences_en  # the scorer's own sentence splitter
    ws = re.compile(r'\s+')
    rows = []
    for row in read_rows(data_dir, 'bbc'):
        article = row.get('article') or ''
        body = article.split('\n', 1)[1] if '\n' in article else article
        ref = ws.sub('', row.get('summary') or '')
        picked = [s for s in split_sentences_en(body) if s and ws.sub('', s) in ref][:3]
        rows.append({'id': str(row['id']), 'summary': picked})
    write_jsonl(out, rows)


def cmd_predictions(field, out, inputs):
    rows = []
    for path in inputs:
        with open(path, encoding='utf-8') as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                if field == 'keyphrases':
                    rows.append({'id': r['id'], 'keyphrases': [t['name'] for t in r.get('tags', [])]})
                else:
                    rows.append({'id': r['id'], 'summary': r.get('summary', [])})
    write_jsonl(out, rows)


COLUMNS = {
    'keyphrases': [('F1@3', 'F1@3'), ('F1@5', 'F1@5'), ('F1@10', 'F1@10'), ('F1@O', 'F1@O'),
                   ('R@10', 'R@10')],
    'summaries': [('sent F1', 'sent_f'), ('ROUGE-1', 'rouge1_f'), ('ROUGE-2', 'rouge2_f'),
                  ('ROUGE-L', 'rougeL_f'), ('len', 'cand_len')],
}


def cmd_table(rows_path):
    by_task = {}
    with open(rows_path, encoding='utf-8') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) < 4:
                continue
            name, system, summary, speed = parts[:4]
            s = json.loads(summary)
            by_task.setdefault(s.get('task', '?'), []).append((name, system, s, speed))
    for task, rows in by_task.items():
        cols = COLUMNS.get(task, [])
        print(f'\n{task} (DEV halves)')
        head = f'{"set":<16} {"system":<34}' + ''.join(f'{c:>9}' for c, _ in cols) + f'{"docs/s":>10}'
        print(head)
        print('-' * len(head))
        for name, system, s, speed in rows:
            vals = ''.join(f'{s.get(k, float("nan")):>9.4f}' if k != 'cand_len' else f'{s.get(k, 0):>9.1f}'
                           for _, k in cols)
            print(f'{name:<16} {system:<34}{vals}{speed:>10}')


_KP_WORD = re.compile(r"[\w']+", re.UNICODE)
_KP_LEADING = {'he', 'she', 'it', 'they', 'we', 'i', 'this', 'these', 'those', 'that', 'his', 'her',
               'its', 'their', 'our', 'him', 'them', 'but', 'and', 'or', 'so', 'yet', 'however',
               'also', 'meanwhile', 'moreover', 'nor'}


_KP_FIRST_PERSON = {'i', 'we', 'our', "i'm", "we're", "we've", "i've"}


def _kp_leading_reference(point, words):
    """Starts with a pronoun or connective pointing to another sentence; in a
    quotation whose speaker is named after it, "I" and "we" are the speaker."""
    if not words or words[0] not in _KP_LEADING:
        return False
    if point[:1] in '"\u201c':
        closing = '"' if point[0] == '"' else '\u201d'
        end = point.find(closing, 1)
        attributed = end >= 0 and point[end + 1:].strip(' .,!?') != ''
        return not attributed or words[0] not in _KP_FIRST_PERSON
    return True


def _kp_words(text):
    return [w.lower() for w in _KP_WORD.findall(text)]


def _dice(a, b):
    a, b = set(a), set(b)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def cmd_key_points(inp, out, samples=3):
    titles = {}
    with open(inp, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                titles[r['id']] = r.get('title') or ''
    n_docs = n_points = words = dup_summary = dup_title = leading = quotes = 0
    shown = 0
    with open(out, encoding='utf-8') as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            points, summary = r.get('key_points', []), r.get('summary', [])
            title = _kp_words(titles.get(r['id'], ''))
            n_docs += 1
            for p in points:
                w = _kp_words(p)
                n_points += 1
                words += len(p.split())
                dup_summary += any(_dice(w, _kp_words(s)) >= 0.6 for s in summary)
                dup_title += _dice(w, title) >= 0.6
                leading += _kp_leading_reference(p, w)
                quotes += (p.count('"') % 2 == 1) or p.count('\u201c') != p.count('\u201d')
            if shown < samples and points:
                shown += 1
                print(f'\n[{r["id"]}] {titles.get(r["id"], "")}')
                for p in points:
                    print(f'  * {p}')
    m = max(n_points, 1)
    summary = {'task': 'key_points', 'docs': n_docs, 'per_doc': round(n_points / max(n_docs, 1), 2),
               'words': round(words / m, 1), 'repeat_summary': round(dup_summary / m, 4),
               'repeat_title': round(dup_title / m, 4), 'leading_reference': round(leading / m, 4),
               'cut_quote': round(quotes / m, 4)}
    print()
    print(json.dumps(summary))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd = argv[1]
    if cmd == 'input':
        cmd_input(argv[2], argv[3], argv[4])
    elif cmd == 'bbc-budgets':
        cmd_bbc_budgets(argv[2], argv[3], argv[4])
    elif cmd == 'bbc-ceiling':
        cmd_bbc_ceiling(argv[2], argv[3], argv[4])
    elif cmd == 'predictions':
        cmd_predictions(argv[2], argv[3], argv[4:])
    elif cmd == 'key-points':
        cmd_key_points(argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 3)
    elif cmd == 'table':
        cmd_table(argv[2])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
