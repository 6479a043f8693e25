"""Progress reporting for long commands: a bar on a terminal, plain lines in a pipe."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, label: str, stream: TextIO | None = None, *, quiet: bool = False):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.done = 0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_decile = -1
        self._start = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.quiet:
            return
        frac = self.done / self.total if self.total else 1.0
        if self.tty:
            width = 30
            filled = int(width * min(frac, 1.0))
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()
        else:
            decile = int(min(frac, 1.0) * 10)
            if decile > self._last_decile:
                self._last_decile = decile
                self.stream.write(f"{self.label}: {self.done}/{self.total} ({decile * 10}%)\n")
                self.stream.flush()

    def finish(self) -> None:
        if self.quiet:
            return
        seconds = time.monotonic() - self._start
        if self.tty:
            self.stream.write("\n")
        self.stream.write(f"{self.label}: 完成 {self.done} 项，用时 {seconds:.1f} 秒\n")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.finish()
