"""Load: simulated staff logging in with the demo accounts and walking their menus, against a served site.

    .venv/bin/pip install -e '.[bench]'                # locust (the bench extra, not the runtime)
    .venv/bin/zhenxing demo --no-serve                 # the demo data (SQLite, as `make demo`)
    .venv/bin/zhenxing serve --port 8000 &             # the configuration under test
    .venv/bin/python bench/load.py --host http://127.0.0.1:8000 --users 50 --spawn-rate 5 \
        --run-time 180 [--think 2-6] [--csv out/load-50]

Each simulated user is one of the demo roles (prefecture admin, county staff, township staff, two
village cadres, the 医保 department, the inspector; in turn), logs in once through the login form
(CSRF token and all, as a browser does), reads the menu of its home page and then, until the run
ends, opens a page of its menu chosen at random (the home page, the dashboard, the household list,
the cases, the alerts, the ledgers, the funds…), waiting ``--think`` seconds (uniform) between two
pages, as a person reads. Every page must answer 200 and be the logged-in page (not the login form);
anything else counts as an error. The run is bounded: ``--users``, ``--spawn-rate`` (users started
per second) and ``--run-time`` (seconds after the last user started; the ramp-up is excluded from
the figures, which restart once every user is logged in).

It prints, for the page views and for the logins separately, requests, errors, requests per
second and p50/p95/p99/max in milliseconds (locust's percentiles), the slowest pages, the load
average at the end; ``--csv PREFIX`` keeps locust's CSV files too. Exit status 1 when any request
failed. Figures and the served configurations compared are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import sys
import time

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.stats import stats_history, stats_printer

PASSWORD = os.environ.get("ZX_DEMO_PASSWORD", "Zhenxing@2022")
ACCOUNTS = [
    "demo-diqu",
    "demo-tahe",
    "demo-shibazhan",
    "demo-fendou",
    "demo-kaikukang",
    "demo-yibao",
    "demo-ducha",
]
NAV = re.compile(r'<nav class="sidenav">(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# pages that change something or download a file are not walked
SKIP = re.compile(r"/(logout|export|download|new|create|import)\b")
_turn = itertools.count()
_ready = []  # users done with their login (successful or not)


class Staff(HttpUser):
    wait_time = between(2, 6)

    def on_start(self):
        self.account = ACCOUNTS[next(_turn) % len(ACCOUNTS)]
        self.pages = ["/"]
        try:
            self._login()
        finally:
            _ready.append(self.account)

    def _login(self):
        with self.client.get("/accounts/login/", name="登录页", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            if page.status_code != 200 or not token:
                page.failure(f"登录页 {page.status_code}")
                return
        with self.client.post(
            "/accounts/login/",
            data={"username": self.account, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1), "next": ""},
            headers={"Referer": self.host + "/accounts/login/"},
            name="登录",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or "/accounts/login/" in answer.url:
                answer.failure(f"登录失败：{self.account}")
                return
            menu = NAV.search(answer.text or "")
            links = sorted({h for h in HREF.findall(menu.group(1))} if menu else set())
            self.pages = ["/", *[h for h in links if not SKIP.search(h)]]

    @task
    def walk(self):
        path = random.choice(self.pages)
        with self.client.get(path, name=path, catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code} {page.error or ''}".strip())
            elif "/accounts/login/" in page.url:
                page.failure("会话丢失，回到了登录页")


def _line(label: str, entry) -> str:
    if not entry.num_requests:
        return f"{label}: 无请求"
    p = entry.get_response_time_percentile
    return (
        f"{label}: {entry.num_requests} 次，失败 {entry.num_failures}，{entry.total_rps:.1f} 次/秒；"
        f"p50 {p(0.5):.0f} ms，p95 {p(0.95):.0f} ms，p99 {p(0.99):.0f} ms，最长 {entry.max_response_time:.0f} ms"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="振兴：多角色登录并浏览菜单页面的负载测试（locust，无界面）")
    parser.add_argument("--host", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", type=float, default=180, help="全部用户登录后的测量时长（秒）")
    parser.add_argument("--think", default="2-6", help="两次打开页面之间的停顿（秒，均匀分布），如 2-6")
    parser.add_argument("--csv", default="", help="locust CSV 文件前缀")
    o = parser.parse_args(argv)
    if o.users < 1 or o.spawn_rate <= 0 or o.run_time <= 0:
        parser.error("--users、--spawn-rate、--run-time 须大于 0")
    low, _, high = o.think.partition("-")
    Staff.wait_time = between(float(low), float(high or low))
    Staff.host = o.host.rstrip("/")

    env = Environment(user_classes=[Staff], events=events)
    runner = env.create_local_runner()
    if o.csv:
        from locust.stats import StatsCSVFileWriter

        gevent.spawn(StatsCSVFileWriter(env, [0.5, 0.95, 0.99], o.csv, full_history=False))
    gevent.spawn(stats_history, runner)
    printer = gevent.spawn(stats_printer(env.stats))
    started = time.monotonic()
    runner.start(o.users, spawn_rate=o.spawn_rate)
    while len(_ready) < o.users and time.monotonic() - started < 600:  # ramp-up: every user logged in
        gevent.sleep(0.5)
    logins = env.stats.get("登录", "POST")
    ramp = _line("爬坡期登录", logins)
    env.stats.reset_all()
    print(
        f"全部 {o.users} 个用户已启动（{time.monotonic() - started:.0f} 秒），开始测量 {o.run_time:.0f} 秒", flush=True
    )
    gevent.sleep(o.run_time)
    runner.quit()
    printer.kill()
    pages = [e for (name, method), e in env.stats.entries.items() if method == "GET" and name != "登录页"]
    from locust.stats import StatsEntry

    total = StatsEntry(env.stats, "页面", "GET")
    for e in pages:
        total.extend(e)
    print()
    print(f"用户 {o.users}，停顿 {o.think} 秒，测量 {o.run_time:.0f} 秒，对象 {o.host}")
    print(ramp)
    print(_line("页面（测量期）", total))
    print(_line("全部请求（测量期）", env.stats.total))
    print("最慢的页面（p95）：")
    for e in sorted(pages, key=lambda e: -e.get_response_time_percentile(0.95))[:8]:
        print("  " + _line(e.name, e))
    for error in env.stats.errors.values():
        print(f"错误：{error.method} {error.name}：{error.error}（{error.occurrences} 次）")
    print(f"负载（1/5/15 分钟）：{' '.join(f'{x:.2f}' for x in os.getloadavg())}，CPU {os.cpu_count()} 核")
    return 1 if env.stats.total.num_failures else 0


if __name__ == "__main__":
    sys.exit(main())
