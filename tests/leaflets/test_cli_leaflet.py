"""`outreach leaflet` as PRODUCT.md's command-line contract has it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.leaflets.conftest import NEEDS_POPPLER, comparable, pdf_text
from tests.test_cli import run


def test_leaflet_with_every_contract_option(tmp_path: Path):
    out = tmp_path / "leaflet.pdf"
    result = run(
        "leaflet",
        "--topic", "doorstep-crime",
        "--topic", "courier-fraud",
        "--lang", "pl",
        "--lang2", "ar",
        "--audience", "older-people",
        "--large-print",
        "--for", "Pani Kowalska",
        "--out", str(out),
        "--json",
        "--data-dir", str(tmp_path / "data"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["out"] == str(out)
    assert report["languages"] == ["pl", "ar"]
    assert report["topics"] == ["doorstep-crime", "courier-fraud"]
    assert report["layout"] == "large"
    assert report["pages"] >= 2
    assert out.read_bytes().startswith(b"%PDF")


@NEEDS_POPPLER
def test_the_tailored_line_is_printed(tmp_path: Path):
    out = tmp_path / "l.pdf"
    result = run(
        "leaflet", "--topic", "doorstep-crime", "--lang", "en", "--for", "Mrs Jones",
        "--date", "2026-11-25", "--out", str(out), "--data-dir", str(tmp_path / "data"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout
    text = comparable(pdf_text(out))
    assert comparable("Prepared for Mrs Jones, after our visit on 25 November 2026") in text


def test_bad_input_is_named_on_stderr_and_nothing_is_written(tmp_path: Path):
    out = tmp_path / "x.pdf"
    cases = [
        (["--topic", "no-such-topic"], "no-such-topic"),
        (["--topic", "doorstep-crime", "--lang", "xx"], "xx"),
        ([], "--topic"),
        (["--preset", "burglary-near-you", "--area", "Moulsham"], "--burglary-date"),
        (["--topic", "doorstep-crime", "--date", "25/11/2026"], "YYYY-MM-DD"),
    ]
    for args, named in cases:
        result = run("leaflet", *args, "--out", str(out), "--data-dir", str(tmp_path / "d"))
        assert result.returncode == 2, (args, result.stderr)
        assert named in result.stderr and result.stdout == ""
        assert not out.exists()


def test_printed_copies_are_counted_on_the_engagement(tmp_path: Path):
    data = str(tmp_path / "data")
    made = run("demo", "--engagements", "1", "--json", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    from outreach.services import open_record_services

    services = open_record_services(Path(data))
    try:
        engagement = services.engagements.rows(limit=1)[0].id
        before = services.engagements.get(engagement).data.leaflets
    finally:
        services.close()
    result = run(
        "leaflet", "--preset", "safe-night-out", "--lang", "tr", "--engagement", engagement,
        "--copies", "25", "--out", str(tmp_path / "l.pdf"), "--json", "--data-dir", data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["copies"] == 25
    services = open_record_services(Path(data))
    try:
        after = services.engagements.get(engagement).data.leaflets
    finally:
        services.close()
    counts = {(x.topic_id, x.lang): x.count for x in after}
    old = {(x.topic_id, x.lang): x.count for x in before}
    assert counts[("safe-night-out", "tr")] == old.get(("safe-night-out", "tr"), 0) + 25
    assert counts[("drink-spiking", "tr")] == old.get(("drink-spiking", "tr"), 0) + 25
