#!/usr/bin/env python3
"""Well-formedness of tags, for tools/eval/tags.sh.

  tag_wellformedness.py SET:LANG:IN.jsonl:OUT.jsonl ... [--samples N] [--top K]

IN.jsonl holds newsflow's input lines {"id", "title", "text"}, OUT.jsonl the
`newsflow enrich --jsonl` output for them. For every article, the top K tags
(default 5) are judged against references independent of newsflow:

Chinese (LANG zh), against jieba's own segmentation of the title and text
(python3-jieba, default mode):
  fragment   the tag cuts a jieba word at every place it occurs in the text:
             its first or last character lies inside a word ("货率" where the
             text says 退货率);
  bad edge   jieba's word classes of the tag itself start it with a
             preposition, conjunction, adverb, particle, pronoun, numeral or
             measure word, or end it with one of those, a verb or a locative
             ("出了机载雷达", "量子计算机上", "一架无人机一天").
English (LANG en), against WordNet 3.0 (Debian's wordnet-base, or the folder
in $WNSEARCHDIR):
  no noun    a lowercase word of the tag that WordNet knows has no noun and
             no adjective sense ("then", "quickly"); names, numbers and words
             WordNet does not know are not judged; "of", "de", "van" and the
             like may stand inside a name;
  split name a capitalised tag that at every place it occurs is a piece of a
             longer capitalised name ("Los" where the text says "Los Angeles");
  verb-like  (reported, not counted as malformed) a lowercase word whose
             WordNet senses are mostly verb or adverb senses by the sense-tagged
             corpus counts WordNet records, with no such count as a noun or
             adjective ("build", "settle").
malformed = fragment or bad edge (zh); no noun or split name (en).

Prints a table per set, then N sample articles (spread over the sets) with
their tags and the marks, and as the last line a JSON summary:
{"zh": {"fragment_rate", "bad_edge_rate", "malformed_rate", "tags"},
 "en": {"no_noun_rate", "split_name_rate", "malformed_rate", "verb_like_rate", "tags"},
 "sets": {SET: {...}}}
"""
import json
import os
import re
import sys

ZH_BAD_START = {'p', 'c', 'd', 'u', 'uj', 'ul', 'uz', 'ug', 'uv', 'ud', 'y', 'e', 'r', 'm', 'q', 'mq', 'o', 'x'}
ZH_BAD_END = ZH_BAD_START | {'v', 'f', 'vd', 'ad'}
NAME_CONNECTORS = {'of', 'de', 'da', 'del', 'della', 'di', 'van', 'von', 'der', 'den', 'du', 'la', 'le',
                   'al', 'el', 'bin', 'ibn', 'y'}
# Words that may also stand inside a tag that is a name ("Procter and Gamble").
INSIDE_WORDS = NAME_CONNECTORS | {'and', '&', 'the', 'for', 'on', 'upon', 'in'}


# --- WordNet (index files and exception lists, WordNet's own morphology) ---

class WordNet:
    POS = {'noun': 'n', 'verb': 'v', 'adj': 'a', 'adv': 'r'}
    RULES = {
        'n': [('s', ''), ('ses', 's'), ('xes', 'x'), ('zes', 'z'), ('ches', 'ch'), ('shes', 'sh'),
              ('men', 'man'), ('ies', 'y')],
        'v': [('s', ''), ('ies', 'y'), ('es', 'e'), ('es', ''), ('ed', 'e'), ('ed', ''), ('ing', 'e'),
              ('ing', '')],
        'a': [('er', ''), ('est', ''), ('er', 'e'), ('est', 'e')],
        'r': [],
    }

    def __init__(self, folder):
        self.lemmas = {}  # pos -> {lemma: tagged sense count}
        self.exceptions = {}  # pos -> {form: [lemmas]}
        for name, pos in self.POS.items():
            table = {}
            with open(os.path.join(folder, f'index.{name}'), encoding='latin-1') as f:
                for line in f:
                    if line.startswith(' '):
                        continue
                    fields = line.split()
                    p_cnt = int(fields[3])
                    table[fields[0]] = int(fields[5 + p_cnt])
            self.lemmas[pos] = table
            exc = {}
            with open(os.path.join(folder, f'{name}.exc'), encoding='latin-1') as f:
                for line in f:
                    fields = line.split()
                    if len(fields) >= 2:
                        exc.setdefault(fields[0], []).extend(fields[1:])
            self.exceptions[pos] = exc

    def base_forms(self, word, pos):
        table = self.lemmas[pos]
        forms = [b for b in self.exceptions[pos].get(word, []) if b in table]
        if word in table:
            forms.append(word)
        for suffix, ending in self.RULES[pos]:
            if word.endswith(suffix) and len(word) > len(suffix):
                base = word[:len(word) - len(suffix)] + ending
                if base in table:
                    forms.append(base)
        return forms

    def classes(self, word):
        """{pos: tagged sense count of its best base form} for every class WordNet knows the word in."""
        out = {}
        for pos in 'nvar':
            forms = self.base_forms(word, pos)
            if forms:
                out[pos] = max(self.lemmas[pos][f] for f in forms)
        return out


def judge_en(tag, text, wordnet):
    """(no_noun, split_name, verb_like) for the display name `tag` in `text`
    (the body: a title in title case says nothing about names)."""
    words = [w for w in re.split(r'[\s\-]+', tag) if w]
    no_noun = False
    verb_like = False
    for i, w in enumerate(words):
        if not w[0].isalpha() or not w[0].islower() or not w.isalpha():
            continue
        inside = 0 < i < len(words) - 1
        if inside and w in INSIDE_WORDS:
            continue
        classes = wordnet.classes(w)
        if not classes:
            # A function word WordNet does not list, at an edge or alone.
            if w in INSIDE_WORDS:
                no_noun = True
            continue
        if 'n' not in classes and 'a' not in classes:
            no_noun = True
        elif max(classes.get('n', 0), classes.get('a', 0)) == 0 and \
                max(classes.get('v', 0), classes.get('r', 0)) > 0:
            verb_like = True
    split_name = False
    if words and all(w[0].isupper() or w in INSIDE_WORDS for w in words) and words[0][0].isupper():
        spots = [m for m in re.finditer(r'(?<!\w)' + re.escape(tag) + r'(?!\w)', text)]
        if spots:
            split_name = all(is_split(text, m.start(), m.end()) for m in spots)
    return no_noun, split_name, verb_like


# Capitalised words that do not make the next capitalised word part of a name.
OPENERS = {'the', 'a', 'an', 'this', 'that', 'these', 'those', 'in', 'on', 'at', 'by', 'for', 'from',
           'to', 'with', 'and', 'but', 'or', 'as', 'after', 'before', 'when', 'while', 'if', 'since',
           'meanwhile', 'however', 'also', 'its', 'his', 'her', 'their', 'our', 'my', 'some', 'many',
           'most', 'all', 'both', 'new', 'mr', 'mrs', 'ms', 'dr', 'said', 'says'}


def is_split(text, start, end):
    """Whether text[start:end] sits inside a longer run of capitalised words."""
    if re.match(r' (?!(?:' + '|'.join(NAME_CONNECTORS) + r')\b)[A-Z][\w\'’.-]*', text[end:]):
        return True
    before = re.search(r'(?:([A-Za-z][\w\'’.-]*) )?([A-Za-z][\w\'’.-]*) $', text[max(0, start - 60):start])
    if not before:
        return False
    word = before.group(2)
    if word.lower() in NAME_CONNECTORS:  # "Bank of England": "England" inside a name
        word = before.group(1) or ''
    return bool(word) and word[0].isupper() and word[-1] not in '.!?:;,' and word.lower() not in OPENERS


# --- Chinese ---

def judge_zh(tag, text, jieba, posseg, boundaries):
    """(fragment, bad_edge) for `tag` in `text` (boundaries: jieba word boundaries)."""
    fragment = False
    spots = []
    pos = text.find(tag)
    while pos >= 0:
        spots.append(pos)
        pos = text.find(tag, pos + 1)
    if spots:
        fragment = not any(s in boundaries and s + len(tag) in boundaries for s in spots)
    flags = [p.flag for p in posseg.lcut(tag, HMM=False) if p.word.strip()]
    bad_edge = bool(flags) and (flags[0] in ZH_BAD_START or flags[-1] in ZH_BAD_END)
    return fragment, bad_edge


def load(in_path, out_path):
    inputs = {}
    with open(in_path, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                inputs[r['id']] = r
    rows = []
    with open(out_path, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                src = inputs.get(r['id'])
                if src is not None:
                    rows.append((src, [t['name'] for t in r.get('tags', []) if not t.get('category')]))
    return rows


def main(argv):
    specs = []
    samples = 20
    top = 5
    i = 1
    while i < len(argv):
        if argv[i] == '--samples':
            samples = int(argv[i + 1])
            i += 2
        elif argv[i] == '--top':
            top = int(argv[i + 1])
            i += 2
        else:
            specs.append(argv[i].split(':', 3))
            i += 1
    wordnet = None
    jieba = posseg = None
    if any(lang == 'en' for _, lang, _, _ in specs):
        wordnet = WordNet(os.environ.get('WNSEARCHDIR', '/usr/share/wordnet'))
    if any(lang == 'zh' for _, lang, _, _ in specs):
        import jieba as jieba_module
        import jieba.posseg as posseg_module
        jieba_module.setLogLevel(60)
        jieba, posseg = jieba_module, posseg_module

    totals = {'zh': {'tags': 0, 'fragment': 0, 'bad_edge': 0, 'malformed': 0},
              'en': {'tags': 0, 'no_noun': 0, 'split_name': 0, 'verb_like': 0, 'malformed': 0}}
    per_set = {}
    judged = {}  # set -> [(title, [(tag, marks)])]
    for name, lang, in_path, out_path in specs:
        counts = {k: 0 for k in totals[lang]}
        articles = []
        for src, tags in load(in_path, out_path):
            body = src.get('text') or ''
            text = (src.get('title') or '') + '\n' + body
            marked = []
            if lang == 'zh':
                boundaries = {0}
                at = 0
                for word in jieba.cut(text):
                    at += len(word)
                    boundaries.add(at)
            for tag in tags[:top]:
                counts['tags'] += 1
                marks = []
                if lang == 'zh':
                    fragment, bad_edge = judge_zh(tag, text, jieba, posseg, boundaries)
                    counts['fragment'] += fragment
                    counts['bad_edge'] += bad_edge
                    counts['malformed'] += fragment or bad_edge
                    marks = [m for m, on in (('fragment', fragment), ('bad edge', bad_edge)) if on]
                else:
                    no_noun, split_name, verb_like = judge_en(tag, body, wordnet)
                    counts['no_noun'] += no_noun
                    counts['split_name'] += split_name
                    counts['verb_like'] += verb_like
                    counts['malformed'] += no_noun or split_name
                    marks = [m for m, on in (('no noun', no_noun), ('split name', split_name),
                                             ('verb-like', verb_like)) if on]
                marked.append((tag, marks))
            articles.append((src.get('title') or src.get('text', '')[:60], marked))
        for k, v in counts.items():
            totals[lang][k] += v
        per_set[name] = rates(lang, counts)
        judged[name] = articles

    print(f'{"set":<10} {"lang":<5} {"tags":>6}  rates')
    for name, lang, _, _ in specs:
        r = per_set[name]
        detail = '  '.join(f'{k} {v:.4f}' for k, v in r.items() if k != 'tags')
        print(f'{name:<10} {lang:<5} {r["tags"]:>6}  {detail}')

    print(f'\n{samples} sample articles (top {top} tags; marks in brackets)')
    names = [s[0] for s in specs]
    share = [samples // len(names) + (1 if k < samples % len(names) else 0) for k in range(len(names))]
    for name, n in zip(names, share):
        articles = judged[name]
        for k in range(min(n, len(articles))):
            title, marked = articles[k * len(articles) // max(n, 1)]
            print(f'\n[{name}] {title[:100]}')
            print('    ' + ' | '.join(t + (f' [{", ".join(m)}]' if m else '') for t, m in marked))

    summary = {lang: rates(lang, totals[lang]) for lang in totals if totals[lang]['tags']}
    summary['sets'] = per_set
    print()
    print(json.dumps(summary, separators=(',', ':')))
    return 0


def rates(lang, counts):
    n = max(counts['tags'], 1)
    out = {'tags': counts['tags']}
    for k, v in counts.items():
        if k != 'tags':
            out[f'{k}_rate'] = round(v / n, 4)
    return out


if __name__ == '__main__':
    sys.exit(main(sys.argv))
