"""Export of 100,000 engagements to one bundle (target ≤ 10 s).

Times ``ExportService.export(full=True)`` in this process: reading the log, JSON lines and
CSV, the zip, the signature and the encryption. The app keeps each engagement's bundle text
when it saves it (outreach/exchange/rendered.py), and so does the demo generator: the
target figure is an export of such a log. For comparison it also times one export with no
text kept (a log saved by an older release), where the export writes every record itself.
The demo database is built once and kept in the system temp folder between runs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report

RECORDS = 100_000
FOLDER = Path(tempfile.gettempdir()) / f"outreach-bench-export-{RECORDS}"


def ensure_laptop():
    from outreach.advice import load_library
    from outreach.engagements.demo import generate
    from outreach.exchange.keys import HQ_PUBLIC_FILE, init_hq_key
    from outreach.services import record_services
    from outreach.storage.database import open_database

    marker = FOLDER / ".complete"
    if not marker.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        for name in ("outreach.db", "outreach.db-wal", "outreach.db-shm"):
            (FOLDER / name).unlink(missing_ok=True)
        print(f"building {RECORDS:,} demo engagements in {FOLDER} (once)…", flush=True)
    services = record_services(
        open_database(FOLDER), load_library(cache_dir=FOLDER / "cache"), None
    )
    if not marker.exists():
        t0 = time.perf_counter()
        generate(services.engine, services.engagements.vocab, services.engagements.laptop_id,
                 RECORDS)  # fmt: skip
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
        marker.touch()
    init_hq_key(FOLDER / "hq")
    return services, FOLDER / "hq" / HQ_PUBLIC_FILE


def main() -> int:
    from outreach.exchange.export import ExportService

    services, hq_key = ensure_laptop()
    exporter = ExportService(services.engine, FOLDER, "PC Bench", services.surveys.checklists)
    exporter.hq_key(hq_key)
    from outreach.exchange import rendered

    with services.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM export_text")
    samples = []
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        exporter.export(Path(out) / "bench-unkept.bundle", full=True)
        unkept = time.perf_counter() - t0
        print(f"export with no text kept (a log from an older release): {unkept:.1f} s")
        t0 = time.perf_counter()
        with services.engine.begin() as connection:
            rendered.keep(connection.connection.driver_connection)
        print(f"(keeping the text of all {RECORDS:,}: {time.perf_counter() - t0:.1f} s;"
              " the app does it one engagement at a time as each is saved)")  # fmt: skip
        for run in range(3):
            t0 = time.perf_counter()
            result = exporter.export(Path(out) / f"bench-{run}.bundle", full=True)
            samples.append(time.perf_counter() - t0)
    counts = result.summary.counts
    print(
        f"bundle: {counts['engagements']:,} engagements, {counts['leaflets']:,} leaflet lines, "
        f"{counts['concerns']:,} concerns, {result.summary.size / 1e6:.1f} MB"
    )
    ok = report(f"export of {RECORDS:,} engagements, text kept at save (median of 3)",
                statistics.median(samples),
                "s", 10)  # fmt: skip
    services.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
