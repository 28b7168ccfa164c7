// newsflow web reader: a single page over the store's public HTTP JSON API.
//
// Safety: article text is untrusted. Every value reaches the page through
// textContent or a property (never innerHTML); links to other sites are
// kept only when they are http(s); the one piece of HTML taken from the API,
// a search snippet, is parsed inertly and rebuilt with <mark> as the only
// element. The page is served with a strict Content-Security-Policy, so
// this file holds all the script and style.css all the style.
'use strict';

(() => {
  const TOKEN_KEY = 'newsflow.token';            // store.http.token
  const FEEDS_TOKEN_KEY = 'newsflow.feedsToken'; // ingest.api.token
  const PAGE_SIZE = 30;
  const POLL_MS = 4000;
  const STATUS_MS = 3000;
  const TRENDING_MS = 60000;
  const MAX_CARDS = 300;

  const main = document.getElementById('main');
  const tokenBar = document.getElementById('token-bar');
  const tokenInput = document.getElementById('token-input');
  const tokenLabel = document.getElementById('token-label');

  // ---- small helpers ---------------------------------------------------------

  // el('a', {href: '#/x', className: 'y'}, 'text', childNode, ...): children
  // that are strings become text nodes; null/undefined/false are skipped.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
      else if (key in node && key !== 'list') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, ...children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.firstChild.remove();
    return node;
  }

  // An outside link only when it is http(s); anything else (javascript:,
  // data:) is dropped.
  function safeUrl(url) {
    if (typeof url !== 'string' || url === '') return null;
    try {
      const u = new URL(url, window.location.href);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // A BCP 47 tag for lang= ("" when unknown, so it inherits).
  function langAttr(lang) {
    return typeof lang === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang) && lang !== 'und'
      ? lang : '';
  }

  function enc(s) {
    return encodeURIComponent(s);
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});
  function timeEl(iso) {
    if (!iso) return null;
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return null;
    return el('time', {dateTime: d.toISOString(), title: d.toISOString()}, timeFormat.format(d));
  }

  function articleTime(a) {
    return a.published || a.fetched || a.stored || a.time || null;
  }

  function sourceName(a) {
    const s = a.source || {};
    return s.title || s.id || s.url || 'unknown source';
  }

  function message(node, text, kind) {
    node.textContent = text;
    node.className = 'message' + (kind ? ' ' + kind : '');
  }

  function notice(text, kind) {
    return el('p', {className: kind === 'error' ? 'notice error' : 'notice', role: 'status'}, text);
  }

  // A search snippet is HTML with the matched words in <mark>. It is parsed
  // by DOMParser (an inert document: no script runs, nothing loads) and
  // rebuilt from its text, keeping <mark> and nothing else.
  function snippetNodes(html) {
    const doc = new DOMParser().parseFromString(String(html || ''), 'text/html');
    const out = [];
    (function walk(node, inMark) {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          out.push(inMark ? el('mark', null, child.textContent) : document.createTextNode(child.textContent));
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          const tag = child.tagName.toLowerCase();
          if (tag === 'script' || tag === 'style' || tag === 'template') continue;
          walk(child, inMark || tag === 'mark');
        }
      }
    })(doc.body, false);
    return out;
  }

  // ---- API -------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, text) {
      super(text);
      this.status = status;
    }
  }

  // realm 'store' sends the store's token; 'feeds' only the token saved for
  // feeds, never the store's (which ingest is not to see): without one the
  // feeds answer 401 and the page asks for it.
  async function api(path, options = {}) {
    const realm = options.realm || 'store';
    const headers = Object.assign({}, options.headers);
    const token = localStorage.getItem(realm === 'feeds' ? FEEDS_TOKEN_KEY : TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    let body = options.body;
    if (body !== undefined && typeof body !== 'string') {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, {method: options.method || 'GET', headers, body, cache: 'no-store',
        signal: options.signal});
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'the store cannot be reached');
    }
    const text = await response.text();
    if (options.raw && response.ok) return text;
    let data = null;
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      if (response.status === 401) askToken(realm);
      const why = data && typeof data.error === 'string' ? data.error : 'HTTP ' + response.status;
      throw new ApiError(response.status, why);
    }
    return data;
  }

  function askToken(realm) {
    tokenBar.dataset.realm = realm;
    tokenLabel.textContent = realm === 'feeds'
      ? 'Feeds need ingest\'s API token (ingest.api.token; the store\'s when ingest has none):'
      : 'This store needs its API token (store.http.token):';
    tokenBar.hidden = false;
  }

  tokenBar.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = tokenBar.dataset.realm === 'feeds' ? FEEDS_TOKEN_KEY : TOKEN_KEY;
    localStorage.setItem(key, tokenInput.value.trim());
    tokenInput.value = '';
    tokenBar.hidden = true;
    route();
    loadTrending();
  });
  document.getElementById('token-cancel').addEventListener('click', () => {
    tokenInput.value = '';
    tokenBar.hidden = true;
  });
  document.getElementById('forget-tokens').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(FEEDS_TOKEN_KEY);
    route();
  });

  // ---- shared pieces ---------------------------------------------------------

  function tagList(tags, limit) {
    const list = (tags || []).slice(0, limit || tags.length);
    if (list.length === 0) return null;
    return el('ul', {className: 'tags', 'aria-label': 'Tags'},
      list.map((t) => el('li', null, el('a', {href: '#/tag/' + enc(t.name)}, t.name))));
  }

  // One article of a list (a /v1/articles item or a stream event).
  function card(a, fresh) {
    const lang = langAttr(a.lang);
    const source = a.source || {};
    const summary = Array.isArray(a.summary) && a.summary.length ? a.summary[0] : '';
    return el('li', {className: fresh ? 'card new' : 'card', dataset: {id: a.id}, lang: lang || null},
      el('h3', null, el('a', {href: '#/a/' + enc(a.id)}, a.title || '(untitled)')),
      el('div', {className: 'meta'},
        source.id ? el('a', {href: '#/source/' + enc(source.id)}, sourceName(a)) : el('span', null, sourceName(a)),
        timeEl(articleTime(a)),
        lang ? el('span', null, lang) : null),
      summary ? el('p', null, summary) : null,
      tagList(a.tags, 6));
  }

  // ---- views -----------------------------------------------------------------

  let cleanup = () => {};

  function setView(name, title) {
    cleanup();
    cleanup = () => {};
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = title ? title + ' · newsflow' : 'newsflow';
    clear(main);
  }

  // Live list: the newest articles matching `filters` ({lang, tag, source}),
  // then new ones at the top as they are stored, over /v1/stream
  // (Server-Sent Events) or, where that route does not exist, by polling
  // /v1/articles.
  function streamView(filters, heading) {
    setView(filters.tag || filters.source ? '' : 'stream', heading);
    const shown = new Set();
    let lastSequence = 0;
    // Where the stream starts: the list answer's last_sequence, which the
    // store reads before its scan, so an article stored during or after the
    // list lies above it and is replayed. The highest sequence listed is no
    // such bound (a filtered list may show none; one stored during the scan
    // may be listed while an earlier one is not). null = from now.
    let streamFrom = null;
    let stopped = false;
    const controller = new AbortController();
    const list = el('ol', {className: 'cards', 'aria-live': 'polite', 'aria-label': 'Articles'});
    const live = el('p', {className: 'live', role: 'status'}, 'connecting…');
    const status = el('div');
    const moreButton = el('button', {type: 'button', hidden: true}, 'Older articles');
    let cursor = '';

    const form = el('form', {className: 'filters', 'aria-label': 'Filters'},
      ['lang', 'tag', 'source'].map((name) => el('label', null,
        {lang: 'Language', tag: 'Tag', source: 'Source id'}[name],
        el('input', {name, value: filters[name] || '', placeholder: {lang: 'en, zh…', tag: 'any', source: 'any'}[name],
          autocomplete: 'off'}))),
      el('button', {type: 'submit'}, 'Filter'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      for (const name of ['lang', 'tag', 'source']) {
        const v = form.elements[name].value.trim();
        if (v) q.set(name, v);
      }
      const s = q.toString();
      window.location.hash = '#/' + (s ? '?' + s : '');
    });

    append(main, el('h1', null, heading), form, live, status, list, el('p', {className: 'more'}, moreButton));

    // The list API takes one filter (tag, else lang, else source); the
    // others are applied here. The stream takes all three. A tag is always
    // the store's filter: it matches tag keys (case and word forms), which
    // the page cannot redo.
    const listParam = filters.tag ? ['tag', filters.tag] : filters.lang ? ['lang', filters.lang]
      : filters.source ? ['source', filters.source] : null;
    function matches(a) {
      if (filters.lang && String(a.lang || '').toLowerCase() !== filters.lang.toLowerCase()) return false;
      if (filters.source && (a.source || {}).id !== filters.source) return false;
      return true;
    }

    function listUrl(extra) {
      const q = new URLSearchParams({limit: String(PAGE_SIZE)});
      if (listParam) q.set(listParam[0], listParam[1]);
      for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
      return '/v1/articles?' + q.toString();
    }

    function addTop(a) {
      if (!a || !a.id || !matches(a)) return;
      if (typeof a.sequence === 'number') lastSequence = Math.max(lastSequence, a.sequence);
      if (shown.has(a.id)) {
        const old = list.querySelector('[data-id="' + CSS.escape(a.id) + '"]');
        if (old) old.replaceWith(card(a, true));
        return;
      }
      shown.add(a.id);
      list.prepend(card(a, true));
      while (list.children.length > MAX_CARDS) list.lastElementChild.remove();
      clear(status);
    }

    async function loadMore() {
      try {
        const r = await api(listUrl({cursor}), {signal: controller.signal});
        for (const a of r.articles || []) {
          if (shown.has(a.id) || !matches(a)) continue;
          shown.add(a.id);
          list.append(card(a, false));
        }
        cursor = r.next_cursor || '';
        moreButton.hidden = !(r.more && cursor);
      } catch (e) {
        if (e.name !== 'AbortError') append(clear(status), notice('Could not load more: ' + e.message, 'error'));
      }
    }
    moreButton.addEventListener('click', loadMore);

    let source = null;
    let pollTimer = 0;

    async function poll() {
      if (stopped) return;
      try {
        const r = await api(listUrl(), {signal: controller.signal});
        const fresh = (r.articles || []).filter((a) => !shown.has(a.id) ||
          (typeof a.sequence === 'number' && a.sequence > lastSequence));
        fresh.reverse().forEach(addTop);
        live.className = 'live on';
        live.textContent = 'Live: checking for new articles every ' + POLL_MS / 1000 + ' s';
      } catch (e) {
        if (e.name === 'AbortError') return;
        live.className = 'live';
        live.textContent = 'Not live: ' + e.message;
      }
      if (!stopped) pollTimer = setTimeout(poll, POLL_MS);
    }

    function startStream() {
      const q = new URLSearchParams();
      for (const name of ['lang', 'tag', 'source']) if (filters[name]) q.set(name, filters[name]);
      // From the list's last_sequence: one stored between the list and the
      // stream's start is replayed, not missed. A reconnect resumes from the
      // last event's id instead.
      if (streamFrom !== null) q.set('since', String(streamFrom));
      const token = localStorage.getItem(TOKEN_KEY);
      if (token) q.set('access_token', token);
      if (typeof EventSource !== 'function') {
        poll();
        return;
      }
      let opened = false;
      source = new EventSource('/v1/stream' + (q.toString() ? '?' + q.toString() : ''));
      source.addEventListener('open', () => {
        opened = true;
        live.className = 'live on';
        live.textContent = 'Live: new articles appear as they are stored';
      });
      source.addEventListener('article', (ev) => {
        try {
          addTop(JSON.parse(ev.data));
        } catch (e) {
          // a malformed event is skipped
        }
      });
      source.addEventListener('error', () => {
        if (source.readyState === EventSource.CLOSED) {
          // Refused (404 where the store has no stream, 401, ...): poll
          // instead. A dropped connection stays CONNECTING and resumes
          // by itself from the last event id.
          source.close();
          source = null;
          if (!stopped) poll();
        } else if (opened) {
          live.className = 'live';
          live.textContent = 'Reconnecting…';
        }
      });
    }

    cleanup = () => {
      stopped = true;
      controller.abort();
      clearTimeout(pollTimer);
      if (source) source.close();
    };

    (async () => {
      try {
        const r = await api(listUrl(), {signal: controller.signal});
        if (listParam && listParam[0] === 'source' && r.articles && r.articles[0] && !filters.tag && !filters.lang) {
          main.querySelector('h1').textContent = 'Source: ' + sourceName(r.articles[0]);
        }
        for (const a of r.articles || []) {
          if (!matches(a)) continue;
          shown.add(a.id);
          if (typeof a.sequence === 'number') lastSequence = Math.max(lastSequence, a.sequence);
          list.append(card(a, false));
        }
        if (typeof r.last_sequence === 'number') streamFrom = r.last_sequence;
        cursor = r.next_cursor || '';
        moreButton.hidden = !(r.more && cursor);
        if (list.children.length === 0) append(status, notice('No articles yet; new ones will appear here.'));
      } catch (e) {
        if (e.name === 'AbortError') return;
        append(status, notice(e.status === 401 ? 'This store needs its API token (see above).'
          : 'Could not load articles: ' + e.message, 'error'));
      }
      if (!stopped) startStream();
    })();
  }

  function linkList(items, emptyText) {
    if (!items || items.length === 0) return el('p', {className: 'notice'}, emptyText);
    return el('ul', {className: 'links'}, items.map((r) => el('li', null,
      el('a', {href: '#/a/' + enc(r.id)}, r.title || r.url || r.id),
      ' ', el('span', {className: 'meta'}, timeEl(r.time), r.source_id ? ' · ' + r.source_id : ''))));
  }

  // One article, in the layout of a reader app: source and time, title,
  // summary, key points, body, tags, related articles, other sources.
  async function articleView(id) {
    setView('', 'Article');
    const controller = new AbortController();
    cleanup = () => controller.abort();
    append(main, notice('Loading…'));
    let a;
    try {
      a = await api('/v1/articles/' + enc(id), {signal: controller.signal});
    } catch (e) {
      if (e.name === 'AbortError') return;
      clear(main);
      append(main, el('h1', null, 'Article'), notice(e.status === 404 ? 'No such article in this store.'
        : 'Could not load the article: ' + e.message, 'error'), el('p', null, el('a', {href: '#/'}, 'Back to the live stream')));
      return;
    }
    clear(main);
    document.title = (a.title || 'Article') + ' · newsflow';
    const lang = langAttr(a.lang);
    const titleLang = langAttr(a.title_lang) || lang;
    const bodyLang = langAttr(a.body_lang) || lang;
    const source = a.source || {};
    const original = safeUrl(a.url || a.canonical_url);
    const paragraphs = String(a.text || '').split(/\n\s*\n|\r\n\s*\r\n/).map((p) => p.trim()).filter(Boolean);

    const related = Array.isArray(a.related) ? a.related : null;
    const others = Array.isArray(a.other_sources) ? a.other_sources : null;

    append(main, el('article', {className: 'article', lang: lang || null},
      el('div', {className: 'meta'},
        source.id ? el('a', {href: '#/source/' + enc(source.id)}, sourceName(a)) : el('span', null, sourceName(a)),
        timeEl(articleTime(a)),
        a.author ? el('span', null, a.author) : null,
        original ? el('a', {href: original, rel: 'noopener noreferrer nofollow', target: '_blank'}, 'Original') : null),
      el('h1', {lang: titleLang || null}, a.title || '(untitled)'),
      Array.isArray(a.summary) && a.summary.length
        ? el('section', {className: 'summary', 'aria-label': 'Summary'}, el('p', null, a.summary.join(/^(zh|ja)/.test(lang) ? '' : ' '))) : null,
      Array.isArray(a.key_points) && a.key_points.length
        ? el('section', {'aria-labelledby': 'kp'}, el('h2', {id: 'kp'}, 'Key points'),
          el('ul', {className: 'points'}, a.key_points.map((p) => el('li', null, p)))) : null,
      el('section', {className: 'body', lang: bodyLang || null, 'aria-label': 'Article text'},
        paragraphs.length ? paragraphs.map((p) => el('p', null, p)) : el('p', {className: 'notice'}, 'No text.')),
      el('section', {'aria-labelledby': 'tg'}, el('h2', {id: 'tg'}, 'Tags'),
        tagList(a.tags) || el('p', {className: 'notice'}, 'No tags.')),
      el('section', {'aria-labelledby': 'rel'}, el('h2', {id: 'rel'}, 'Related articles'),
        related ? linkList(related, 'None found.') : el('p', {className: 'notice'}, 'Related articles need search (not enabled on this store).')),
      el('section', {'aria-labelledby': 'oth'}, el('h2', {id: 'oth'}, 'Other sources of this story'),
        others ? linkList(others, 'No other source yet.') : el('p', {className: 'notice'}, 'Not available on this store.'))));
    window.scrollTo(0, 0);
    main.focus({preventScroll: true});
  }

  async function searchView(params) {
    const q = params.get('q') || '';
    setView('', q ? 'Search: ' + q : 'Search');
    document.getElementById('search-q').value = q;
    const controller = new AbortController();
    cleanup = () => controller.abort();
    const heading = el('h1', null, 'Search');
    append(main, heading);
    if (!q) {
      append(main, notice('Type words to search for in the box above.'));
      return;
    }
    heading.textContent = 'Search: ' + q;
    const results = el('ol', {className: 'cards', 'aria-label': 'Results'});
    const info = notice('Searching…');
    append(main, info, results);
    const query = new URLSearchParams({q, limit: '30'});
    for (const name of ['lang', 'tag', 'source', 'order']) if (params.get(name)) query.set(name, params.get(name));
    try {
      const r = await api('/v1/search?' + query.toString(), {signal: controller.signal});
      const hits = r.hits || [];
      info.textContent = hits.length ? 'About ' + (r.estimated_matches || hits.length) + ' matches.' : 'No matches.';
      for (const h of hits) {
        const lang = langAttr(h.lang);
        results.append(el('li', {className: 'card', lang: lang || null, dataset: {id: h.id}},
          el('h3', null, el('a', {href: '#/a/' + enc(h.id)}, h.title || '(untitled)')),
          el('div', {className: 'meta'}, timeEl(h.time), lang ? el('span', null, lang) : null),
          el('p', {className: 'snippet'}, snippetNodes(h.snippet))));
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      info.className = 'notice error';
      info.textContent = e.status === 404 ? 'Search is not enabled on this store.'
        : e.status === 400 ? 'Bad query: ' + e.message : 'Search failed: ' + e.message;
    }
  }

  // ---- feeds -----------------------------------------------------------------

  function feedsView() {
    setView('feeds', 'Feeds');
    let stopped = false;
    const msg = el('p', {className: 'message', role: 'status', 'aria-live': 'polite'});
    const url = el('input', {type: 'url', name: 'url', required: true, placeholder: 'https://example.org/feed.xml',
      id: 'feed-url'});
    const interval = el('input', {type: 'number', name: 'interval', min: '0', placeholder: 'default', id: 'feed-interval'});
    const addForm = el('form', {className: 'tools', 'aria-label': 'Add a feed'},
      el('label', null, 'Feed URL', url), el('label', null, 'Interval (s)', interval),
      el('button', {type: 'submit', className: 'primary'}, 'Add feed'));
    const file = el('input', {type: 'file', accept: '.opml,.xml,text/xml,application/xml', id: 'opml-file'});
    const importButton = el('button', {type: 'button'}, 'Import OPML');
    const exportButton = el('button', {type: 'button'}, 'Export OPML');
    const tableArea = el('div', {className: 'table-wrap'}, notice('Loading…'));

    append(main, el('h1', null, 'Feeds'), addForm,
      el('div', {className: 'tools'}, el('label', null, 'OPML file', file), importButton, exportButton),
      msg, tableArea);

    function explain(e, doing) {
      if (e.status === 401) return doing + ' refused: ingest\'s API token is needed (enter it above).';
      if (e.status === 404) return doing + ' is not available: ' + e.message;
      return doing + ' failed: ' + e.message;
    }

    async function load() {
      let r;
      try {
        r = await api('/v1/feeds', {realm: 'feeds'});
      } catch (e) {
        if (stopped) return;
        append(clear(tableArea), notice(explain(e, 'Listing feeds'), 'error'));
        return;
      }
      if (stopped) return;
      const feeds = r.feeds || [];
      if (feeds.length === 0) {
        append(clear(tableArea), notice('No feeds yet.'));
        return;
      }
      const rows = feeds.map((f) => {
        const state = !f.enabled ? el('span', {className: 'badge bad'}, 'disabled')
          : f.failures > 0 ? el('span', {className: 'badge warn'}, 'failing') : el('span', {className: 'badge good'}, 'ok');
        const remove = el('button', {type: 'button', className: 'danger', 'aria-label': 'Remove ' + f.url}, 'Remove');
        remove.addEventListener('click', async () => {
          if (!window.confirm('Remove the feed ' + f.url + '?')) return;
          try {
            await api('/v1/feeds?url=' + enc(f.url), {method: 'DELETE', realm: 'feeds'});
            message(msg, 'Removed ' + f.url, 'ok');
            load();
          } catch (e) {
            message(msg, explain(e, 'Removing'), 'bad');
          }
        });
        const link = safeUrl(f.url);
        return el('tr', {dataset: {url: f.url}},
          el('td', {className: 'url'}, f.title ? el('div', null, f.title) : null,
            link ? el('a', {href: link, rel: 'noopener noreferrer nofollow', target: '_blank'}, f.url) : f.url),
          el('td', null, state, f.disabled_reason ? el('div', null, f.disabled_reason) : null),
          el('td', null, timeEl(f.last_fetch) || '—'),
          el('td', null, f.enabled ? timeEl(f.next_fetch) || '—' : '—'),
          el('td', null, String(f.failures || 0), f.last_error ? el('div', {className: 'error'}, f.last_error) : null),
          el('td', null, String(f.articles || 0)),
          el('td', null, remove));
      });
      append(clear(tableArea), el('table', null,
        el('thead', null, el('tr', null, ['Feed', 'State', 'Last fetch', 'Next poll', 'Errors', 'Articles', '']
          .map((h) => el('th', {scope: 'col'}, h)))),
        el('tbody', null, rows)));
    }

    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {url: url.value.trim()};
      if (interval.value) body.interval_s = Number(interval.value);
      try {
        await api('/v1/feeds', {method: 'POST', body, realm: 'feeds'});
        message(msg, 'Added ' + body.url, 'ok');
        url.value = '';
        interval.value = '';
        load();
      } catch (e) {
        message(msg, explain(e, 'Adding the feed'), 'bad');
      }
    });

    exportButton.addEventListener('click', async () => {
      try {
        const text = await api('/v1/feeds.opml', {realm: 'feeds', raw: true});
        const link = el('a', {href: URL.createObjectURL(new Blob([text], {type: 'text/x-opml'})),
          download: 'newsflow-feeds.opml'});
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
        message(msg, 'Exported the feed list.', 'ok');
      } catch (e) {
        message(msg, explain(e, 'Export'), 'bad');
      }
    });

    importButton.addEventListener('click', async () => {
      if (!file.files || file.files.length === 0) {
        message(msg, 'Choose an OPML file first.', 'bad');
        return;
      }
      try {
        const text = await file.files[0].text();
        const r = await api('/v1/feeds.opml', {method: 'POST', body: text, realm: 'feeds',
          headers: {'Content-Type': 'text/x-opml'}});
        message(msg, 'Importing…', '');
        const id = r.import_id;
        for (let i = 0; i < 600 && !stopped && id !== undefined; i++) {
          const p = await api('/v1/imports/' + enc(String(id)), {realm: 'feeds'});
          const refusals = (p.refusals || []).slice(0, 3).map((f) => f.url + ' (' + f.error + ')').join('; ');
          message(msg, 'Import: ' + (p.added || 0) + ' added, ' + (p.refused || 0) + ' refused of ' + (p.total || 0) +
            (p.done ? '.' : '…') + (p.error ? ' ' + p.error : '') + (refusals ? ' Refused: ' + refusals : ''),
          p.error ? 'bad' : p.done ? 'ok' : '');
          if (p.done) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        load();
      } catch (e) {
        message(msg, explain(e, 'Import'), 'bad');
      }
    });

    cleanup = () => {
      stopped = true;
    };
    load();
  }

  // ---- status ----------------------------------------------------------------

  function statusView() {
    setView('status', 'Status');
    let timer = 0;
    let stopped = false;
    const area = el('div', {className: 'daemons', 'aria-live': 'polite'}, notice('Loading…'));
    const when = el('p', {className: 'notice'});
    append(main, el('h1', null, 'Status'), when, area);

    function fmt(v, digits) {
      return typeof v === 'number' ? v.toLocaleString(undefined, {maximumFractionDigits: digits || 0}) : '—';
    }

    async function refresh() {
      try {
        const r = await api('/v1/status');
        if (stopped) return;
        clear(area);
        for (const d of r.daemons || []) {
          const health = !d.up ? el('span', {className: 'badge bad'}, 'down')
            : d.healthy ? el('span', {className: 'badge good'}, 'healthy') : el('span', {className: 'badge bad'}, 'unhealthy');
          const ready = d.up ? (d.ready ? el('span', {className: 'badge good'}, 'ready')
            : el('span', {className: 'badge warn'}, 'not ready')) : null;
          const rows = [
            ['Throughput', typeof d.articles_per_second === 'number' ? fmt(d.articles_per_second, 1) + ' articles/s' : '…'],
            ['Articles', fmt(d.articles)],
            ['Stored', d.stored],
            ['Outbox', d.outbox],
            ['Dead letters', d.dead_letters],
            ['Failing feeds', d.failing_feeds],
            ['Workers connected', d.connected_threads],
            ['Errors', d.errors],
          ].filter(([, v]) => v !== undefined);
          area.append(el('section', {className: 'daemon', dataset: {daemon: d.daemon}},
            el('h2', null, d.daemon, health, ready),
            el('div', {className: 'meta'}, d.url),
            d.reason ? el('p', {className: 'error'}, d.reason) : null,
            d.error ? el('p', {className: 'error'}, d.error) : null,
            d.commits_failing ? el('p', {className: 'error'}, 'Commits failing') : null,
            rows.length ? el('dl', null, rows.map(([k, v]) => [el('dt', null, k),
              el('dd', null, typeof v === 'number' ? fmt(v) : v)])) : null));
        }
        if (!r.daemons || r.daemons.length === 0) area.append(notice('No daemon has an HTTP address in the config.'));
        when.textContent = 'Updated ' + timeFormat.format(new Date()) + '; refreshes every ' + STATUS_MS / 1000 + ' s.';
      } catch (e) {
        if (stopped) return;
        append(clear(area), notice(e.status === 404 ? 'This store has no status page.'
          : 'Could not read the status: ' + e.message, 'error'));
      }
      if (!stopped) timer = setTimeout(refresh, STATUS_MS);
    }
    cleanup = () => {
      stopped = true;
      clearTimeout(timer);
    };
    refresh();
  }

  // ---- trending panel --------------------------------------------------------

  let trendingWindow = '1h';
  let trendingTimer = 0;
  async function loadTrending() {
    clearTimeout(trendingTimer);
    const list = document.getElementById('trending');
    try {
      const r = await api('/v1/trending?window=' + trendingWindow + '&limit=15');
      clear(list);
      for (const t of r.tags || []) {
        list.append(el('li', null, el('a', {href: '#/tag/' + enc(t.name)}, t.name),
          el('span', {className: 'count'}, String(t.count))));
      }
      if (!r.tags || r.tags.length === 0) list.append(el('li', {className: 'notice'}, 'Nothing rising yet.'));
    } catch (e) {
      append(clear(list), el('li', {className: 'notice'}, e.status === 404 ? 'Trending is not available.'
        : 'Could not load trending tags.'));
    }
    trendingTimer = setTimeout(loadTrending, TRENDING_MS);
  }
  for (const b of document.querySelectorAll('[data-window]')) {
    b.addEventListener('click', () => {
      trendingWindow = b.dataset.window;
      for (const other of document.querySelectorAll('[data-window]')) {
        other.setAttribute('aria-pressed', String(other === b));
      }
      loadTrending();
    });
  }

  // ---- routing and keys ------------------------------------------------------

  // #/                     live stream (?lang=&tag=&source=)
  // #/a/<id>               article
  // #/tag/<name>           tag page (live, filtered)
  // #/source/<id>          source page (live, filtered)
  // #/search?q=...         search results
  // #/feeds, #/status
  function route() {
    const hash = window.location.hash || '#/';
    if (!hash.startsWith('#/')) return;
    const [path, query] = hash.slice(1).split('?', 2);
    const params = new URLSearchParams(query || '');
    const parts = path.split('/').slice(1).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (e) {
        return p;
      }
    });
    if (parts[0] === 'a' && parts[1]) articleView(parts[1]);
    else if (parts[0] === 'tag' && parts[1]) streamView({tag: parts[1]}, 'Tag: ' + parts[1]);
    else if (parts[0] === 'source' && parts[1]) streamView({source: parts[1]}, 'Source: ' + parts[1]);
    else if (parts[0] === 'search') searchView(params);
    else if (parts[0] === 'feeds') feedsView();
    else if (parts[0] === 'status') statusView();
    else {
      const filters = {lang: params.get('lang') || '', tag: params.get('tag') || '', source: params.get('source') || ''};
      const active = Object.values(filters).some(Boolean);
      streamView(filters, active ? 'Live: filtered' : 'Live');
    }
  }

  document.getElementById('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = document.getElementById('search-q').value.trim();
    window.location.hash = '#/search?' + new URLSearchParams({q}).toString();
  });

  // j/k move between the items of a list (their title link takes focus);
  // / goes to the search box.
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
    if (ev.key === '/') {
      ev.preventDefault();
      document.getElementById('search-q').focus();
      return;
    }
    if (ev.key !== 'j' && ev.key !== 'k') return;
    const cards = Array.from(main.querySelectorAll('.card'));
    if (cards.length === 0) return;
    const current = cards.findIndex((c) => c.contains(document.activeElement));
    const next = current < 0 ? 0 : Math.min(cards.length - 1, Math.max(0, current + (ev.key === 'j' ? 1 : -1)));
    for (const c of cards) c.classList.remove('selected');
    cards[next].classList.add('selected');
    const link = cards[next].querySelector('h3 a');
    if (link) link.focus();
    ev.preventDefault();
  });

  window.addEventListener('hashchange', route);
  route();
  loadTrending();
})();
