"""The ``zhenxing`` command: the one way to operate the system from a shell.

It is Django's management utility with the project's settings: ``zhenxing demo``,
``zhenxing migrate``, ``zhenxing serve``, ``zhenxing createuser``, ``zhenxing check --deploy``
and every command a module adds (``zhenxing help`` lists them). Each run first creates
``ZHENXING_HOME/var`` and the folders the settings put in it, so it works from an empty folder.
When the database cannot be reached, a command prints one line (数据库无法连接：…) and exits
with status 3.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def var_dirs_create() -> None:
    """Create ``VAR_DIR`` and the folders of the settings that point into it (SQLite database,
    uploaded and generated files, collected static files) when missing."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        var = getattr(settings, "VAR_DIR", None)
        paths = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
        paths += [
            Path(db["NAME"]).parent
            for db in settings.DATABASES.values()
            if db["ENGINE"].endswith("sqlite3") and db.get("NAME") and str(db["NAME"]) != ":memory:"
        ]
    except (ImproperlyConfigured, ImportError):
        return  # Django reports the settings' error itself when it runs the command
    if var is None:
        return
    var = Path(var).resolve()
    for path in [var, *(Path(p).resolve() for p in paths if p)]:
        if path == var or var in path.parents:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                sys.exit(f"无法创建运行目录 {path}：{exc.strerror}")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")
    from django.core.management import execute_from_command_line

    var_dirs_create()

    args = list(sys.argv[1:] if argv is None else argv)
    # Commands are spelled with hyphens on the shell (import-households); Django's modules
    # use underscores.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from zhenxing.core import outage

    try:
        execute_from_command_line(["zhenxing", *args])
    except outage.DB_UNREACHABLE as exc:
        # One line for cron's mail or the journal, no traceback; the next tick (or systemd's
        # Restart=on-failure for the worker) is the retry.
        if "--traceback" in args:
            raise
        sys.stderr.write(f"数据库无法连接：{outage.short_reason(exc)}\n")
        sys.exit(outage.EXIT_CODE)


if __name__ == "__main__":
    main()
