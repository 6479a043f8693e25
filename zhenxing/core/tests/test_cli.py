from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

import zhenxing
from zhenxing.accounts.models import User
from zhenxing.cli import var_dirs_create
from zhenxing.regions.models import Region

CHECKOUT = Path(zhenxing.__file__).resolve().parent.parent


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "zhenxing", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "zhenxing.settings.production"
    result = subprocess.run(
        [sys.executable, "-m", "zhenxing", "check"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_demo_twice_does_not_duplicate(demo_data):
    # demo_data: the database as a first `zhenxing demo` left it (zhenxing/conftest.py)
    counts = (Region.objects.count(), User.objects.count())
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert (Region.objects.count(), User.objects.count()) == counts
    assert User.objects.filter(username__startswith="demo-").count() == 8


def test_demo_accounts_prints_tab_separated_lines(db):
    out = io.StringIO()
    call_command("demo", "--accounts", stdout=out)
    lines = out.getvalue().strip().splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert names == [
        "demo-diqu",
        "demo-tahe",
        "demo-shibazhan",
        "demo-fendou",
        "demo-kaikukang",
        "demo-yibao",
        "demo-nongye",
        "demo-ducha",
    ]
    fendou = lines[3].split("\t")
    assert len(fendou) == 4 and fendou[1] == "Zhenxing@2022" and fendou[2] == "村干部" and fendou[3].endswith("奋斗村")


def test_createuser_command_creates_an_account_that_must_change_password(demo_data):
    call_command(
        "createuser",
        "cadre-2",
        "--role",
        "village_cadre",
        "--region",
        "232722200206",
        "--password",
        "Chushi#2022a",
        "--full-name",
        "张三",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="cadre-2")
    assert user.must_change_password and user.region.name == "奋斗村"


def test_hyphenated_command_names_work():
    result = run_cli("import-regions", "/nonexistent.csv")
    assert result.returncode == 2 and "无法读取文件" in result.stderr


def test_migrate_from_an_empty_folder_creates_var_and_the_sqlite_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ZHENXING_HOME", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL="", PYTHONPATH=os.pathsep.join(p for p in (str(CHECKOUT), env.get("PYTHONPATH", "")) if p))
    result = subprocess.run(
        [sys.executable, "-m", "zhenxing", "migrate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    var = tmp_path / "var"
    assert (var / "zhenxing.sqlite3").stat().st_size > 0 and (var / "media").is_dir() and (var / "static").is_dir()


def test_only_folders_inside_var_are_created(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "home" / "var"
    settings.MEDIA_ROOT = tmp_path / "home" / "var" / "media"
    settings.STATIC_ROOT = tmp_path / "srv" / "static"  # an operator's own folder elsewhere: left to them
    var_dirs_create()
    assert settings.MEDIA_ROOT.is_dir() and not settings.STATIC_ROOT.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["snapshot-indicators"],
        ["screening-worker", "--once"],
        ["ledger-remind"],
        ["generate-reports"],
        ["leakage-check"],
    ],
)
def test_cron_commands_and_the_worker_exit_with_one_line_when_the_database_is_unreachable(command):
    result = run_cli(*command, env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/x"})  # nothing listens on port 1
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("数据库无法连接：") and "Connection refused" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
