"""A walk of the site as every demo account, the way a new user clicks through it.

The real demo data is loaded once; each demo account logs in with its password and follows
every same-site link reachable from the home page and its menu (breadth first, GET only). Links
of one page type (the same URL pattern and query parameter names) are opened a few times, not
once per record, so the walk stays short. Downloads are fetched, not read. Each check below is
its own test over the one walk, so a failure says which rule broke, on which page, and how:

- every link answers 200 (a redirect to the login page, a 403 or a 404 is a dead end);
- no English model repr ("MemberChange object (5989)"), Python dict or list, model label
  ("funds.CountyMonthFigure"), English word of a small deny-list ("snapshot", "None") or shell
  command ("zhenxing snapshot-indicators") in the visible text of a page;
- no bare risk code: a code of the national risk table is shown with its name ("01 因病");
- no ``<select>`` with more than 200 options (a picker that searches instead);
- every page sends the Content-Security-Policy header, and no page carries an inline script or an
  ``on…=`` attribute (the policy would block them).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from zhenxing.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

# The session's test database is set up for marked modules only; the walk itself runs once per
# module (the ``walk`` fixture) in a transaction it rolls back.
pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 150  # pages read per account; the walk of all seven stays under a minute
SAME_KIND = 2  # pages opened per URL pattern (filters and records of one list are one kind)
SAME_DOWNLOAD = 1  # downloads fetched per URL pattern: they answer 200, their content is not read
MAX_OPTIONS = 200
SKIP_PATHS = ("/accounts/logout/", "/static/", "/media/", "/api/")
DOWNLOAD_HINTS = ("export", "download", "format=", ".xlsx", ".pdf", ".docx", ".csv", "/file", "template")

# English a user must never read; whole words only, case as written by Python or Django.
DENY_WORDS = (
    "snapshot",
    "None",
    "True",
    "False",
    "Traceback",
    "NaN",
    "null",
    "object",
    "Error",
    "Exception",
    "Forbidden",
    "Not Found",
    "pending",
    "accepted",
    "submitted",
)
DENY_RE = re.compile(r"(?<![A-Za-z_-])(" + "|".join(re.escape(w) for w in DENY_WORDS) + r")(?![A-Za-z_-])")
REPR_RE = re.compile(r"\b[A-Z][A-Za-z]+ object \(\d*\)|\b[A-Z][A-Za-z]+ object\b")
PY_RE = re.compile(r"[\[{(]\s*'[^'\n]{0,60}'\s*[:,\]}]|\{\"[^\"\n]{0,60}\"\s*:|<[A-Za-z_.]+ object at 0x")
SHELL_RE = re.compile(r"\bzhenxing\s+[a-z][a-z-]{2,}|\bmanage\.py\b|\bpython3?\s+-m\b|\bpip install\b")
LABEL_RE = re.compile(
    r"\b(?:accounts|audit|calendar|jobs|regions|registry|monitoring|screening|ledger|funds|assets|people|dashboard|core)"
    r"\.[A-Za-z_]+(?::\d+)?\b"
)


def risk_code_re() -> re.Pattern:
    """A code of the national risk table standing alone: not followed by its name."""
    from zhenxing.monitoring.models import RISK_TYPES

    codes = "|".join(sorted(RISK_TYPES, key=len, reverse=True))
    # A table cell, a list item or a comma-separated code, with no name after it.
    return re.compile(r"(?:^|(?<=[\s>：、，,]))(" + codes + r")(?=\s*(?:$|[、，,;；）)]))", re.M)


@dataclass
class Page:
    url: str
    status: int
    text: str = ""  # visible text, one line per block
    selects: list[tuple[str, int]] = field(default_factory=list)  # (name, options)
    origin: str = ""  # the page that linked here
    seconds: float = 0.0  # how long it took (not asserted: to see what slows the walk)
    csp: str = ""  # the Content-Security-Policy header
    inline: list[str] = field(default_factory=list)  # inline scripts and on…= attributes


@dataclass
class Walk:
    pages: dict[str, list[Page]] = field(default_factory=lambda: defaultdict(list))  # username -> pages
    login_failed: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Links, visible text and the size of every <select>."""

    BLOCK = {"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "td", "th", "br", "option", "dt", "dd", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.chunks: list[str] = []
        self.selects: list[tuple[str, int]] = []
        self._hidden = 0
        self._select: list | None = None
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline.append("<script> 内联脚本")
        self.inline.extend(f"<{tag} {name}=…>" for name, _ in attrs if name.startswith("on"))
        if tag in ("script", "style", "template"):
            self._hidden += 1
        elif tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"] + ("&" if "?" in a["href"] else "?") + "__download=1")
        elif tag == "select":
            self._select = [a.get("name") or a.get("id") or "?", 0]
        elif tag == "option" and self._select is not None:
            self._select[1] += 1
        if tag in self.BLOCK:
            self.chunks.append("\n")
        for attr in ("title", "placeholder", "aria-label"):
            if a.get(attr):
                self.chunks.append(f"\n{a[attr]}\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)
        elif tag == "select" and self._select is not None:
            self.selects.append(tuple(self._select))
            self._select = None
        if tag in self.BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.chunks.append(data)

    def text(self) -> str:
        lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(self.chunks).split("\n"))
        return "\n".join(line for line in lines if line)


def _kind(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


def _is_download(url: str) -> bool:
    return "__download=1" in url or any(h in url.lower() for h in DOWNLOAD_HINTS)


def walk_as(client: Client, username: str, limit: int = PAGES_PER_ROLE) -> list[Page]:
    """Breadth first from the home page, GET only, same site, a few pages of each kind."""
    home = reverse("core:home")
    queue: deque[tuple[str, str]] = deque([(home, "")])
    seen: set[str] = {home}
    kinds: dict[str, int] = defaultdict(int)
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url, origin = queue.popleft()
        download = _is_download(url)
        url = url.replace("?__download=1", "").replace("&__download=1", "")
        started = time.monotonic()
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        status = response.status_code
        if urlsplit(final).path.startswith(reverse("accounts:login")) and not url.startswith(reverse("accounts:login")):
            status = 302  # sent to the login page: the session is gone or the page is refused
        page = Page(url=url, status=status, origin=origin, seconds=time.monotonic() - started)
        page.csp = response.get("Content-Security-Policy", "")
        pages.append(page)
        if download or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _PageParser()
        parser.feed(response.content.decode("utf-8", "replace"))
        page.text = parser.text()
        page.selects = parser.selects
        page.inline = parser.inline
        for href in parser.links:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            if not parts.path or parts.path.startswith(SKIP_PATHS):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local in seen:
                continue
            seen.add(local)
            download = _is_download(local)
            kind = ("下载 " if download else "") + _kind(parts.path)
            if kinds[kind] >= (SAME_DOWNLOAD if download else SAME_KIND):
                continue
            kinds[kind] += 1
            queue.append((local, url))
    return pages


def walk_all() -> Walk:
    result = Walk()
    for username, *_ in DEMO_ACCOUNTS:
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
        if response.status_code != 302:
            result.login_failed.append(username)
            continue
        result.pages[username] = walk_as(client, username)
    return result


# The checks: each returns the problems of one page as "what: the offending text".


def dead_link(page: Page) -> list[str]:
    return [] if page.status == 200 else [f"答复 {page.status}（链接来自 {page.origin or '—'}）"]


def english_text(page: Page) -> list[str]:
    problems = []
    for line in page.text.splitlines():
        for regex, what in (
            (REPR_RE, "英文对象名"),
            (PY_RE, "Python 字典或列表"),
            (LABEL_RE, "模型标识"),
            (DENY_RE, "英文词"),
        ):
            match = regex.search(line)
            if match:
                problems.append(f"{what} {match.group(0)!r}：{line[:120]}")
    return problems


def shell_command(page: Page) -> list[str]:
    return [
        f"命令行 {m.group(0)!r}：{line[:120]}" for line in page.text.splitlines() for m in [SHELL_RE.search(line)] if m
    ]


def bare_risk_code(page: Page, _regex=[]) -> list[str]:  # noqa: B006 - compiled once
    if not _regex:
        _regex.append(risk_code_re())
    return [
        f"风险代码 {m.group(1)} 没有名称：{line[:120]}"
        for line in page.text.splitlines()
        for m in _regex[0].finditer(line)
        if m.group(1).startswith("0") or "风险" in line  # "99" alone is as often a count
    ]


def big_select(page: Page) -> list[str]:
    return [f"下拉框 {name} 有 {n} 个选项" for name, n in page.selects if n > MAX_OPTIONS]


def no_csp(page: Page) -> list[str]:
    policy = {d.split()[0]: d.split()[1:] for d in page.csp.split(";") if d.strip()}
    if "'self'" not in policy.get("default-src", []) or "'unsafe-inline'" in policy.get("script-src", ["'self'"]):
        return [f"内容安全策略缺失或允许内联脚本：{page.csp!r}"]
    return []


def inline_script(page: Page) -> list[str]:
    return page.inline


def problems(walk: Walk, check) -> list[str]:
    found = []
    for username, pages in walk.pages.items():
        for page in pages:
            found.extend(f"{username} {page.url}：{p}" for p in check(page))
    return found


@pytest.fixture(scope="module")
def walk(demo_snapshot, django_db_blocker):
    """The demo data (zhenxing/conftest.py's snapshot) walked by every account; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_snapshot.restore()
        result = walk_all()
        transaction.set_rollback(True)
    demo_snapshot.forget()
    return result


def _report(found: list[str]) -> str:
    return f"{len(found)} 处问题：\n" + "\n".join(found[:200])


def test_every_demo_account_logs_in_and_walks(walk):
    assert walk.login_failed == []
    for username, *_ in DEMO_ACCOUNTS:
        assert len(walk.pages[username]) > 10, username


def test_every_link_answers_200(walk):
    found = problems(walk, dead_link)
    assert not found, _report(found)


def test_no_english_repr_dict_or_word_on_pages(walk):
    found = problems(walk, english_text)
    assert not found, _report(found)


def test_no_shell_command_on_pages(walk):
    found = problems(walk, shell_command)
    assert not found, _report(found)


def test_risk_codes_are_shown_with_names(walk):
    found = problems(walk, bare_risk_code)
    assert not found, _report(found)


def test_no_select_over_200_options(walk):
    found = problems(walk, big_select)
    assert not found, _report(found)


def test_every_page_sends_the_content_security_policy(walk):
    found = problems(walk, no_csp)
    assert not found, _report(found)


def test_no_inline_script_or_event_attribute(walk):
    found = problems(walk, inline_script)
    assert not found, _report(found)
