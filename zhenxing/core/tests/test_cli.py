from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from zhenxing.accounts.models import User
from zhenxing.regions.models import Region


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "zhenxing", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", env={
        "DJANGO_SETTINGS_MODULE": "zhenxing.settings.production",
        "SECRET_KEY": "k" * 30 + "Zx9#qL2$vB7!mN4@pR8&tY3*wE6^uI1%oP5",
        "ID_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZyEhISE=",
        "ID_HASH_KEY": "production-hash-key-0123456789",
        "ALLOWED_HOSTS": "zhenxing.example.gov.cn",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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


@pytest.mark.parametrize("command", [["snapshot-indicators"], ["screening-worker", "--once"], ["ledger-remind"],
                                     ["generate-reports"], ["leakage-check"]])
def test_cron_commands_and_the_worker_exit_with_one_line_when_the_database_is_unreachable(command):
    result = run_cli(*command, env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/x"})  # nothing listens on port 1
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("数据库无法连接：") and "Connection refused" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
