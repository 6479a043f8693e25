"""zhenxing backup / zhenxing restore (core/backup.py): a round trip into a second database and a
second media folder is exact; damaged files, foreign engines and non-empty targets are refused
with nothing changed; other ID keys are warned about."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

from zhenxing.audit.models import AuditEntry
from zhenxing.core import backup
from zhenxing.registry.models import Household, Member
from zhenxing.registry.testing import make_household

pytestmark = pytest.mark.django_db(transaction=True)
TARGET = "restore_target"


@pytest.fixture
def media(settings, tmp_path):
    """The source's MEDIA_ROOT with an evidence photo and a scan in nested folders."""
    root = tmp_path / "media"
    (root / "evidence" / "2024").mkdir(parents=True)
    (root / "evidence" / "2024" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    (root / "扫描件").mkdir()
    (root / "扫描件" / "低保证明.pdf").write_bytes(b"%PDF-1.4 \xe4\xbd\x8e\xe4\xbf\x9d")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def target(tmp_path):
    """A second, empty database registered as the alias TARGET: on PostgreSQL a new database
    named after the test database (dropped afterwards), on SQLite another file."""
    source = connections["default"].settings_dict
    if connections["default"].vendor == "postgresql":
        import psycopg

        name = f"{source['NAME']}_restore"
        params = {
            k: v
            for k, v in {
                "host": source["HOST"],
                "port": source["PORT"],
                "user": source["USER"],
                "password": source["PASSWORD"],
            }.items()
            if v
        }
        admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    # Registered as a dynamically created connection (not in settings.DATABASES), which Django's
    # test case allows besides its own test database.
    connections[TARGET] = load_backend(source["ENGINE"]).DatabaseWrapper({**source, "NAME": name}, TARGET)
    try:
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        if connections["default"].vendor == "postgresql":
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def small_world(w) -> None:
    make_household(village=w.r.fendou)
    make_household(village=w.r.kaikukang, members=[{"name": "户主丙", "relation": "head"}])


def table_rows(alias: str) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), read with plain SQL."""
    connection = connections[alias]
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            values = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]
            rows[table] = sorted(values, key=repr)
    return rows


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_round_trip_of_the_demo_data_is_exact(media, demo_world, target, tmp_path):
    # Every module's demo data (demo_world, after media: its files go there), the dashboard's
    # reports and their charts included.
    out = tmp_path / "backups" / "zhenxing.tar"
    out.parent.mkdir()

    made = backup.backup_write(out=out)

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(os.listdir(out.parent)) == ["zhenxing.tar"]  # the temporary file was renamed
    manifest = made.manifest
    assert manifest["database"]["engine"] == connections["default"].vendor
    uploads = files_under(media)  # the fixture's two files and those the demo loaders wrote
    assert {"evidence/2024/photo.jpg", "扫描件/低保证明.pdf"} < set(uploads)
    assert manifest["media_files"] == len(uploads)
    assert set(manifest["members"]) == {manifest["database"]["member"], *("media/" + name for name in uploads)}
    assert (
        manifest["members"]["media/扫描件/低保证明.pdf"]["sha256"]
        == hashlib.sha256((media / "扫描件" / "低保证明.pdf").read_bytes()).hexdigest()
    )
    assert manifest["migrations"]["registry"][0] == "0001_initial"
    assert manifest["id_keys"]["id_hash_key"] == backup.key_fingerprint(settings.ID_HASH_KEY)
    text = out.read_bytes()
    assert settings.ID_HASH_KEY.encode() not in text
    assert not any(k.encode() in text for k in settings.ID_ENCRYPTION_KEYS)
    source = table_rows("default")

    restored_media = tmp_path / "media-restored"
    result = backup.backup_restore(archive=out, using=TARGET, media_root=restored_media)

    assert result.warnings == [] and result.notes == []
    assert files_under(restored_media) == files_under(media)
    restored = table_rows(TARGET)
    model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert model_tables <= set(source) and set(restored) == set(source)
    assert Member.objects.count() > 100 and len(source[AuditEntry._meta.db_table]) > 0
    # The audit log gained exactly one entry, the restore itself; everything else is as it was.
    audit = AuditEntry._meta.db_table
    added = Counter(map(repr, restored.pop(audit))) - Counter(map(repr, source.pop(audit)))
    assert sum(added.values()) == 1
    assert AuditEntry.objects.using(TARGET).order_by("-id")[0].action == "restore"
    for table in source:
        assert restored[table] == source[table], table


def test_a_damaged_file_is_refused_and_nothing_changes(w, media, target, tmp_path):
    small_world(w)
    out = tmp_path / "zhenxing.tar"
    backup.backup_write(out=out)
    with tarfile.open(out) as tar:
        photo = tar.getmember("media/evidence/2024/photo.jpg")
    damaged = bytearray(out.read_bytes())
    damaged[photo.offset_data + 100] ^= 0x01
    out.write_bytes(bytes(damaged))
    restored_media = tmp_path / "media-restored"

    with pytest.raises(backup.BackupError, match="校验失败.*photo.jpg.*SHA-256.*未作任何修改"):
        backup.backup_restore(archive=out, using=TARGET, media_root=restored_media)

    assert backup.database_tables(TARGET) == []
    assert not restored_media.exists()
    # The command says so in Chinese, exits non-zero, and creates no database.
    cli_db = tmp_path / "cli.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "zhenxing", "restore", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{cli_db}", "ZHENXING_HOME": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "恢复失败：备份文件校验失败" in result.stderr and "Traceback" not in result.stderr
    assert not cli_db.exists() and not (tmp_path / "var" / "media").exists()


def test_a_non_empty_target_is_refused_unless_forced(w, media, target, tmp_path):
    small_world(w)
    out = tmp_path / "zhenxing.tar"
    backup.backup_write(out=out)
    restored_media = tmp_path / "media-restored"
    (restored_media / "reports" / "2024-05").mkdir(parents=True)  # empty folders: still empty
    backup.backup_restore(archive=out, using=TARGET, media_root=restored_media)
    households = Household.objects.count()
    Household.objects.using(TARGET).filter(number=Household.objects.order_by("pk")[0].number).update(address="改过")
    (restored_media / "extra.txt").write_text("恢复后新增")

    with pytest.raises(backup.BackupError, match="目标数据库不是空的.*上传文件目录.*不是空的.*--force"):
        backup.backup_restore(archive=out, using=TARGET, media_root=restored_media)
    assert Household.objects.using(TARGET).filter(address="改过").count() == 1
    assert (restored_media / "extra.txt").exists()

    backup.backup_restore(archive=out, using=TARGET, media_root=restored_media, force=True)
    assert Household.objects.using(TARGET).count() == households
    assert not Household.objects.using(TARGET).filter(address="改过").exists()
    assert files_under(restored_media) == files_under(media)


def test_an_empty_database_with_files_in_the_media_folder_is_refused(w, media, target, tmp_path):
    out = tmp_path / "zhenxing.tar"
    backup.backup_write(out=out)
    restored_media = tmp_path / "media-restored"
    restored_media.mkdir()
    (restored_media / "old.jpg").write_bytes(b"x")

    with pytest.raises(backup.BackupError, match="上传文件目录.*不是空的") as refused:
        backup.backup_restore(archive=out, using=TARGET, media_root=restored_media)
    assert "数据库不是空的" not in str(refused.value)
    assert backup.database_tables(TARGET) == [] and files_under(restored_media) == {"old.jpg": b"x"}


def test_the_restore_command_refuses_the_live_non_empty_database(w, media, tmp_path, capsys):
    small_world(w)
    out = tmp_path / "zhenxing.tar"
    call_command("backup", "--out", str(out))
    members = Member.objects.count()

    with pytest.raises(SystemExit) as exited:
        call_command("restore", str(out))

    assert exited.value.code == 1
    assert "恢复失败：目标数据库不是空的" in capsys.readouterr().err
    assert Member.objects.count() == members


def test_a_backup_of_another_engine_is_refused(media, target, tmp_path):
    other = "sqlite" if connections["default"].vendor == "postgresql" else "postgresql"
    payload = b"not a database of this engine"
    manifest = {
        "format": backup.FORMAT,
        "format_version": 1,
        "app_version": "0.1.0",
        "database": {"engine": other, "member": backup.DB_MEMBERS[other]},
        "id_keys": {},
        "migrations": {},
        "media_files": 0,
        "members": {backup.DB_MEMBERS[other]: {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}},
    }
    out = tmp_path / "other.tar"
    with tarfile.open(out, "w") as tar:
        for name, data in ((backup.DB_MEMBERS[other], payload), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    with pytest.raises(backup.BackupError, match="不同数据库之间不能直接恢复"):
        backup.backup_restore(archive=out, using=TARGET, media_root=tmp_path / "m")
    assert backup.database_tables(TARGET) == []


def test_other_keys_are_warned_about_after_the_restore(w, media, target, tmp_path, settings):
    small_world(w)
    out = tmp_path / "zhenxing.tar"
    backup.backup_write(out=out)
    old_key, old_hash_key = settings.ID_ENCRYPTION_KEYS[0], settings.ID_HASH_KEY
    settings.ID_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.ID_HASH_KEY = "another-hash-key-0123456789"

    result = backup.backup_restore(archive=out, using=TARGET, media_root=tmp_path / "m")

    warnings = "\n".join(result.warnings)
    assert len(result.warnings) == 3
    assert f"指纹 {backup.key_fingerprint(old_key)}）不在当前的 ID_ENCRYPTION_KEYS 中" in warnings
    assert f"ID_HASH_KEY（指纹 {backup.key_fingerprint(old_hash_key)}）与当前的" in warnings
    assert "无法解密恢复后的身份证号（抽查 3 条，3 条无法解密）" in warnings
    assert AuditEntry.objects.using(TARGET).order_by("-id")[0].extra["warnings"] == result.warnings


def test_a_newer_key_in_front_of_the_backups_key_gives_no_warning(w, media, target, tmp_path, settings):
    small_world(w)
    out = tmp_path / "zhenxing.tar"
    backup.backup_write(out=out)
    settings.ID_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.ID_ENCRYPTION_KEYS]

    result = backup.backup_restore(archive=out, using=TARGET, media_root=tmp_path / "m")

    assert result.warnings == []


def test_a_failed_backup_leaves_no_file(media, tmp_path, monkeypatch):
    def broken(using, dest):
        raise backup.BackupError("导出数据库失败")

    monkeypatch.setattr(backup, "_dump_database", broken)
    with pytest.raises(backup.BackupError):
        backup.backup_write(out=tmp_path / "zhenxing.tar")
    assert [p.name for p in tmp_path.iterdir()] == ["media"]
    with pytest.raises(backup.BackupError, match="备份目录不存在"):
        backup.backup_write(out=tmp_path / "missing" / "zhenxing.tar")


def test_uploads_waiting_for_a_job_are_left_out_of_the_backup(w, media, tmp_path):
    """Issue 20: an import upload (encrypted, mode 600, expiring) is never copied into a backup."""
    from zhenxing.jobs import storage

    token = storage.upload_save(user=w.fendou, filename="a.csv", chunks=[b"230722199001011234"])
    assert (media / "jobs" / f"{token}.data").stat().st_mode & 0o777 == 0o600
    made = backup.backup_write(out=tmp_path / "zhenxing.tar")
    assert not [m for m in made.manifest["members"] if m.startswith("media/jobs")]
    assert {"media/evidence/2024/photo.jpg", "media/扫描件/低保证明.pdf"} <= set(made.manifest["members"])
