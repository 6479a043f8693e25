from __future__ import annotations

import io
import os
import subprocess
import sys

from django.core.management import call_command

from zhenxing.accounts.models import User
from zhenxing.regions.models import Region


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "zhenxing", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "zhenxing.settings.production"
    result = subprocess.run([sys.executable, "-m", "zhenxing", "check"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_demo_twice_does_not_duplicate(db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    counts = (Region.objects.count(), User.objects.count())
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert (Region.objects.count(), User.objects.count()) == counts
    assert User.objects.filter(username__startswith="demo-").count() == 7


def test_demo_accounts_prints_tab_separated_lines(db):
    out = io.StringIO()
    call_command("demo", "--accounts", stdout=out)
    lines = out.getvalue().strip().splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert names == ["demo-diqu", "demo-tahe", "demo-shibazhan", "demo-fendou", "demo-kaikukang", "demo-yibao",
                     "demo-ducha"]
    fendou = lines[3].split("\t")
    assert len(fendou) == 4 and fendou[1] == "Zhenxing@2022" and fendou[2] == "村干部" and fendou[3].endswith("奋斗村")


def test_createuser_command_creates_an_account_that_must_change_password(db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    call_command("createuser", "cadre-2", "--role", "village_cadre", "--region", "232722200206",
                 "--password", "Chushi#2022a", "--full-name", "张三", stdout=io.StringIO())
    user = User.objects.get(username="cadre-2")
    assert user.must_change_password and user.region.name == "奋斗村"


def test_hyphenated_command_names_work():
    result = run_cli("import-regions", "/nonexistent.csv")
    assert result.returncode == 2 and "无法读取文件" in result.stderr
