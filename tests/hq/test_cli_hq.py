"""End-to-end: the export and HQ commands of the command-line contract."""

from __future__ import annotations

import json

from tests.test_cli import run


def test_export_enrol_import_report(tmp_path):
    lap, hq = str(tmp_path / "laptop"), str(tmp_path / "hq")
    hq_db = f"sqlite:///{tmp_path / 'hq' / 'merged.db'}"
    assert run("--data-dir", lap, "demo", "--engagements", "25").returncode == 0
    init = run("hq", "init", "--data-dir", hq, "--db", hq_db, "--out", str(tmp_path / "hq.json"),
               "--json")  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["created"] is True

    no_key = run("export", "--data-dir", lap, "--out", str(tmp_path / "x.bundle"))
    assert no_key.returncode != 0 and "--hq-key" in no_key.stderr

    bundle = tmp_path / "lap-1.bundle"
    export = run("export", "--data-dir", lap, "--out", str(bundle), "--hq-key",
                 str(tmp_path / "hq.json"), "--json")  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert json.loads(export.stdout)["counts"]["engagements"] == 25

    refused = run("hq", "import", str(bundle), "--data-dir", hq, "--db", hq_db)
    assert refused.returncode == 1
    assert "not enrolled" in refused.stderr and "outreach hq enrol" in refused.stderr
    assert "rejected 1" in refused.stdout

    key = tmp_path / "lap.json"
    assert run("key", "show", "--data-dir", lap, "--out", str(key)).returncode == 0
    enrol = run("hq", "enrol", str(key), "--data-dir", hq, "--db", hq_db)
    assert enrol.returncode == 0, enrol.stderr

    full = tmp_path / "lap-all.bundle"
    assert run("export", "--data-dir", lap, "--out", str(full), "--all").returncode == 0
    imported = run("hq", "import", str(bundle), str(full), str(bundle), "--data-dir", hq,
                   "--db", hq_db, "--json")  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    counts = json.loads(imported.stdout)["counts"]
    assert counts == {"new": 25, "updated": 0, "unchanged": 50, "deleted": 0, "rejected": 0}

    for suffix in ("xlsx", "csv", "pdf"):
        out = tmp_path / f"report.{suffix}"
        report = run("hq", "report", "--data-dir", hq, "--db", hq_db, "--out", str(out), "--json",
                     "--include-demo")  # fmt: skip
        assert report.returncode == 0, report.stderr
        assert json.loads(report.stdout)["engagements"] == 25
        assert out.stat().st_size > 500
    # the 25 are demo records: left out by default, and the command says so
    plain = run("hq", "report", "--data-dir", hq, "--db", hq_db, "--out", str(tmp_path / "r.csv"))
    assert plain.returncode == 0, plain.stderr
    assert "0 engagements" in plain.stdout
    assert "25 demo engagements left out (--include-demo counts them)." in plain.stdout


def test_bad_bundle_and_bad_database_url(tmp_path):
    hq = str(tmp_path / "hq")
    assert run("hq", "init", "--data-dir", hq).returncode == 0
    junk = tmp_path / "junk.bundle"
    junk.write_bytes(b"PK\x03\x04 not really")
    result = run("hq", "import", str(junk), "--data-dir", hq)
    assert result.returncode == 1
    assert "not an Outreach bundle" in result.stderr
    bad_url = run("hq", "report", "--data-dir", hq, "--db", "nosuchdb://x", "--out", "r.csv")
    assert bad_url.returncode == 1 and "Cannot open the HQ database" in bad_url.stderr
    no_init = run("hq", "import", str(junk), "--data-dir", str(tmp_path / "elsewhere"))
    assert no_init.returncode == 1 and "outreach hq init" in no_init.stderr
