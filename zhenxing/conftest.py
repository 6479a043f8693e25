from __future__ import annotations

import os

import pytest


def pytest_configure(config):
    from zhenxing.cli import var_dirs_create

    var_dirs_create()


@pytest.fixture
def w(db):
    """The named people of zhenxing/testing.py."""
    from zhenxing.testing import make_world

    return make_world()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every module's demo, loaded once per run when a test first asks for it, read back and rolled
    back (zhenxing/testing.py). The xdist workers of a run share it: the first to need it loads it
    into its test database, the others wait for it and copy it into theirs."""
    from zhenxing.testing import demo_snapshot_shared, demo_snapshot_take

    with django_db_blocker.unblock():
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            return demo_snapshot_take(tmp_path_factory.mktemp("demo-media"))
        return demo_snapshot_shared(tmp_path_factory.getbasetemp().parent / "demo-snapshot")


@pytest.fixture
def demo_data(request, demo_snapshot, db):
    """The database as ``zhenxing demo`` leaves it, copied from the snapshot, and the files its
    loaders wrote copied into MEDIA_ROOT (ask for it after any fixture that moves MEDIA_ROOT).
    Like any test's data it is rolled back (or flushed, in a transactional test) afterwards."""
    assert "w" not in request.fixturenames, "demo_data 会替换整个数据库：请用 demo_world 代替 w"
    demo_snapshot.restore()
    yield
    demo_snapshot.forget()


@pytest.fixture
def demo_world(demo_data):
    """The demo data, then the named people of zhenxing/testing.py (what ``w`` is elsewhere)."""
    from zhenxing.testing import make_world

    return make_world()


@pytest.fixture
def login(client):
    """``login(user)`` returns a client logged in as ``user``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def _one_at_a_time(handler_class):
    """``handler_class`` (the live server's WSGI handler) serving one request at a time, its body
    read and the request closed (Django's request_finished) before the next begins."""
    import threading

    lock = threading.Lock()

    class OneAtATime(handler_class):
        def __call__(self, environ, start_response):
            with lock:
                response = super().__call__(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

    return OneAtATime


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server. On SQLite the test database lives in memory and every request
    thread shares the test's one connection: requests running at once (a page, its service worker
    and its sync) would interleave their transactions on it ("database table is locked", a session
    lost). There, requests are served one at a time; on PostgreSQL each thread has its own
    connection and they run at once as in production."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.static_handler = _one_at_a_time(server.thread.static_handler)
    server.start()
    yield server
    server.stop()


# The real browser for end-to-end tests: Playwright driving Debian's Chromium.
CHROMIUM = "/usr/bin/chromium"
CSP_REPORT = "Content Security Policy"  # in Chromium's console message for whatever the policy blocked
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _fontconfig(folder) -> dict[str, str]:
    """Chromium crashes on a machine with no font at all: give it the system's fonts and, whatever
    the machine has, the vendored CJK font the pages fall back to."""
    from zhenxing.lib.fonts import VENDORED_FONT

    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts</dir><dir>{VENDORED_FONT.parent}</dir>"
        '<include ignore_missing="yes">/etc/fonts/conf.d</include>'
        f"<cachedir>{folder / 'fontcache'}</cachedir></fontconfig>",
        "utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


@pytest.fixture
def browser_page(monkeypatch, tmp_path):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    assert os.path.exists(CHROMIUM), "需要 Debian 的 chromium 软件包（.ci/run 会安装）"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, env={**os.environ, **_fontconfig(tmp_path)}
        )
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
        # Every browser test also checks the Content-Security-Policy: Chromium reports each thing
        # the policy blocked (an inline script, an on…= attribute, an outside file) on the console.
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(f"{page.url}: {m.text}") if CSP_REPORT in m.text else None)
        page.csp_blocked = blocked
        yield page
        browser.close()
    assert not blocked, "内容安全策略拦截了：\n" + "\n".join(blocked[:20])
