"""Peak memory of department feed imports by file size (issue 19, item 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_h10m ZHENXING_HOME=... \\
        python bench/feed_memory.py --limit 4GB FILE.csv [FILE.csv ...]

Each file is imported as medical settlements with ``zhenxing import-feed medical`` in a child
process, twice: the first import (new records written to Parquet) and a re-import of the unchanged
file (every record found unchanged, nothing written). For each it prints rows, wall and CPU
seconds, the child's own peak RSS (``wait4``) and the peak growth of used disk while it ran, beside the DuckDB limit
(``SCREENING_DUCKDB_MEMORY``, passed to the child), as one JSON line. The files' earlier imports
are removed first so that the first import is a first one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")

from bench.screening_bench import CPU, DISK, child  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--limit", default="4GB", help="SCREENING_DUCKDB_MEMORY for the imports")
    parser.add_argument("--no-reimport", action="store_true")
    args = parser.parse_args()
    os.environ["SCREENING_DUCKDB_MEMORY"] = args.limit
    import django

    django.setup()
    from zhenxing.screening.models import FeedFile

    for path in args.files:
        for attempt in ["first", "reimport"][: 1 if args.no_reimport else 2]:
            if attempt == "first":
                for f in FeedFile.objects.filter(source="medical"):
                    if f.path:  # a re-import that found nothing new wrote no file
                        Path(f.path).unlink(missing_ok=True)
                    f.delete()
            load = os.getloadavg()
            seconds, peak, out = child("import-feed", "medical", str(path))
            record = FeedFile.objects.filter(source="medical").order_by("-pk").first()
            print(
                json.dumps(
                    {
                        "file": path.name,
                        "bytes": path.stat().st_size,
                        "import": attempt,
                        "rows": record.rows if record else None,
                        "new": record.new_records if record else None,
                        "seconds": round(seconds, 1),
                        "cpu_s": CPU[-1],
                        "peak_rss_mib": peak,
                        "disk_growth_peak_mib": DISK[-1],
                        "duckdb_limit": args.limit,
                        "load_avg": [round(x, 1) for x in load],
                        "at": time.strftime("%H:%M:%S"),
                        "output": out.strip()[-200:],
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
