"""HQ's reports: spreadsheet sheets, CSV rows, a PDF with charts."""

from __future__ import annotations

import csv
import subprocess

import pytest
from openpyxl import load_workbook

from outreach.hq.report import (
    ENGAGEMENT_COLUMNS,
    ReportError,
    engagement_rows,
    summarise,
    write_report,
)
from tests.hq.conftest import enrol_all, history_bundles, hq_service


@pytest.fixture
def merged(tmp_path, laptops, hq_folder):
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    assert all(o.ok for o in service.import_bundles(history_bundles(tmp_path, laptops)))
    yield service
    service.engine.dispose()


def test_summary_leaves_deleted_engagements_out(merged):
    summary = summarise(merged.engine, include_demo=True)
    assert summary.demo_left_out == 0
    assert summary.engagements == 2 * 41 - 2  # one demo record deleted per laptop
    assert summary.deleted == 4
    assert summary.laptops == 2
    assert sum(n for _d, n, _p in summary.by_district) == summary.engagements
    assert sum(n for _m, n, _p in summary.by_month) == summary.engagements
    assert dict(summary.leaflets_by_language)["pl"] >= 10
    assert any(r[3] == "Cold callers on Elm Road" for r in summary.you_said_we_did)


def test_spreadsheet(merged, tmp_path):
    out = tmp_path / "report.xlsx"
    write_report(merged.engine, out, lambda kind, ident: f"<{ident}>", include_demo=True)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "Engagements",
        "By strand and month",
        "By district",
        "By team",
        "You said, we did",
        "Leaflets by language",
    ]
    rows = list(book["Engagements"].iter_rows(values_only=True))
    assert len(rows) == 1 + 80
    districts = list(book["By district"].iter_rows(values_only=True))
    assert districts[1][0].startswith("<")


def test_csv(merged, tmp_path):
    out = tmp_path / "report.csv"
    write_report(merged.engine, out, include_demo=True)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["id", "version", "laptop_id"]
    assert len(rows) == 81


def test_pdf_has_charts(merged, tmp_path):
    out = tmp_path / "report.pdf"
    write_report(merged.engine, out, include_demo=True)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Engagements by strand" in text
    assert "Leaflets by language" in text
    assert "80" in text
    assert "Demo engagements left out" not in text


def test_pdf_of_an_empty_hq_says_there_is_nothing_to_chart(hq_folder, tmp_path):
    """No counted engagement yet: each chart is replaced by a sentence, not an empty axis."""
    service = hq_service(hq_folder)
    out = tmp_path / "report.pdf"
    write_report(service.engine, out)
    service.engine.dispose()
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Engagements by strand" in text
    assert text.count("Nothing to chart") == 5
    assert "0.01" not in text  # the empty axis ReportLab drew before


def test_demo_engagements_are_left_out_unless_asked_for(merged, tmp_path):
    """Demo records (made to try the app out) never inflate the force's figures by default."""
    everything = summarise(merged.engine, include_demo=True)
    summary = summarise(merged.engine)
    rows = list(engagement_rows(merged.engine, include_demo=True))
    demo = ENGAGEMENT_COLUMNS.index("is_demo")
    real = [r for r in rows if not r[demo]]
    assert 0 < len(real) < len(rows)  # the fixture holds both
    assert summary.engagements == len(real) == len(list(engagement_rows(merged.engine)))
    assert summary.demo_left_out == len(rows) - len(real)
    people = ENGAGEMENT_COLUMNS.index("people_engaged")
    assert summary.people == sum(r[people] or 0 for r in real) < everything.people
    assert sum(n for _d, n, _p in summary.by_district) == summary.engagements
    assert sum(n for _m, n, _p in summary.by_month) == summary.engagements
    assert (
        sum(n for _s, _m, n, _p in summary.by_strand_month)
        == sum(n for _s, n, _p in summary.by_strand)
        <= summary.engagements * 14
    )
    assert summary.leaflets == sum(n for _l, n in summary.leaflets_by_language)
    assert summary.leaflets < everything.leaflets
    assert len(summary.you_said_we_did) <= len(everything.you_said_we_did)

    out = tmp_path / "report.pdf"
    write_report(merged.engine, out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Demo engagements left out" in text
    assert f"{summary.demo_left_out:,}" in text
    out = tmp_path / "report.csv"
    write_report(merged.engine, out)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 1 + len(real)


def test_unknown_report_kind(merged, tmp_path):
    with pytest.raises(ReportError, match=r"\.odt"):
        write_report(merged.engine, tmp_path / "report.odt")
