"""Benchmark: how cheaply the tabular reader (every import: page preview job, API, command line)
refuses hostile files (issue 20). Each file is refused in a fresh Python process (Django settings
loaded, as a worker has them) so its peak memory is its own.

    .venv/bin/python bench/hostile_files.py [--out /tmp/zx-hostile]

Prints, per file: size on disk, wall time of the refusal, the child process's peak RSS
(ru_maxrss, which includes the interpreter, Django and the file held in memory) and the Chinese
message. Target (issue 20): every refusal under 300 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")
import django
django.setup()
from pathlib import Path
from zhenxing.lib import tabular
path = Path(sys.argv[1])
data = path.read_bytes()
t = time.perf_counter()
try:
    table = tabular.read_table(data, tabular.Layout(headers=("户编号", "身份证号")), filename=path.name)
    print("ACCEPTED", len(table.rows))
except tabular.Unreadable as exc:
    print(f"{time.perf_counter() - t:.3f}", exc)
# VmHWM: this process's own peak (ru_maxrss would count the parent's pages shared before exec)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print("PEAK", int(hwm) // 1024)
"""


def files(out: Path) -> list[tuple[str, Path]]:
    from zhenxing.lib.tests import hostile

    made = [
        (
            "xlsx 声明 6,000,000 行（dimension A1:X6000000）",
            "dimension.xlsx",
            lambda: hostile.declared_rows_xlsx(6_000_000),
        ),
        ("xlsx 压缩炸弹（一个条目解压 2 GB）", "bomb.xlsx", lambda: hostile.zip_bomb_xlsx(2 * 1024**3)),
        ("xlsx 条目谎报大小（实际解压 1 GB）", "lying.xlsx", lambda: hostile.lying_bomb_xlsx(1024**3)),
        ("xlsx 3,000,000 实际行（无 dimension）", "rows.xlsx", lambda: hostile.many_rows_xlsx(3_000_000)),
        ("csv 3,000,000 行", "rows.csv", lambda: b"\n".join([b"H1,232722199001011234"] * 3_000_000)),
        ("csv 一个 128 KB 以上的单元格", "cell.csv", lambda: hostile.long_cell_csv(200_000)),
    ]
    result = []
    for label, name, make in made:
        path = out / name
        if not path.exists():
            path.write_bytes(make())
        result.append((label, path))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "zx-hostile"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print("| 文件 | 大小 | 拒绝用时 | 子进程峰值内存 | 提示 |")
    print("|---|---|---|---|---|")
    for label, path in files(out):
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        wall = time.perf_counter() - started
        lines = proc.stdout.strip().splitlines() or [proc.stderr.strip().splitlines()[-1]]
        peak = next((int(x.split()[1]) for x in lines if x.startswith("PEAK ")), 0)
        first = lines[0].split(" ", 1)
        refusal = f"{float(first[0]) * 1000:,.0f} ms" if first[0].replace(".", "").isdigit() else first[0]
        message = first[1] if len(first) > 1 else ""
        size = path.stat().st_size
        print(f"| {label} | {size / 1024:,.0f} KB | {refusal}（进程共 {wall:.1f} s） | {peak} MB | {message} |")


if __name__ == "__main__":
    main()
