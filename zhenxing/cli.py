"""The ``zhenxing`` command: the one way to operate the system from a shell.

It is Django's management utility with the project's settings: ``zhenxing demo``,
``zhenxing migrate``, ``zhenxing serve``, ``zhenxing createuser``, ``zhenxing check --deploy``
and every command a module adds (``zhenxing help`` lists them). When the database cannot be
reached, a command prints one line (数据库无法连接：…) and exits with status 3.
"""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")
    from django.core.management import execute_from_command_line

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
