"""HQ import of 1,000,000 engagements from 100 bundles, into SQLite and into PostgreSQL,
each beside the database's own bulk loader of the same rows (sqlite3 ``.import``,
PostgreSQL ``COPY``) as a ratio (target ≤ 3).

The bundles (100 laptops × 10,000 engagements, from the export benchmark's demo log with
fresh ids per laptop) are built once and kept in the system temp folder. PostgreSQL is
used when ``OUTREACH_TEST_PG_URL`` (or ``OUTREACH_BENCH_PG_URL``) names a server.
Arguments: ``--bundles N --per M`` for a smaller run; ``--only sqlite`` or
``--only postgresql`` for one database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report

ROOT = Path(tempfile.gettempdir()) / "outreach-bench-hq"
NS = uuid.UUID("6f1c2a4e-8d0b-4c1e-9a57-0d1f4b9e2c33")


def _fresh(ident: str, laptop: int) -> str:
    return str(uuid.uuid5(NS, f"{laptop}:{ident}"))


def ensure_bundles(bundles: int, per: int) -> tuple[Path, Path, list[Path]]:
    """HQ's folder (key, register of laptop keys) and the bundle files."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from bench.bench_export import ensure_laptop
    from outreach.exchange.bundle import write_bundle
    from outreach.exchange.export import ExportService
    from outreach.exchange.keys import HqPublicKey, LaptopPublicKey, init_hq_key

    folder = ROOT / f"{bundles}x{per}"
    hq = folder / "hq"
    files = [folder / f"laptop-{i:03d}.bundle" for i in range(bundles)]
    if (folder / ".complete").exists():
        return folder, hq, files
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"building {bundles} bundles of {per:,} engagements in {folder} (once)…", flush=True)
    t0 = time.perf_counter()
    hq_public, _ = init_hq_key(hq)
    services, _key = ensure_laptop()
    exporter = ExportService(services.engine, folder, "PC Bench")
    pool = []
    for record in exporter.records(None):
        pool.append(record)
        if len(pool) >= per:
            break
    services.close()
    keys = folder / "laptop-keys"
    keys.mkdir()
    for i, path in enumerate(files):
        signing = Ed25519PrivateKey.generate()
        raw = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        laptop = LaptopPublicKey(str(uuid.uuid5(NS, f"laptop-{i}")), f"PC Bench {i}", raw)
        (keys / f"{i:03d}.json").write_text(__import__("json").dumps(laptop.to_json()))

        def records(i=i, laptop=laptop):
            for r in pool:
                yield {
                    **r,
                    "id": _fresh(r["id"], i),
                    "laptop_id": laptop.laptop_id,
                    "concerns": [{**c, "id": _fresh(c["id"], i)} for c in r["concerns"]],
                    "follow_ups": [{**f, "id": _fresh(f["id"], i)} for f in r["follow_ups"]],
                }

        write_bundle(path, records(), laptop=laptop, signing_key=signing,
                     hq_key=HqPublicKey(hq_public.public_key), full=True, since=None,
                     app_version="bench")  # fmt: skip
    (folder / ".complete").touch()
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    return folder, hq, files


def import_all(url: str, hq: Path, keys: Path, files: list[Path]) -> float:
    from sqlalchemy import create_engine

    from outreach.exchange.keys import LaptopPublicKey
    from outreach.hq.merge import HqService, totals
    from outreach.hq.schema import hq_engine, metadata

    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    service = HqService(hq_engine(url), hq)
    for key in sorted(keys.glob("*.json")):
        service.enrol(LaptopPublicKey.read(key))
    t0 = time.perf_counter()
    outcomes = service.import_bundles(files)
    elapsed = time.perf_counter() - t0
    counts = totals(outcomes)
    assert counts["rejected"] == 0, [o.error for o in outcomes if not o.ok][:1]
    print(f"  imported: {counts}", flush=True)
    service.engine.dispose()
    return elapsed


def table_names() -> list[str]:
    from outreach.hq.schema import CHILD_TABLES, engagement

    return [engagement.name, *(t.name for t in CHILD_TABLES)]


def sqlite_bulk(db: Path, work: Path) -> float:
    """Dump the merged rows to CSV, then time sqlite3 .import of them into a fresh copy."""
    from outreach.hq.merge import IMPORT_CACHE_KIB
    from outreach.hq.schema import hq_engine

    for name in table_names():
        subprocess.run(["sqlite3", "-csv", "-header", str(db), f"SELECT * FROM {name}"],
                       stdout=open(work / f"{name}.csv", "w"), check=True)  # fmt: skip
    fresh = work / "bulk.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    hq_engine(f"sqlite:///{fresh}").dispose()  # the same schema and indexes, empty
    # The same page cache as HQ's import sets for itself, so that neither side gains by it.
    pragmas = (
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n"
        f"PRAGMA cache_size=-{IMPORT_CACHE_KIB};\n"
    )
    script = pragmas + "BEGIN;\n" + "".join(
        f".import --csv --skip 1 {work / name}.csv {name}\n" for name in table_names()
    ) + "COMMIT;\n"  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(["sqlite3", str(fresh)], input=script, text=True, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t0


def pg_bulk(url: str, work: Path) -> float:
    """Dump the merged rows with COPY TO, then time COPY FROM into fresh, empty tables."""
    from sqlalchemy import create_engine

    from outreach.hq.schema import metadata

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    for name in table_names():
        subprocess.run(["psql", dsn, "-qc", f"\\copy {name} TO '{work / name}.csv' CSV HEADER"],
                       check=True)  # fmt: skip
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()
    script = "BEGIN;\n" + "".join(
        f"\\copy {name} FROM '{work / name}.csv' CSV HEADER\n" for name in table_names()
    ) + "COMMIT;\n"  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(["psql", dsn, "-q", "-v", "ON_ERROR_STOP=1"], input=script, text=True,
                   check=True)  # fmt: skip
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", type=int, default=100)
    parser.add_argument("--per", type=int, default=10_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    folder, hq, files = ensure_bundles(args.bundles, args.per)
    total = args.bundles * args.per
    ok = True
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        db = work / "hq.db"
        if args.only != "postgresql":
            ours = import_all(f"sqlite:///{db}", hq, folder / "laptop-keys", files)
            bulk = sqlite_bulk(db, work)
            print(f"SQLite: import {ours:.1f} s ({total / ours:,.0f} engagements/s); "
                  f"sqlite3 .import of the same rows {bulk:.1f} s")  # fmt: skip
            ok &= report(f"SQLite import of {total:,} engagements / .import", ours / bulk, "×", 3)
        url = os.environ.get("OUTREACH_BENCH_PG_URL") or os.environ.get("OUTREACH_TEST_PG_URL")
        if args.only == "sqlite":
            pass
        elif url:
            ours = import_all(url, hq, folder / "laptop-keys", files)
            bulk = pg_bulk(url, work)
            print(f"PostgreSQL: import {ours:.1f} s ({total / ours:,.0f} engagements/s); "
                  f"COPY of the same rows {bulk:.1f} s")  # fmt: skip
            ok &= report(f"PostgreSQL import of {total:,} engagements / COPY", ours / bulk, "×", 3)
        else:
            print("PostgreSQL: skipped (set OUTREACH_TEST_PG_URL to a server)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
