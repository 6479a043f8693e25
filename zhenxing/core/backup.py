"""Backup and restore of the whole system (``zhenxing backup --out FILE``, ``zhenxing restore FILE``).

A backup is one uncompressed tar file:

- ``database.pgdump`` (``pg_dump --format=custom``) on PostgreSQL, or ``database.sqlite3`` (a copy
  made with SQLite's online backup API) on SQLite;
- ``media/…``: every uploaded or generated file under MEDIA_ROOT;
- ``manifest.json`` (last): format version, app version, engine, applied migrations, creation
  time, the SHA-256 and size of every other member, and fingerprints of the ID keys (a short
  hash of each key, never a key).

A restore changes nothing until every check has passed, in this order: every member's SHA-256
and size against the manifest; the manifest's engine against the configured one; an *empty*
target unless ``force``:

- the database is empty when it has no table and no view: on PostgreSQL none visible on the
  search path (a freshly created database; ``zhenxing migrate`` already makes it non-empty),
  on SQLite a missing or zero-length file or one without any table;
- the media folder is empty when it is missing or holds no file (empty folders do not count).

It then unpacks into a staging folder inside MEDIA_ROOT (checking again), restores the database
(``pg_restore`` in one transaction; on SQLite the file is replaced), moves the files in, checks
that the configured ID keys read a sample of the restored ID numbers, and logs a "restore" entry
in the restored audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

FORMAT = "zhenxing-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
MEDIA_PREFIX = "media/"
STAGING_PREFIX = ".zhenxing-restore-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A Chinese message for the operator. A restore that raises it has changed nothing."""


@dataclass
class BackupResult:
    path: Path
    size: int
    media_files: int
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- what the manifest records ---------------------------------------------------------------


def key_fingerprint(key: str) -> str:
    """16 hex digits that tell keys apart without revealing them."""
    return hashlib.sha256(f"zhenxing-key-fingerprint:{key}".encode()).hexdigest()[:16]


def key_fingerprints() -> dict[str, Any]:
    return {
        "id_encryption_keys": [key_fingerprint(k) for k in settings.ID_ENCRYPTION_KEYS],
        "id_hash_key": key_fingerprint(settings.ID_HASH_KEY),
    }


def app_version() -> str:
    try:
        return metadata.version("zhenxing")
    except metadata.PackageNotFoundError:  # run from a source checkout without installing
        import tomllib

        pyproject = Path(settings.PACKAGE_DIR).parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "未知"


def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    """{app label: [migration names in the order applied]} from django_migrations."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
        rows = cursor.fetchall()
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


# --- backup ------------------------------------------------------------------------------------


class _HashingReader:
    """Passes a file through to tarfile while hashing exactly what was written."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ):
        if value:
            env[var] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    for option, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("options", "PGOPTIONS"),
    ):
        if options.get(option):
            env[var] = str(options[option])
    return env


def _run_pg(argv: list[str], env: dict[str, str], what: str, after: str = "") -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(
            f"找不到 {argv[0]} 命令：请安装 PostgreSQL 客户端（Debian 软件包 postgresql-client，"
            f"主版本不低于数据库服务器）"
        )
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise BackupError(f"{what}失败（{argv[0]} 退出码 {result.returncode}）{after}：{detail}")


def _dump_database(using: str, dest: Path) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run_pg(["pg_dump", "--format=custom", "--file", str(dest)], _pg_env(connection.settings_dict), "导出数据库")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dest)
        try:
            connection.connection.backup(target)
            # The copy is self-contained: no -wal file beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    else:
        raise BackupError(f"不支持的数据库类型：{connection.vendor}")


# Folders under MEDIA_ROOT left out of backups: uploads waiting for their job (zhenxing/jobs/
# storage.py), encrypted and hours old at most; plain ID numbers must not rest in a backup either.
TRANSIENT_MEDIA = {"jobs"}


def _media_files(media_root: Path, skip: set[Path]) -> Iterator[tuple[str, Path]]:
    """(member name, path) of every regular file under MEDIA_ROOT, in a stable order."""
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        if Path(folder) == media_root:
            dirs[:] = [d for d in dirs if d not in TRANSIENT_MEDIA]
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file() or path.resolve() in skip:
                continue
            yield MEDIA_PREFIX + path.relative_to(media_root).as_posix(), path


def _add_file(tar: tarfile.TarFile, name: str, path: Path, mode: int = 0o600) -> dict[str, Any]:
    with path.open("rb") as raw:
        stat = os.fstat(raw.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), mode
        reader = _HashingReader(raw)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def backup_write(*, out: Path, using: str = "default", media_root: Path | None = None) -> BackupResult:
    """Write the backup to ``out`` (through a temporary file beside it, mode 600, then renamed)."""
    from zhenxing.audit.services import event_log

    out = Path(out).resolve()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    connection = connections[using]
    engine = connection.vendor
    if engine not in DB_MEMBERS:
        raise BackupError(f"不支持的数据库类型：{engine}")
    if not out.parent.is_dir():
        raise BackupError(f"备份目录不存在：{out.parent}")
    db_member = DB_MEMBERS[engine]
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)  # mode 600
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw, tempfile.TemporaryDirectory(prefix="zhenxing-backup-") as work:
            # The backup records itself in the audit log it contains.
            event_log(action="backup", extra={"file": out.name}, using=using)
            dump = Path(work) / db_member
            _dump_database(using, dump)
            members: dict[str, dict[str, Any]] = {}
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                members[db_member] = _add_file(tar, db_member, dump)
                for name, path in _media_files(media_root, skip={out, tmp.resolve()}):
                    members[name] = _add_file(tar, name, path, mode=0o644)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "app_version": app_version(),
                    "created_at": timezone.localtime().isoformat(timespec="seconds"),
                    "database": {"engine": engine, "member": db_member},
                    "migrations": applied_migrations(using),
                    "id_keys": key_fingerprints(),
                    "media_files": len(members) - 1,
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, _BytesReader(data))  # type: ignore[arg-type]
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BackupResult(path=out, size=out.stat().st_size, media_files=len(members) - 1, manifest=manifest)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return chunk


# --- restore -----------------------------------------------------------------------------------


def manifest_read(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件：{archive}") from None
    except (tarfile.TarError, KeyError, OSError, ValueError):
        raise BackupError(f"{archive} 不是完整的振兴备份文件（无法读取其中的 manifest.json）") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("members"), dict)
    ):
        raise BackupError(f"{archive} 不是振兴备份文件（清单格式不符）")
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.get('format_version')} 高于本程序支持的版本 {FORMAT_VERSION}，"
            f"请先升级程序（备份由 {manifest.get('app_version', '未知')} 版生成）"
        )
    return manifest


def _sqlite_path(using: str) -> Path:
    connection = connections[using]
    if connection.is_in_memory_db():
        raise BackupError("SQLite 内存数据库不能作为恢复目标")
    return Path(connection.settings_dict["NAME"])


def database_tables(using: str = "default") -> list[str]:
    """Tables and views of the target database (the definition of "empty" is: none)."""
    connection = connections[using]
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        # Read-only, without Django's connection, which would create a missing file.
        path = _sqlite_path(using)
        if not path.exists() or path.stat().st_size == 0:
            return []
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = reader.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"无法读取目标数据库 {path}：{exc}") from None
        finally:
            reader.close()
        return [name for (name,) in rows]
    try:
        with connection.cursor() as cursor:
            return sorted(connection.introspection.table_names(cursor, include_views=True))
    except DatabaseError as exc:
        raise BackupError(f"无法连接目标数据库：{exc}".strip()) from None


def media_files_present(media_root: Path) -> list[str]:
    if not media_root.is_dir():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file() or p.is_symlink())


def _safe_media_name(name: str) -> str:
    rel = name[len(MEDIA_PREFIX) :]
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in rel or "\0" in rel:
        raise BackupError(f"备份文件含有不安全的路径：{name}；未作任何修改")
    return rel


def _stage(
    archive: Path, manifest: dict[str, Any], db_dest: Path | None = None, media_dest: Path | None = None
) -> None:
    """Check every member's SHA-256 and size against the manifest (BackupError at the first mismatch)
    and, when given destinations, unpack the database member to ``db_dest`` and the media files
    under ``media_dest``."""
    expected: dict[str, dict[str, Any]] = manifest["members"]
    db_member = manifest["database"]["member"]
    seen: set[str] = set()
    corrupt = "备份文件校验失败：{}（文件已损坏或被改动）；未作任何修改"
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or info.name in seen:
                    raise BackupError(corrupt.format(f"含有清单之外的内容 {info.name}"))
                if not info.isreg():
                    raise BackupError(corrupt.format(f"{info.name} 不是普通文件"))
                if info.name == db_member:
                    dest = db_dest
                elif info.name.startswith(MEDIA_PREFIX):
                    rel = _safe_media_name(info.name)
                    dest = media_dest / rel if media_dest is not None else None
                else:
                    raise BackupError(corrupt.format(f"含有未知的内容 {info.name}"))
                digest = hashlib.sha256()
                source = tar.extractfile(info)
                assert source is not None  # a regular file
                if dest is not None:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("wb") if dest is not None else nullcontext() as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        if out is not None:
                            out.write(chunk)
                if digest.hexdigest() != expected[info.name].get("sha256") or info.size != expected[info.name].get(
                    "size"
                ):
                    raise BackupError(corrupt.format(f"{info.name} 的 SHA-256 校验值与清单不符"))
                seen.add(info.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(corrupt.format(f"读取中断（{exc}）")) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(corrupt.format(f"缺少 {len(missing)} 个成员，例如 {missing[0]}"))
    if db_member not in seen:
        raise BackupError(corrupt.format("缺少数据库"))


def _restore_database(using: str, staged: Path, force: bool) -> None:
    connection = connections[using]
    connection.close()
    if connection.vendor == "postgresql":
        # An empty --dbname makes pg_restore connect (to PGDATABASE) instead of printing SQL.
        argv = ["pg_restore", "--dbname=", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if force:
            argv += ["--clean", "--if-exists"]
        _run_pg(
            [*argv, str(staged)],
            _pg_env(connection.settings_dict),
            "恢复数据库",
            after="（单一事务，已整体回滚）；未作任何修改",
        )
    else:
        path = _sqlite_path(using)
        # Stale write-ahead files of the replaced database must not be applied to the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(staged, path)


def _swap_media(staging: Path, media_root: Path) -> None:
    """Move the staged files into MEDIA_ROOT (renames inside one folder, so it may be a mount point);
    what was there before (only with --force) goes into the staging folder, deleted afterwards."""
    old = staging / "old"
    old.mkdir()
    for entry in media_root.iterdir():
        if entry != staging:
            entry.rename(old / entry.name)
    for entry in (staging / "media").iterdir():
        entry.rename(media_root / entry.name)


def _migration_notes(result: RestoreResult, using: str) -> None:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    on_disk = set(loader.disk_migrations)
    applied = set(loader.applied_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in applied - on_disk if app in loader.migrated_apps)
    pending = sorted(f"{app}.{name}" for app, name in on_disk - applied)
    if unknown:
        result.warnings.append(
            f"备份来自更新的程序版本（{result.manifest.get('app_version')}），含本程序没有的迁移 "
            f"{'、'.join(unknown[:3])} 等 {len(unknown)} 个：请先把程序升级到同一版本"
        )
    if pending:
        result.notes.append(f"本程序比备份多 {len(pending)} 个数据库迁移：请运行 zhenxing migrate")


def _key_warnings(result: RestoreResult, using: str) -> None:
    from zhenxing.registry.rotation import keys_check

    then = result.manifest.get("id_keys") or {}
    now = key_fingerprints()
    missing = [fp for fp in then.get("id_encryption_keys", []) if fp not in now["id_encryption_keys"]]
    if missing:
        result.warnings.append(
            f"备份时使用的身份证号加密密钥（指纹 {'、'.join(missing)}）不在当前的 ID_ENCRYPTION_KEYS 中"
        )
    if then.get("id_hash_key") and then["id_hash_key"] != now["id_hash_key"]:
        result.warnings.append(
            f"备份时的 ID_HASH_KEY（指纹 {then['id_hash_key']}）与当前的（指纹 {now['id_hash_key']}）不同："
            "按身份证号查找、去重和部门数据比对将找不到已有人员"
        )
    checked, undecryptable, mismatched = keys_check(using=using)
    if undecryptable:
        result.warnings.append(
            f"当前的 ID_ENCRYPTION_KEYS 无法解密恢复后的身份证号（抽查 {checked} 条，{undecryptable} 条无法解密）："
            "请把备份时使用的密钥加入 ID_ENCRYPTION_KEYS（新密钥在前，旧密钥在后）后重启服务，"
            "再运行 zhenxing rotate-id-key"
        )
    if mismatched:
        result.warnings.append(
            f"当前的 ID_HASH_KEY 与恢复后的身份证号索引不符（抽查 {checked} 条，{mismatched} 条不符）："
            "请改回备份时使用的 ID_HASH_KEY"
        )


def backup_restore(
    *, archive: Path, using: str = "default", media_root: Path | None = None, force: bool = False
) -> RestoreResult:
    """Restore ``archive`` into the database ``using`` and ``media_root``. BackupError (nothing changed)
    for a damaged file, another database engine, or a non-empty target without ``force``."""
    from zhenxing.audit.services import event_log

    archive = Path(archive)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = manifest_read(archive)
    connection = connections[using]
    database = manifest.get("database") if isinstance(manifest.get("database"), dict) else {}
    engine = database.get("engine")
    if engine not in DB_MEMBERS or database.get("member") != DB_MEMBERS[engine]:
        raise BackupError("备份清单中的数据库信息无效；未作任何修改")
    _stage(archive, manifest)  # the whole file is checked before anything else is looked at
    if engine != connection.vendor:
        raise BackupError(
            f"备份来自 {ENGINE_NAMES[engine]} 数据库，当前配置的是 "
            f"{ENGINE_NAMES.get(connection.vendor, connection.vendor)}：不同数据库之间不能直接恢复；未作任何修改"
        )
    if not force:
        problems = []
        tables = database_tables(using)
        if tables:
            problems.append(f"目标数据库不是空的（已有 {len(tables)} 张表，如 {'、'.join(tables[:3])}）")
        files = media_files_present(media_root)
        if files:
            problems.append(f"上传文件目录 {media_root} 不是空的（已有 {len(files)} 个文件，如 {files[0]}）")
        if problems:
            raise BackupError("；".join(problems) + "。恢复会覆盖现有数据：确认无误后加 --force 重新运行；未作任何修改")
    sqlite_target = _sqlite_path(using) if engine == "sqlite" else None
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    db_staged = staging / DB_MEMBERS[engine]
    try:
        if sqlite_target is not None:  # replaced by a rename: staged beside the database file
            sqlite_target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{sqlite_target.name}.", suffix=".restore", dir=sqlite_target.parent)
            os.close(fd)
            db_staged = Path(name)
        (staging / "media").mkdir()
        _stage(archive, manifest, db_staged, staging / "media")
        _restore_database(using, db_staged, force)
        _swap_media(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        db_staged.unlink(missing_ok=True)
    result = RestoreResult(manifest=manifest)
    try:
        _migration_notes(result, using)
        _key_warnings(result, using)
        event_log(
            action="restore",
            using=using,
            extra={
                "file": archive.name,
                "created_at": manifest.get("created_at"),
                "app_version": manifest.get("app_version"),
                "media_files": manifest.get("media_files"),
                "force": force,
                "warnings": result.warnings,
            },
        )
    except DatabaseError as exc:  # a database older than this program's tables (migrations pending)
        result.warnings.append(f"数据已恢复，但恢复后的检查或审计记录未能完成（{exc}）：请运行 zhenxing migrate 后核对")
    return result
