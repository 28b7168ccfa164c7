#!/usr/bin/python3
"""End-to-end test of the store's web reader in a real browser.

Starts `newsflow run` (ingest, enrich and store in one process) on a
temporary config with loopback ports and tokens on the store's API and on
ingest's feeds API,
opens the page in headless Chromium (Debian's chromium, chromium-driver and
python3-selenium) and checks, through what a reader sees:

  - the page is served with a strict Content-Security-Policy and nosniff, and
    breaks none of it (the browser logs no violation);
  - the page and its files need no token, the API does: the page asks for
    the store's token once and keeps it;
  - articles dropped into ingest's drop folder appear at the top of the live
    list without a reload, over the store's event stream (/v1/stream);
  - a hostile title is shown as text, not markup;
  - an article page shows title, summary, key points, body and tags; a tag
    link leads to that tag's page, which lists the article;
  - Chinese text keeps its characters and is marked lang="zh";
  - search shows the matched words highlighted with <mark>;
  - adding a feed without ingest's token is refused with a message, and with
    it the feed is listed; an OPML import adds its feeds and reports the
    refused ones, an export goes through;
  - the status page shows the three daemons;
  - the layout fits a phone-width window.

Screenshots (PNG) go to --out. Exit code 77 (skipped) when Chromium, its
driver or selenium is missing.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("SKIP: python3-selenium is not installed")
    sys.exit(77)

HOSTILE_TITLE = "<img src=x onerror=alert(1)> Harbour lighthouse reopens"
FEEDS_TOKEN = "feeds-test-token"
STORE_TOKEN = "store-test-token"

# Articles written for this test (fictional).
ARTICLES = [
    {
        "name": "lighthouse",
        "url": "https://news.example.org/coast/lighthouse-reopens",
        "title": HOSTILE_TITLE,
        "language": "en",
        "author": "Test Writer",
        "text": (
            "The old lighthouse at Westhaven harbour reopened to visitors on Saturday after a two-year "
            "restoration paid for by the harbour trust and a public appeal that raised 1.2 million pounds.\n\n"
            "Engineers replaced the cast-iron lantern room, repaired the granite tower and rebuilt the keeper's "
            "cottage, which now holds a small museum about the lighthouse keepers who lived there until 1987.\n\n"
            "The harbour trust said the lighthouse would open every weekend from April to October, and that "
            "school groups could book guided visits during the week. Tickets cost five pounds for adults.\n\n"
            "Local fishermen welcomed the restoration. The lighthouse still guides boats into Westhaven harbour "
            "at night, although its lamp is now an electric one controlled from the coastguard station."
        ),
    },
    {
        "name": "orchestra",
        "url": "https://news.example.org/arts/youth-orchestra-tour",
        "title": "Youth orchestra announces first European tour",
        "language": "en",
        "author": "Test Writer",
        "text": (
            "The Northfield Youth Orchestra will tour five European cities next summer, its first tour abroad "
            "since the orchestra was founded in 1995 by a group of music teachers.\n\n"
            "Ninety young musicians aged 14 to 21 will perform in Vienna, Prague, Leipzig, Ghent and Lyon, "
            "playing symphonies by Dvorak and Brahms and a new piece written for the orchestra.\n\n"
            "The orchestra's conductor said the tour would give the musicians the experience of playing in "
            "famous concert halls. Families and sponsors have raised most of the money for travel."
        ),
    },
    {
        "name": "chinese",
        "url": "https://news.example.org/zh/library-opens",
        "title": "城市图书馆新馆正式开放",
        "language": "zh",
        "author": "测试作者",
        "text": (
            "本市新建的城市图书馆于周六正式向市民开放，新馆共有五层，藏书超过八十万册。\n\n"
            "图书馆设有儿童阅读区、自习室和数字资源中心，市民可以凭身份证免费办理借书证。"
            "馆方表示，开放首日共接待读者一万两千人次。\n\n"
            "图书馆每天早上九点开馆，晚上九点闭馆，周一上午进行设备维护。"
        ),
    },
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, headers=None, timeout=5):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, dict(r.headers), r.read()


def wait_until(what, predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not there yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def drop(drop_dir, article):
    body = {k: article[k] for k in ("url", "title", "text", "language", "author")}
    body["published"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    tmp = os.path.join(drop_dir, "." + article["name"] + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False)
    os.rename(tmp, os.path.join(drop_dir, article["name"] + ".json"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newsflow", required=True, help="the newsflow binary")
    parser.add_argument("--out", required=True, help="folder for the screenshots")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    args.newsflow = os.path.abspath(args.newsflow)

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not chromium or not driver_bin:
        print("SKIP: chromium and chromium-driver are not installed")
        return 77

    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="newsflow-web-")
    drop_dir = os.path.join(work, "drop")
    os.makedirs(drop_dir)
    store_port, ingest_port, enrich_port = free_port(), free_port(), free_port()
    zmq = {name: free_port() for name in ("control", "publish", "query")}
    config = f"""
data_dir: {work}/data
logging:
  level: warn
ingest:
  drop_dir: {drop_dir}
  drop_scan_interval_ms: 100
  control: {{address: "tcp://127.0.0.1:{zmq['control']}", bind: true}}
  api: {{port: {ingest_port}, token: "{FEEDS_TOKEN}"}}
enrich:
  http: {{port: {enrich_port}}}
store:
  publish: {{address: "tcp://127.0.0.1:{zmq['publish']}", bind: true}}
  query: {{address: "tcp://127.0.0.1:{zmq['query']}", bind: true}}
  http: {{port: {store_port}, token: "{STORE_TOKEN}"}}
"""
    config_path = os.path.join(work, "newsflow.yaml")
    with open(config_path, "w", encoding="utf-8") as f:
        f.write(config)
    base = f"http://127.0.0.1:{store_port}"
    log = open(os.path.join(work, "newsflow.log"), "w", encoding="utf-8")
    proc = subprocess.Popen([args.newsflow, "--config", config_path, "run", "--quiet"], cwd=work,
                            stdout=log, stderr=subprocess.STDOUT)
    driver = None
    try:
        wait_until("the store's /healthz", lambda: http_get(base + "/healthz")[0] == 200, 60)

        # Headers of the page and its files.
        status, headers, body = http_get(base + "/")
        csp = headers.get("Content-Security-Policy", "")
        check(status == 200 and "text/html" in headers.get("Content-Type", ""), f"/ answers {status} {headers}")
        for part in ("default-src 'self'", "frame-ancestors 'none'", "script-src 'self'", "style-src 'self'"):
            check(part in csp, f"Content-Security-Policy lacks {part}: {csp!r}")
        check("unsafe-inline" not in csp, "the policy allows inline code")
        check(headers.get("X-Content-Type-Options") == "nosniff", "no X-Content-Type-Options: nosniff")
        check(b"<script>" not in body and b" style=" not in body, "index.html has inline script or style")
        for path, kind in (("/static/app.js", "javascript"), ("/static/style.css", "text/css")):
            status, headers, _ = http_get(base + path)
            check(status == 200 and kind in headers.get("Content-Type", ""), f"{path}: {status} {headers}")
            check(headers.get("ETag"), f"{path} has no ETag")

        try:
            http_get(base + "/v1/articles")
            raise AssertionError("the store's API answers without its token")
        except urllib.error.HTTPError as e:
            check(e.code == 401, f"/v1/articles without a token: HTTP {e.code}")

        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en-US", "--no-first-run"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(driver_bin), options=options)
        driver.set_page_load_timeout(30)
        wait = WebDriverWait(driver, 90, poll_frequency=0.2)

        def shot(name):
            path = os.path.join(args.out, f"web-{name}.png")
            driver.save_screenshot(path)
            print(f"screenshot: {path}")

        def css(selector):
            return driver.find_elements(By.CSS_SELECTOR, selector)

        # The store's API needs its token: the page asks for it once and
        # keeps it (later visits below load the page afresh).
        driver.get(base + "/")
        wait.until(lambda d: d.find_element(By.ID, "token-bar").is_displayed())
        check("store" in driver.find_element(By.ID, "token-label").text, "the page does not ask for the store's token")
        driver.find_element(By.ID, "token-input").send_keys(STORE_TOKEN, Keys.ENTER)

        # The live stream, empty, then fed.
        wait.until(lambda d: "Live" in d.find_element(By.CSS_SELECTOR, "p.live").text)
        mode = driver.find_element(By.CSS_SELECTOR, "p.live").text
        driver.execute_script("window.__noReload = 'still here';")
        for article in ARTICLES:
            drop(drop_dir, article)
        titles = [a["title"] for a in ARTICLES]
        wait.until(lambda d: all(t in [e.text for e in css(".card h3 a")] for t in titles))
        check(driver.execute_script("return window.__noReload;") == "still here",
              "the page was reloaded to show new articles")
        mode = driver.find_element(By.CSS_SELECTOR, "p.live").text
        print(f"live mode: {mode}")
        # The store has /v1/stream: the page is on it, not polling.
        check("as they are stored" in mode, f"live indicator says {mode!r}, not the stream")

        # The hostile title is text: no <img> was made, no alert ran.
        check(not css("main img"), "a title became an <img> element")
        try:
            driver.switch_to.alert.dismiss()
            raise AssertionError("a title's script ran (an alert is open)")
        except NoAlertPresentException:
            pass
        shot("stream")

        # j/k moves the focus between articles.
        ActionChains(driver).send_keys("j").perform()
        first = driver.switch_to.active_element
        check(first.tag_name == "a" and first.text in titles, "j did not focus the first article")
        ActionChains(driver).send_keys("j").perform()
        check(driver.switch_to.active_element.text != first.text, "j did not move to the next article")

        # The article page, then one of its tags.
        link = next(e for e in css(".card h3 a") if e.text == HOSTILE_TITLE)
        link.click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "article h1").text == HOSTILE_TITLE)
        article = driver.find_element(By.CSS_SELECTOR, "article")
        check("Westhaven" in article.find_element(By.CSS_SELECTOR, "section.body").text, "no body text")
        for heading in ("Key points", "Tags", "Related articles", "Other sources of this story"):
            check(heading in [h.text for h in article.find_elements(By.CSS_SELECTOR, "h2")],
                  f"the article page has no {heading!r} section")
        check(article.find_elements(By.CSS_SELECTOR, ".summary p"), "no summary")
        tag_links = article.find_elements(By.CSS_SELECTOR, ".tags a")
        check(tag_links, "the article has no tag links")
        check(not css("main img"), "a title became an <img> element on the article page")
        shot("article")
        tag = tag_links[0].text
        tag_links[0].click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == "Tag: " + tag)
        wait.until(lambda d: HOSTILE_TITLE in [e.text for e in css(".card h3 a")])
        check(driver.execute_script("return window.__noReload;") == "still here", "following a tag reloaded")

        # Chinese: characters intact, marked as Chinese.
        driver.get(base + "/#/")
        wait.until(lambda d: ARTICLES[2]["title"] in [e.text for e in css(".card h3 a")])
        next(e for e in css(".card h3 a") if e.text == ARTICLES[2]["title"]).click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "article h1").text == ARTICLES[2]["title"])
        article = driver.find_element(By.CSS_SELECTOR, "article")
        check(article.get_attribute("lang") == "zh", f"the Chinese article has lang={article.get_attribute('lang')!r}")
        check("八十万册" in article.text, "the Chinese body text is not shown intact")
        shot("article-zh")

        # Search, with the matched word highlighted (the index may lag the store).
        def search_marks():
            box = driver.find_element(By.ID, "search-q")
            box.clear()
            box.send_keys("lighthouse", Keys.ENTER)
            WebDriverWait(driver, 10).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, ".snippet")
                or "No matches" in d.find_element(By.CSS_SELECTOR, "main").text
                or "not enabled" in d.find_element(By.CSS_SELECTOR, "main").text)
            if "not enabled" in driver.find_element(By.CSS_SELECTOR, "main").text:
                raise AssertionError("search is disabled on the test store")
            marks = css(".snippet mark")
            if not marks:
                driver.get(base + "/#/")
                time.sleep(0.5)
            return marks
        marks = wait_until("highlighted search results", search_marks, 60)
        check(all(m.text.lower().startswith("lighthouse") for m in marks), [m.text for m in marks])
        check(not css(".snippet *:not(mark)"), "a snippet holds elements other than <mark>")
        shot("search")

        # Feeds: refused without ingest's token, listed with it.
        feed = "https://feeds.example.org/harbour.xml"
        driver.get(base + "/#/feeds")
        wait.until(lambda d: "token" in d.find_element(By.CSS_SELECTOR, ".table-wrap").text)
        # The Authorization each feeds request carries: never the store's
        # token, which is not ingest's to see.
        driver.execute_script(
            "window.feedsAuth = []; const plain = window.fetch;"
            "window.fetch = function (path, options) {"
            "  if (String(path).startsWith('/v1/feeds'))"
            "    window.feedsAuth.push(((options || {}).headers || {}).Authorization || '');"
            "  return plain.apply(this, arguments); };")
        driver.find_element(By.ID, "feed-url").send_keys(feed)
        driver.find_element(By.CSS_SELECTOR, "form.tools button[type=submit]").click()
        wait.until(lambda d: "refused" in d.find_element(By.CSS_SELECTOR, "p.message").text)
        sent = driver.execute_script("return window.feedsAuth")
        check(sent and not any(STORE_TOKEN in a for a in sent),
              f"feeds requests carried the store's token: {sent}")
        check(driver.find_element(By.ID, "token-bar").is_displayed(), "no token field offered")
        check("ingest" in driver.find_element(By.ID, "token-label").text, "the page asks for the wrong token")
        shot("feeds-refused")
        driver.find_element(By.ID, "token-input").send_keys(FEEDS_TOKEN, Keys.ENTER)
        wait.until(lambda d: not d.find_element(By.ID, "token-bar").is_displayed())
        wait.until(lambda d: "No feeds yet" in d.find_element(By.CSS_SELECTOR, ".table-wrap").text)
        driver.find_element(By.ID, "feed-url").send_keys(feed)
        driver.find_element(By.CSS_SELECTOR, "form.tools button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'tr[data-url="{feed}"]'))
        check("Added" in driver.find_element(By.CSS_SELECTOR, "p.message").text, "no confirmation")

        # OPML: an import adds its feeds (one refused for its scheme), an
        # export goes through.
        imported = "https://feeds.example.org/imported.xml"
        opml_path = os.path.join(work, "import.opml")
        with open(opml_path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>t</title></head>'
                    f'<body><outline type="rss" text="Imported" xmlUrl="{imported}"/>'
                    '<outline type="rss" text="Bad" xmlUrl="ftp://feeds.example.org/bad.xml"/></body></opml>\n')
        driver.find_element(By.ID, "opml-file").send_keys(opml_path)
        next(b for b in css("button") if b.text == "Import OPML").click()
        wait.until(lambda d: "1 added, 1 refused of 2." in d.find_element(By.CSS_SELECTOR, "p.message").text)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'tr[data-url="{imported}"]'))
        next(b for b in css("button") if b.text == "Export OPML").click()
        wait.until(lambda d: "Exported" in d.find_element(By.CSS_SELECTOR, "p.message").text)
        shot("feeds")

        # Status: every daemon, healthy.
        driver.get(base + "/#/status")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "section.daemon")) == 3)
        for section in css("section.daemon"):
            check("healthy" in section.text, f"{section.get_attribute('data-daemon')}: {section.text}")
        wait.until(lambda d: "articles/s" in d.find_element(By.CSS_SELECTOR, ".daemons").text)
        shot("status")

        # Phone width: nothing wider than the window.
        driver.set_window_size(390, 844)
        driver.get(base + "/#/")
        wait.until(lambda d: len(css(".card")) >= len(ARTICLES))
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        check(overflow <= 1, f"the page is {overflow}px wider than a phone screen")
        shot("phone")

        # The page broke none of its own policy.
        violations = [e["message"] for e in driver.get_log("browser")
                      if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
        check(not violations, f"policy violations: {violations}")
        print("web reader test passed")
        return 0
    except (AssertionError, TimeoutException) as e:
        print(f"FAILED: {e!r}")
        if driver is not None:
            try:
                driver.save_screenshot(os.path.join(args.out, "web-failure.png"))
                print("browser log:", json.dumps(driver.get_log("browser"), indent=1)[:4000])
            except Exception:  # noqa: BLE001
                pass
        log.flush()
        with open(os.path.join(work, "newsflow.log"), encoding="utf-8", errors="replace") as f:
            print("newsflow log (end):", f.read()[-4000:])
        return 1
    finally:
        if driver is not None:
            driver.quit()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
