"""End-to-end tests of the command-line contract (PRODUCT.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from outreach import __version__
from tests.conftest import replace_in


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outreach", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"outreach {__version__}"


def test_check_reports_strands_topics_and_no_errors():
    result = run("advice", "check", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["strands"] == 14
    assert report["topics"] >= 50
    assert report["errors"] == []
    assert {entry["lang"] for entry in report["languages"]} >= {"pl", "ar", "ur", "bn", "pa_Guru"}
    for entry in report["languages"]:
        assert set(entry) >= {"coverage", "drafts", "stale"}


def test_check_fails_on_a_broken_file_naming_file_and_line(content: Path):
    broken = content / "advice/topics/knife-crime/carrying-a-knife.en.md"
    replace_in(broken, "## Steps", "## Stepz")
    result = run("advice", "check", "--json", env={"OUTREACH_CONTENT_DIR": str(content)})
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    error = next(e for e in report["errors"] if "unknown section" in e["message"])
    assert error["file"].endswith("knife-crime/carrying-a-knife.en.md")
    line = next(n for n, t in enumerate(broken.read_text().splitlines(), 1) if "Stepz" in t)
    assert error["line"] == line
    assert f"carrying-a-knife.en.md:{line}:" in result.stderr


def test_check_without_json_prints_problems(content: Path):
    broken = content / "advice/topics/knife-crime/carrying-a-knife.en.md"
    broken.write_text("no header here\n", encoding="utf-8")
    result = run("advice", "check", env={"OUTREACH_CONTENT_DIR": str(content)})
    assert result.returncode == 1
    assert "carrying-a-knife.en.md:1: error" in result.stderr


def test_search_ranks_doorstep_first():
    result = run("advice", "search", "doorstep", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["results"][0]["id"] == "doorstep-crime"


def test_list_gives_every_topic_with_its_languages(library):
    result = run("advice", "list", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["count"] == len(library.topics)
    for row in document["topics"]:
        assert row["languages"][0] == "en"
        assert row["strand"] and row["title"]


def test_list_by_strand_and_data_dir_flag(tmp_path: Path):
    result = run("advice", "list", "--strand", "knife-crime", "--json", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["topics"]
    assert rows and {r["strand"] for r in rows} == {"knife-crime"}
    before = run("--data-dir", str(tmp_path), "advice", "list", "--strand", "knife-crime", "--json")
    assert json.loads(before.stdout)["topics"] == rows


def test_bad_arguments_go_to_stderr_with_non_zero_exit():
    result = run("advice", "list", "--lang", "xx", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Unknown content language 'xx'" in result.stderr
    result = run("advice", "list", "--strand", "nope", "--json")
    assert result.returncode == 2 and "Unknown strand" in result.stderr


def test_hash_prints_the_english_hash(library):
    result = run("advice", "hash", "doorstep-crime")
    assert result.returncode == 0
    assert result.stdout.split()[0] == library.topic("doorstep-crime").english.content_hash()


def test_demo_fills_the_database_with_marked_records(tmp_path: Path):
    result = run(
        "demo", "--engagements", "40", "--seed", "5", "--json", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"created": 40, "engagements": 40, "demo": True}
    again = run("demo", "--engagements", "10", "--data-dir", str(tmp_path))
    assert again.returncode == 0 and "50 in the log" in again.stdout
    import sqlite3

    with sqlite3.connect(tmp_path / "outreach.db") as db:
        rows = db.execute("SELECT venue, is_demo, kind, district FROM engagement").fetchall()
    db.close()
    assert len(rows) == 50
    assert all(venue.startswith("[DEMO]") and is_demo for venue, is_demo, _k, _d in rows)
    assert len({kind for *_v, kind, _d in rows}) >= 4 and len({d for *_x, d in rows}) >= 5
    bad = run("demo", "--engagements", "0", "--data-dir", str(tmp_path))
    assert bad.returncode == 2 and "--engagements" in bad.stderr


def test_engagement_show_carries_survey_results(tmp_path: Path):
    import datetime as dt

    from outreach.engagements.model import EngagementData, Kind
    from outreach.services import open_record_services

    services = open_record_services(tmp_path)
    visit = services.engagements.create(
        EngagementData(
            kind=Kind.PREMISES_VISIT,
            starts_at=dt.datetime(2026, 11, 20, 10),
            district="harlow",
            venue="The Crown, Market Street",
        )
    )
    survey = services.surveys.start(visit, "licensed-premises", "The Crown")
    question = services.surveys.checklists["licensed-premises"].questions[0]
    services.surveys.answer(survey, question.id, "no")
    services.close()
    result = run("engagement", "show", visit, "--json", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["id"] == visit and document["venue"] == "The Crown, Market Street"
    results = document["survey"]["results"]
    assert results["recommendations"][0]["question"] == question.id
    assert results["answered"] == 1
    missing = run("engagement", "show", "no-such-id", "--json", "--data-dir", str(tmp_path))
    assert missing.returncode == 1 and "No engagement" in missing.stderr and missing.stdout == ""


def test_a_plain_start_opens_the_app_without_building_the_parser(monkeypatch):
    import outreach.cli as cli

    opened: list[str | None] = []
    monkeypatch.setattr(cli, "cmd_gui", lambda args: opened.append(args.data_dir) or 0)
    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("the parser was built"))
    home = str(Path("~/field").expanduser())
    starts = {
        (): None,
        ("gui",): None,
        ("--data-dir", "~/field"): home,
        ("--data-dir=~/field",): home,
        ("gui", "--data-dir", "~/field"): home,
        ("--data-dir", "~/field", "gui"): home,
        ("--data-dir", "gui"): "gui",
    }
    for argv in starts:
        assert cli.main(list(argv)) == 0
    assert opened == list(starts.values())


@pytest.mark.parametrize("argv", [["--data-dir"], ["--data-dir", "-x"], ["gui", "--data-dir"]])
def test_an_odd_start_goes_through_the_parser(argv, capsys):
    import outreach.cli as cli

    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2 and "--data-dir" in capsys.readouterr().err


def test_a_command_runs_with_the_garbage_collector_on(capsys):
    import gc

    import outreach.cli as cli

    gc.disable()  # as the entry points start
    try:
        assert cli.main(["advice", "list", "--json"]) == 0
        assert gc.isenabled(), "only the app's own start runs without it"
    finally:
        gc.enable()
    assert json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "argv", [["--data-dir="], ["--data-dir", " "], ["advice", "list", "--data-dir="]]
)
def test_an_empty_data_folder_is_refused_not_taken_as_here(argv, capsys, tmp_path, monkeypatch):
    import outreach.cli as cli

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setattr(cli, "cmd_gui", lambda args: pytest.fail("the app was opened"))
    assert cli.main(argv) == 2
    assert "--data-dir needs the name of a folder" in capsys.readouterr().err
    assert list(here.iterdir()) == [], "nothing written where it was run"
