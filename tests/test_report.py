"""The report site: pages, index, annotated articles — checked as files and in a real browser.

The browser is Chromium, driven over the DevTools protocol through a pipe
(`--remote-debugging-pipe`: JSON messages on file descriptors 3 and 4, no extra package).
That gives what a person at the screen would see: console messages by level, uncaught
exceptions, resources that failed to load (network is disabled: any request to the web
fails and is reported), the live DOM after scripts ran, and screenshots (kept in a temp
folder). The browser tests are skipped, with the reason, when no Chromium is installed
(`make browser` installs Debian's `chromium`).
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import report, viewer
from conftest import SEEDS

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


# --------------------------------------------------------------------------- the browser

def find_chromium() -> str | None:
    """$CHROMIUM, else the first Chromium-like browser on PATH or in /usr/bin."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in CHROMIUM_NAMES:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    return None


class Browser:
    """Headless Chromium over the DevTools protocol (pipe transport), offline.

    `load(path)` opens a local file in a fresh tab, waits for the load event and for
    scripts to settle, and returns a `PageReport` with console messages, exceptions, failed
    requests, the title, every <img> (src, alt, loaded?), and a full-page screenshot.
    """

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
             "--disable-extensions", "--mute-audio", "--remote-debugging-pipe",
             "--host-resolver-rules=MAP * ~NOTFOUND"]  # no network: anything fetched from the web fails

    def __init__(self, executable: str):
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def wire_fds():  # the protocol: the browser reads fd 3 and writes fd 4
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen([executable, *self.FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                     pass_fds=(3, 4), preexec_fn=wire_fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._w, self._r = to_child_w, from_child_r
        self._buffer, self._id, self.events = b"", 0, []

    def _receive(self, timeout: float):
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe (did it start?)")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(max(0.01, deadline - time.monotonic()))
            if reply is None:
                raise TimeoutError(f"Chromium did not answer {method} within {timeout} s")
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            event = self._receive(left)
            if event is not None:
                self.events.append(event)

    def evaluate(self, expression: str, session: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=session)
        return result["result"].get("value")

    def load(self, path: Path, screenshot: Path | None = None, settle: float = 1.0, width: int = 1280):
        self.events = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.send(method, session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        self.send("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
                e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session for e in self.events):
            self._pump(0.1)
        self._pump(settle)  # module scripts (itables) finish after the load event
        page = PageReport.from_events([e for e in self.events if e.get("sessionId") == session])
        page.title = self.evaluate("document.title", session)
        page.images = self.evaluate(
            "[...document.images].map(i => ({src: i.getAttribute('src'), alt: i.getAttribute('alt'),"
            " loaded: i.complete && i.naturalWidth > 0}))", session)
        page.lang = self.evaluate("document.documentElement.lang", session)
        page.data_tables = self.evaluate("document.querySelectorAll('.dt-container').length", session)
        page.scripts = self.evaluate("document.scripts.length", session)
        page.code_toggle = self.evaluate(  # code cells: hidden, then shown by the checkbox (no JavaScript needed)
            "(() => { const box = document.getElementById('show-code');"
            " const cell = document.querySelector('.jp-CodeCell .jp-Cell-inputWrapper');"
            " if (!box || !cell) return null; const before = getComputedStyle(cell).display; box.click();"
            " const after = getComputedStyle(cell).display; box.click(); return [before, after]; })()", session)
        if screenshot is not None:
            height = min(int(self.evaluate("document.documentElement.scrollHeight", session) or 900), 12000)
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
            shot = self.send("Page.captureScreenshot", {"format": "png"}, session=session, timeout=60)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        self.send("Target.closeTarget", {"targetId": target})
        return page

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


class PageReport:
    """What the browser saw on one page."""

    def __init__(self):
        self.console: list[tuple[str, str]] = []   # (level, text)
        self.exceptions: list[str] = []
        self.failed: list[str] = []                # resources that failed to load
        self.title = self.lang = ""
        self.images: list[dict] = []
        self.data_tables = self.scripts = 0
        self.code_toggle = None

    @classmethod
    def from_events(cls, events) -> "PageReport":
        page = cls()
        for event in events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                page.console.append((params.get("type", ""), text))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                page.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                if entry.get("level") == "error":
                    page.failed.append(f"{entry.get('text')} {entry.get('url', '')}".strip())
        return page

    @property
    def errors(self) -> list[str]:
        """Everything a developer console would show in red."""
        return ([f"console.{level}: {text}" for level, text in self.console if level in ("error", "assert")]
                + [f"uncaught: {e}" for e in self.exceptions] + self.failed)


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium found (install Debian's `chromium`: `make browser`, or set $CHROMIUM)")
    b = Browser(executable)
    try:
        b.send("Browser.getVersion", timeout=30)
    except Exception as exc:
        b.close()
        pytest.skip(f"Chromium at {executable} did not start: {exc}")
    yield b
    b.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    """Screenshots go to a temp folder (never into git); its path is printed with -s."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


# --------------------------------------------------------------------------- static checks

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags_of(path: Path) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def assert_offline_page(path: Path) -> None:
    """No script, stylesheet or image that the page needs is fetched from the web; every
    local file it references exists; every <img> has non-empty alt text; lang is French."""
    tags = tags_of(path)
    html_tag = next(attrs for tag, attrs in tags if tag == "html")
    assert html_tag.get("lang") == "fr", f"{path.name}: <html lang> is {html_tag.get('lang')!r}"
    for tag, attrs in tags:
        needed = {"script": "src", "img": "src", "link": "href", "iframe": "src"}.get(tag)
        if not needed or not attrs.get(needed):
            continue
        if tag == "link" and "stylesheet" not in attrs.get("rel", "") and "icon" not in attrs.get("rel", ""):
            continue
        url = attrs[needed]
        assert not re.match(r"^(https?:)?//", url), f"{path.name}: <{tag} {needed}={url!r}> needs the network"
        if not url.startswith(("data:", "blob:", "#")):
            assert (path.parent / url.split("#")[0].split("?")[0]).is_file(), f"{path.name}: missing file {url}"
    for tag, attrs in tags:
        if tag == "img":
            assert attrs.get("alt", "").strip(), f"{path.name}: <img src={attrs.get('src', '')[:60]!r}> has no alt text"


# --------------------------------------------------------------------------- unit tests (fast)

def test_article_filenames_are_safe_unique_and_stable():
    ids = ["000_abc", "../../etc/passwd", "a b/c", "Doc", "doc", "<script>", ".hidden", ""]
    names = viewer.article_filenames(ids)
    assert names["000_abc"] == "000_abc.html"
    assert len(set(names.values())) == len(ids)
    assert len({n.lower() for n in names.values()}) == len(ids)  # also on case-insensitive file systems
    for name in names.values():
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", name), name
    assert viewer.article_filenames(ids) == names


def test_choose_articles_samples_large_corpora_with_a_fixed_seed():
    small = pd.DataFrame({"doc_id": [f"d{i}" for i in range(20)]})
    assert viewer.choose_articles(small, 5) == (list(small["doc_id"]), False)
    large = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(400)]})
    chosen, sampled = viewer.choose_articles(large, 30, ["d399"])
    assert sampled and len(chosen) in (30, 31) and "d399" in chosen
    assert chosen == viewer.choose_articles(large, 30, ["d399"])[0]
    assert chosen == sorted(chosen)  # corpus order
    with pytest.raises(ValueError, match="nope"):
        viewer.choose_articles(large, 30, ["nope"])


def test_report_options_and_an_unknown_article_fails_before_any_notebook_runs(tmp_path):
    import argparse

    parser = argparse.ArgumentParser()
    report.add_report_arguments(parser)
    args = parser.parse_args(["--corpus", "c", "--articles", "5", "--article", "x", "--article", "y"])
    assert (args.corpus, args.articles, args.article, args.seed) == ("c", 5, ["x", "y"], viewer.DEFAULT_SEED)
    with pytest.raises(RuntimeError, match="unknown article id"):
        report.build_reports(SEEDS, tmp_path, notebooks=[], article_ids=["no-such-article"], log=lambda *_: None)
    assert not (tmp_path / "index.html").exists()


class _FakeCorpus:
    """A corpus with only the tables given (to check that findings survive missing tables)."""

    def __init__(self, **tables):
        self._tables = tables
        self.path = SEEDS
        self.documents = tables.get("documents", pd.DataFrame({"doc_id": ["a"], "title": ["T"], "date": [None]}))
        self.removed_lines = tables.get("removed_lines", pd.DataFrame(columns=["doc_id", "line_no", "text", "reason"]))
        self.sentences = tables.get("sentences", pd.DataFrame(columns=["doc_id", "sent_id"]))

    def table_names(self):
        return ["documents", "removed_lines", "sentences", *self._tables]

    def table(self, name):
        if name not in self._tables:
            raise KeyError(name)
        value = self._tables[name]
        if isinstance(value, Exception):
            raise value
        return value


def test_findings_are_computed_from_the_tables_and_survive_missing_ones():
    entities = pd.DataFrame({"doc_id": ["a", "b", "b"], "canonical": ["Vladimir Poutine", "Vladimir Poutine", "Joe Biden"],
                             "type": ["PER", "PER", "PER"], "n_mentions": [20, 19, 30]})
    docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["A", "B"], "date": ["2021-12", None]})
    corpus = _FakeCorpus(entities=entities, documents=docs)
    assert report.finding_for("01_entities", corpus) == \
        "Vladimir Poutine est la personne la plus mentionnée (39 mentions, dans 2 articles sur 2)."
    tie = entities.assign(n_mentions=[20, 10, 30])
    assert report.finding_for("01_entities", _FakeCorpus(entities=tie, documents=docs)) == \
        "Joe Biden et Vladimir Poutine sont à égalité : les personnes les plus mentionnées (30 mentions chacune)."
    empty = _FakeCorpus()
    for stem in ("01_entities", "02_framing", "03_quotes", "04_readability", "99_unknown"):
        assert report.finding_for(stem, empty) is None, stem
    broken = _FakeCorpus(quotes=RuntimeError("being built"))
    assert report.finding_for("03_quotes", broken, log=lambda *_: None) is None
    quotes = pd.DataFrame({"doc_id": ["a"] * 3, "side": ["US", "RU", None], "n_words": [30, 10, 10]})
    assert "« États-Unis »" in report.finding_for("03_quotes", _FakeCorpus(quotes=quotes))
    readability = pd.DataFrame({"doc_id": ["a", "b"], "kandel_moles": [38.2, 61.0]})
    text = report.finding_for("04_readability", _FakeCorpus(readability=readability, documents=docs))
    assert "« A » (Kandel–Moles 38)" in text and "« B » (61)" in text


def test_report_template_writes_alt_text_and_nothing_from_the_web(tmp_path):
    """The project template on a hand-made executed notebook: alt from metadata, escaped."""
    png = base64.b64encode(_tiny_png()).decode()
    nb = nbformat.v4.new_notebook()
    nb.metadata["analysis"] = {"question": "Que montre la figure ?"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 09 · Essai\n\nUn paragraphe."),
        nbformat.v4.new_code_cell("figures.save_figure(...)", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": png, "text/plain": "[figure]"},
            metadata={"image/png": {"alt": 'Barres : "Biden" <b>39</b> & Poutine', "filename": "09_test_bars.png"}})]),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
        nbformat.v4.new_code_cell("import os"),
    ]
    executed = tmp_path / "executed" / "09_test.ipynb"
    executed.parent.mkdir()
    nbformat.write(nb, executed)
    figures = report.collect_figures(nb, tmp_path, "09_test", tmp_path / "nowhere", log=lambda *_: None)
    assert [f["name"] for f in figures] == ["09_test_bars.png", "09_test_figure_2.png"]
    page = report.notebook_to_html(executed, tmp_path / "09_test.html", "executed/09_test.ipynb", nb=nb, corpus_name="c")
    text = page.read_text(encoding="utf-8")
    alts = [attrs.get("alt") for tag, attrs in tags_of(page) if tag == "img"]
    assert alts == ['Barres : "Biden" <b>39</b> & Poutine', report.NO_ALT]  # escaped in the file, intact when read
    assert "<b>39</b>" not in text
    assert "require.min.js" not in text and "mathjax" not in text.lower() and "<script src=" not in text
    assert 'id="show-code"' in text and "<title>09 · Essai — analyse de presse</title>" in text
    assert_offline_page(page)


def _tiny_png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=20)
    plt.close(fig)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the viewer

HOSTILE = """Article piégé <script>document.title='HACKED'</script>

Ceci est le premier paragraphe. Joe Biden a déclaré : « Nous ne céderons pas <img src=x onerror="document.title='HACKED'"> ».

Le président russe Vladimir Poutine a répondu que la Russie défendrait ses intérêts, selon le Kremlin.

<b onmouseover="alert(1)">Un paragraphe</b> avec du faux HTML & des "guillemets".
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """A two-article corpus where one article tries to inject script; its viewer pages built."""
    from analysis import load_corpus

    root = tmp_path_factory.mktemp("hostile")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "piege.txt").write_text(HOSTILE, encoding="utf-8")
    (corpus_dir / "normal.txt").write_text(
        "Un article normal\n\nLire aussi : un autre article\n\nEmmanuel Macron a déclaré que la France "
        "soutenait l'Ukraine. « La diplomatie doit l'emporter », a-t-il ajouté.\n", encoding="utf-8")
    corpus = load_corpus(corpus_dir, progress=False)
    out = root / "site"
    entries = viewer.build_article_pages(corpus, out / "articles", list(corpus.documents["doc_id"]),
                                         log=lambda *_: None)
    (out / "index.html").write_text('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>i</title>'
                                    "</head><body></body></html>", encoding="utf-8")
    return out, entries, corpus


def test_viewer_escapes_every_article_text(hostile_site):
    out, entries, corpus = hostile_site
    page = out / "articles" / next(e["file"] for e in entries if e["doc_id"] == "piege")
    text = page.read_text(encoding="utf-8")
    assert "<script>document.title" not in text and "&lt;script&gt;document.title" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=" in text
    assert '<b onmouseover' not in text
    # the only <script> is none at all: the viewer needs no JavaScript
    assert "<script" not in text.lower().replace("&lt;script", "")
    assert_offline_page(page)


def test_viewer_shows_layers_and_removed_lines_in_place(hostile_site):
    out, entries, corpus = hostile_site
    page = out / "articles" / next(e["file"] for e in entries if e["doc_id"] == "normal")
    text = page.read_text(encoding="utf-8")
    tags = tags_of(page)
    if len(corpus.removed_lines):
        assert 'class="row removed"' in text and "Lire aussi" in text
    if "quotes" in corpus.table_names() and len(corpus.table("quotes")):
        assert 'class="speaker"' in text and 'class="quote' in text
    mentions = [a for t, a in tags if t == "span" and a.get("class", "").startswith("ent k-")]  # not the legend
    assert mentions and all(a.get("title") for a in mentions)
    assert any("Emmanuel Macron" in a["title"] for a in mentions)
    assert "Couleurs des camps" in text and "États-Unis" in text  # the legend, from sides.csv


def test_injected_script_does_not_run_in_the_browser(hostile_site, browser, screenshots):
    out, entries, corpus = hostile_site
    titles = corpus.documents.set_index("doc_id")["title"]
    for entry in entries:
        page = out / "articles" / entry["file"]
        seen = browser.load(page, screenshots / f"article_{entry['doc_id']}.png")
        # the title still reads as the article wrote it: no script changed it
        assert seen.title != "HACKED" and seen.title == f"{titles[entry['doc_id']] or entry['doc_id']} — article annoté"
        assert seen.scripts == 0 and seen.images == []  # the article's <script> and <img> stayed text
        assert seen.errors == [], seen.errors
        assert seen.lang == "fr"
        assert all(img["alt"] for img in seen.images)


# --------------------------------------------------------------------------- the whole report

@pytest.fixture(scope="module")
def seeds_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    index = report.build_reports(SEEDS, out, log=lambda *_: None)
    return out, index


@pytest.mark.slow
def test_report_on_the_seeds(seeds_site):
    """`report` runs every notebook on the seeds: pages, index, figures with alt text (files)."""
    out, index = seeds_site
    figures_dir = Path(os.environ["ANALYSIS_FIGURES_DIR"])
    assert index.exists() and 'lang="fr"' in index.read_text(encoding="utf-8")
    for path in report.notebook_paths():
        page = out / f"{path.stem}.html"
        assert page.exists(), page
        assert_offline_page(page)
        executed = nbformat.read(out / "executed" / path.name, as_version=4)
        outputs = [o for c in executed.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert outputs, f"{path.name} shows no figure"
        for output in outputs:
            meta = output["metadata"]["image/png"]
            assert len(meta["alt"]) > 30, meta
            stem = Path(meta["filename"]).stem
            for suffix in (".png", ".svg", ".csv"):
                assert (figures_dir / f"{stem}{suffix}").exists(), stem + suffix
                assert (out / "figures" / f"{stem}{suffix}").exists(), stem + suffix
        alts = {attrs.get("alt") for tag, attrs in tags_of(page) if tag == "img"}
        for output in outputs:
            assert output["metadata"]["image/png"]["alt"] in alts, f"{path.name}: an alt text is missing from the page"
    assert (figures_dir / "00_corpus_removed_lines.png").exists()
    assert_offline_page(index)
    text = index.read_text(encoding="utf-8")
    assert "mentionnée" in text  # the entities finding, computed from the tables
    n_docs = len(list(SEEDS.glob("*.txt")))
    assert len(list((out / "articles").glob("*.html"))) == n_docs


@pytest.mark.slow
def test_report_pages_in_the_browser(seeds_site, browser, screenshots):
    """Index, one analysis page and one article page: no console error, every image loaded with alt."""
    out, index = seeds_site
    article = sorted((out / "articles").glob("*.html"))[0]
    for page in (index, out / "01_entities.html", article):
        seen = browser.load(page, screenshots / f"{page.parent.name}_{page.stem}.png")
        assert seen.errors == [], f"{page.name}: {seen.errors}"
        assert seen.lang == "fr"
        assert seen.images or page == article, f"{page.name} shows no image"
        if page.stem == "01_entities":
            assert seen.code_toggle == ["none", "block"], seen.code_toggle
        for img in seen.images:
            assert img["alt"] and img["alt"].strip(), f"{page.name}: {img['src'][:60]} has no alt"
            assert img["loaded"], f"{page.name}: {img['src'][:60]} did not load"
