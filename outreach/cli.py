"""The ``outreach`` command line (the contract is in PRODUCT.md).

``--json`` output is one JSON document on stdout; errors go to stderr with a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from outreach import __version__
from outreach.i18n import _, ngettext

if TYPE_CHECKING:
    import argparse

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem to report on stderr, with the exit code to use."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def _emit_json(document: object) -> None:
    import json  # here, not at the top: a start of the app never needs it

    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


_data_dir_arg: str | None = None


def _library():
    """The advice library, through the data folder's cache."""
    from outreach.advice import load_library
    from outreach.paths import data_dir

    try:
        cache = data_dir(_data_dir_arg) / "cache"
    except OSError:
        cache = None  # an unusable data folder only costs speed here
    return load_library(cache_dir=cache)


def _language(library, code: str | None) -> str | None:
    if code is None:
        return None
    lang = library.resolve_language(code)
    if lang is None:
        known = ", ".join(library.languages)
        raise CommandError(
            _("Unknown content language {code!r}. Known languages: {known}.").format(
                code=code, known=known
            ),
            EXIT_USAGE,
        )
    return lang


def cmd_advice_list(args: argparse.Namespace) -> int:
    library = _library()
    lang = _language(library, args.lang)
    if args.strand and args.strand not in {s.id for s in library.strands}:
        raise CommandError(
            _("Unknown strand {strand!r}. Known strands: {known}.").format(
                strand=args.strand, known=", ".join(s.id for s in library.strands)
            ),
            EXIT_USAGE,
        )
    rows = []
    for topic in library.topics_in(args.strand):
        if lang and topic.text(lang) is None:
            continue
        shown = lang or "en"
        strand = next(s for s in library.strands if s.id == topic.strand)
        rows.append(
            {
                "id": topic.id,
                "title": topic.text(shown).title,
                "lang": shown,
                "strand": topic.strand,
                "strand_name": library.strand_name(topic.strand, shown),
                "theme": strand.theme,
                "audiences": list(topic.audiences),
                "languages": list(topic.languages),
                "status": {code: str(topic.status(code)) for code in topic.languages},
                "owner": topic.owner,
                "review_due": topic.review_due.isoformat(),
                "review_overdue": topic.review_overdue(),
            }
        )
    if args.json:
        _emit_json({"count": len(rows), "topics": rows})
    else:
        for row in rows:
            print(f"{row['id']:<40} {row['strand']:<24} {row['title']}")
        print(ngettext("{n} topic", "{n} topics", len(rows)).format(n=len(rows)))
    return EXIT_OK


def cmd_advice_search(args: argparse.Namespace) -> int:
    library = _library()
    lang = _language(library, args.lang)
    hits = library.search(args.text, lang=lang, limit=args.limit)
    rows = []
    for hit in hits:
        topic = library.topic(hit.topic_id)
        rows.append(
            {
                "id": hit.topic_id,
                "lang": hit.lang,
                "title": hit.title,
                "summary": hit.summary,
                "strand": topic.strand if topic else "",
                "score": round(hit.score, 4),
            }
        )
    if args.json:
        _emit_json({"query": args.text, "lang": lang, "count": len(rows), "results": rows})
    else:
        for row in rows:
            print(f"{row['id']:<40} [{row['lang']}] {row['title']}")
        if not rows:
            print(_("No topics match {query!r}.").format(query=args.text))
    return EXIT_OK


def cmd_advice_check(args: argparse.Namespace) -> int:
    library = _library()
    errors = library.errors
    warnings = [p for p in library.problems if p.severity == "warning"]
    by_strand = {s.id: len(library.topics_in(s.id)) for s in library.strands}
    report = {
        "ok": not errors,
        "themes": len(library.themes),
        "strands": len(library.strands),
        "topics": len(library.topics),
        "topics_by_strand": by_strand,
        "contacts": len(library.contacts),
        "languages": [r.as_dict() for r in library.language_reports()],
        "review_overdue": [t.id for t in library.overdue_topics()],
        "errors": [p.as_dict() for p in errors],
        "warnings": [p.as_dict() for p in warnings],
    }
    if args.json:
        _emit_json(report)
    else:
        for problem in library.problems:
            print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
        print(
            _("Strands: {strands}, topics: {topics}, contacts: {contacts}").format(
                strands=report["strands"], topics=report["topics"], contacts=report["contacts"]
            )
        )
        for lang in library.language_reports():
            print(
                _("{lang}: {coverage:.0f}% translated, {drafts} drafts, {stale} stale").format(
                    lang=lang.lang, coverage=lang.coverage, drafts=lang.drafts, stale=lang.stale
                )
            )
        print(
            _("Errors: {errors}, warnings: {warnings}").format(
                errors=len(errors), warnings=len(warnings)
            )
        )
    if errors and args.json:
        for problem in errors:
            print(problem, file=sys.stderr)
    return EXIT_FAILURE if errors else EXIT_OK


def cmd_advice_hash(args: argparse.Namespace) -> int:
    library = _library()
    if args.labels:
        print(library.labels_hash)
        return EXIT_OK
    if not args.topic:
        raise CommandError(_("Name a topic id, or use --labels."), EXIT_USAGE)
    for topic_id in args.topic:
        topic = library.topic(topic_id)
        if topic is None:
            raise CommandError(_("Unknown topic {topic!r}.").format(topic=topic_id), EXIT_USAGE)
        print(f"{topic.english.content_hash()}  {topic_id}")
    return EXIT_OK


PASSPHRASE_ENV = "OUTREACH_PASSPHRASE"
NEW_PASSPHRASE_ENV = "OUTREACH_NEW_PASSPHRASE"


def _ask(prompt: str, env: str = PASSPHRASE_ENV) -> str:
    """A passphrase from ``env`` (scripts) or typed at a prompt (never echoed, never stdout)."""
    import getpass
    import os

    value = os.environ.get(env)
    if value is not None:
        return value
    try:
        return getpass.getpass(prompt, stream=sys.stderr)
    except (EOFError, OSError) as exc:
        raise CommandError(
            _("A passphrase is needed: type it at the prompt, or set {env}.").format(env=env)
        ) from exc


def _open_args(args: argparse.Namespace) -> dict[str, object]:
    """The passphrase to open the data folder's database with, when it is encrypted."""
    from outreach.paths import data_dir
    from outreach.storage.database import is_encrypted

    if is_encrypted(data_dir(args.data_dir)):
        return {"passphrase": _ask(_("Passphrase: "))}
    return {}


def _settings(args: argparse.Namespace):
    from outreach.paths import config_dir, data_dir
    from outreach.settings import SettingsError, load_settings

    try:
        return load_settings(
            config_dir(data_dir(args.data_dir), explicit_data=args.data_dir is not None)
        )
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc


def _record_services(args: argparse.Namespace):
    """The record services of the data folder, or a CommandError saying why not."""
    from outreach.paths import data_dir
    from outreach.services import open_record_services
    from outreach.storage.database import StorageError

    folder = data_dir(args.data_dir)
    settings = _settings(args)
    try:
        return open_record_services(folder, settings, daily_backup=True, **_open_args(args))
    except StorageError as exc:
        raise CommandError(str(exc)) from exc


def _actor(args: argparse.Namespace) -> str:
    from outreach.services import officer_name

    return officer_name(_settings(args))


def cmd_passphrase_set(args: argparse.Namespace) -> int:
    from outreach.paths import data_dir
    from outreach.security.vault import set_passphrase
    from outreach.storage.crypto import CryptoError
    from outreach.storage.database import StorageError, is_encrypted

    folder = data_dir(args.data_dir)
    old = _ask(_("Current passphrase: ")) if is_encrypted(folder) else None
    new = _ask(_("New passphrase: "), NEW_PASSPHRASE_ENV)
    import os

    if NEW_PASSPHRASE_ENV not in os.environ and new != _ask(
        _("New passphrase again: "), NEW_PASSPHRASE_ENV
    ):
        raise CommandError(_("The two passphrases differ; nothing was changed."))
    try:
        set_passphrase(folder, new, old=old, actor=_actor(args))
    except (StorageError, CryptoError) as exc:
        raise CommandError(str(exc)) from exc
    message = (
        _("Passphrase changed; the database was re-keyed.")
        if old is not None
        else _("Passphrase set; the database is now encrypted.")
    )
    if args.json:
        _emit_json({"encrypted": True, "changed": old is not None})
    else:
        print(message)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from outreach.paths import data_dir
    from outreach.security.vault import make_backup
    from outreach.storage import backups
    from outreach.storage.database import DB_FILE, StorageError, database_key

    folder = data_dir(args.data_dir)
    if args.list:
        found = backups.list_backups(folder / DB_FILE)
        if args.json:
            _emit_json({"count": len(found), "backups": [b.as_dict() for b in found]})
        else:
            for backup in found:
                print(f"{backup.made:%Y-%m-%d %H:%M:%S}  {backup.reason:<24} {backup.path}")
        return EXIT_OK
    try:
        key = database_key(folder, **_open_args(args))
        made = make_backup(folder, key, actor=_actor(args))
    except (StorageError, backups.BackupError) as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        _emit_json(made.as_dict())
    else:
        print(_("Backup written to {file}").format(file=made.path))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from outreach.paths import data_dir
    from outreach.security.vault import restore
    from outreach.storage import crypto
    from outreach.storage.database import StorageError

    folder = data_dir(args.data_dir)
    source = Path(args.file).expanduser()
    passphrase = _ask(_("Passphrase of the backup: ")) if crypto.is_encrypted(source) else None
    try:
        _key, kept = restore(folder, source, passphrase=passphrase, actor=_actor(args))
    except StorageError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        _emit_json({"restored": str(source), "replaced_file_kept_as": str(kept) if kept else None})
    else:
        print(_("Restored {file}.").format(file=source))
        if kept:
            print(_("The file it replaced is kept as {kept}").format(kept=kept))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from outreach.engagements.demo import generate

    if args.engagements < 1:
        raise CommandError(_("--engagements must be at least 1."), EXIT_USAGE)
    services = _record_services(args)
    try:
        made = generate(
            services.engine,
            services.engagements.vocab,
            services.engagements.laptop_id,
            args.engagements,
            seed=args.seed,
        )
        total = services.engagements.count()
    finally:
        services.close()
    if args.json:
        _emit_json({"created": made, "engagements": total, "demo": True})
    else:
        print(
            _("Added {made} demo engagements (marked [DEMO]); {total} in the log.").format(
                made=made, total=total
            )
        )
    return EXIT_OK


def cmd_engagement_show(args: argparse.Namespace) -> int:
    from outreach.engagements.service import EngagementError

    services = _record_services(args)
    try:
        record = services.engagements.get(args.id)
        document = record.to_json()
        survey_id = services.surveys.for_engagement(args.id)
        if survey_id:
            state = services.surveys.state(survey_id)
            document["survey"] = {
                "id": survey_id,
                "sector": state.sector,
                "business_name": state.business_name,
                "status": state.status,
                "answers": state.answers,
                "results": services.surveys.result(survey_id).to_json(),
            }
    except EngagementError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        services.close()
    if args.json:
        _emit_json(document)
    else:
        for key, value in document.items():
            print(f"{key}: {value}")
    return EXIT_OK


def _date_arg(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("{flag} must be a date as YYYY-MM-DD, not {value!r}.").format(flag=flag, value=value),
            EXIT_USAGE,
        ) from None


def _settings(args: argparse.Namespace):
    from outreach.paths import config_dir, data_dir
    from outreach.settings import SettingsError, load_settings

    folder = data_dir(args.data_dir)
    try:
        return load_settings(config_dir(folder, explicit_data=args.data_dir is not None))
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc


def cmd_leaflet(args: argparse.Namespace) -> int:
    from outreach.engagements.service import EngagementError
    from outreach.leaflets import (
        FontMissingError,
        Layout,
        LeafletError,
        LeafletRequest,
        render_leaflet,
    )
    from outreach.leaflets.service import officer_contact, qr_url, record_print, save_pdf
    from outreach.reference import ReferenceListError, shipped_reference

    if not args.topic and not args.preset:
        raise CommandError(_("Name at least one --topic, or a --preset."), EXIT_USAGE)
    if args.copies < 1:
        raise CommandError(_("--copies must be at least 1."), EXIT_USAGE)
    if args.copies > 1 and not args.engagement:
        raise CommandError(
            _("--copies counts printed copies: name the --engagement too."), EXIT_USAGE
        )
    library = _library()
    settings = _settings(args)
    try:
        reference = shipped_reference()
    except ReferenceListError:
        reference = None
    layout = Layout.LARGE if args.large_print else Layout(args.layout or settings.leaflet_layout)
    request = LeafletRequest(
        topics=tuple(args.topic or ()),
        lang=args.lang,
        lang2=args.lang2,
        audience=args.audience,
        layout=layout,
        prepared_for=args.for_ or "",
        visit_date=_date_arg(args.date, "--date"),
        preset=args.preset,
        area=args.area or "",
        burglary_date=_date_arg(args.burglary_date, "--burglary-date"),
        contact=officer_contact(settings, reference),
        qr_url=qr_url(library, settings),
    )
    if bool(request.area) != bool(request.burglary_date):
        raise CommandError(_("--area and --burglary-date go together."), EXIT_USAGE)
    try:
        leaflet = render_leaflet(library, request)
        path = save_pdf(leaflet, Path(args.out))
    except FontMissingError as exc:
        raise CommandError(str(exc)) from exc
    except LeafletError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc
    counted = None
    if args.engagement:
        services = _record_services(args)
        try:
            record_print(services.engagements, args.engagement, leaflet, args.copies)
            counted = args.copies
        except EngagementError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            services.close()
    if args.json:
        _emit_json(
            {
                "out": str(path),
                "pages": leaflet.pages,
                "bytes": len(leaflet.pdf),
                "title": leaflet.title,
                "topics": list(leaflet.topics),
                "languages": list(leaflet.languages),
                "layout": layout.value,
                "counted_on": args.engagement if counted else None,
                "copies": counted,
            }
        )
    else:
        print(
            ngettext(
                "Wrote {path} ({pages} page).", "Wrote {path} ({pages} pages).", leaflet.pages
            ).format(path=path, pages=leaflet.pages)
        )
    return EXIT_OK


def _export_service(args: argparse.Namespace):
    from outreach.exchange.export import ExportService
    from outreach.paths import data_dir

    services = _record_services(args)
    folder = data_dir(args.data_dir)
    return services, ExportService(
        services.engine, folder, services.engagements.actor, services.surveys.checklists
    )


def cmd_export(args: argparse.Namespace) -> int:
    from outreach.exchange.export import ExportError

    services, exporter = _export_service(args)
    try:
        result = exporter.export(
            Path(args.out),
            full=args.all,
            hq_key_file=Path(args.hq_key) if args.hq_key else None,
        )
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        services.close()
    if args.json:
        _emit_json(result.to_json())
    else:
        counts = result.summary.counts
        print(
            _(
                "Wrote {path}: {engagements} engagements and {tombstones} deletions ({kind})."
            ).format(
                path=result.summary.path,
                engagements=counts["engagements"],
                tombstones=counts["tombstones"],
                kind=_("everything") if result.summary.full else _("changes since the last export"),
            )
        )
    return EXIT_OK


def cmd_key_show(args: argparse.Namespace) -> int:
    import json as json_module

    from outreach.exchange.keys import KeyFileError

    services, exporter = _export_service(args)
    try:
        key = exporter.laptop_key()
    except KeyFileError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        services.close()
    document = key.to_json()
    if args.out:
        Path(args.out).write_text(json_module.dumps(document, indent=2) + "\n", encoding="utf-8")
    if args.json:
        _emit_json(document)
    elif args.out:
        print(
            _("Wrote this laptop's public key to {path} (fingerprint {fp}); take it to HQ.").format(
                path=args.out, fp=key.fingerprint
            )
        )
    else:
        print(json_module.dumps(document, indent=2))
    return EXIT_OK


def _hq_folder(args: argparse.Namespace) -> Path:
    from outreach.paths import data_dir

    folder = data_dir(args.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _hq_service(args: argparse.Namespace):
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from outreach.hq.merge import HqService
    from outreach.hq.schema import NewerHqSchemaError, hq_engine

    folder = _hq_folder(args)
    url = args.db or f"sqlite:///{folder / 'hq.db'}"
    try:
        engine = hq_engine(url)
    except NewerHqSchemaError as exc:
        raise CommandError(str(exc)) from exc
    except (ArgumentError, SQLAlchemyError, ImportError) as exc:
        raise CommandError(
            _("Cannot open the HQ database {url}: {error}").format(url=url, error=exc)
        ) from exc
    return HqService(engine, folder)


def cmd_hq_init(args: argparse.Namespace) -> int:
    from outreach.exchange.keys import HQ_PUBLIC_FILE, KeyFileError, init_hq_key

    service = _hq_service(args)
    service.engine.dispose()
    try:
        public, created = init_hq_key(service.data_dir)
    except KeyFileError as exc:
        raise CommandError(str(exc)) from exc
    written = service.data_dir / HQ_PUBLIC_FILE
    if args.out:
        public.write(Path(args.out))
        written = Path(args.out)
    if args.json:
        _emit_json({"created": created, "public_key_file": str(written), **public.to_json()})
    else:
        print(
            (_("Made HQ's key pair.") if created else _("HQ's key pair already exists."))
            + " "
            + _("Public key (give it to every laptop): {path}; fingerprint {fp}.").format(
                path=written, fp=public.fingerprint
            )
        )
    return EXIT_OK


def cmd_hq_enrol(args: argparse.Namespace) -> int:
    from outreach.exchange.keys import KeyFileError, LaptopPublicKey

    try:
        key = LaptopPublicKey.read(Path(args.key_file))
    except KeyFileError as exc:
        raise CommandError(str(exc)) from exc
    service = _hq_service(args)
    try:
        new = service.enrol(key)
    finally:
        service.engine.dispose()
    if args.json:
        _emit_json({"enrolled": True, "new": new, **key.to_json()})
    else:
        print(
            _("Enrolled laptop {laptop} ({officer}), key fingerprint {fp}.").format(
                laptop=key.laptop_id, officer=key.officer or "?", fp=key.fingerprint
            )
        )
    return EXIT_OK


def cmd_hq_import(args: argparse.Namespace) -> int:
    from outreach.hq.merge import HqError, totals

    service = _hq_service(args)
    try:
        outcomes = service.import_bundles([Path(p) for p in args.files])
    except HqError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        service.engine.dispose()
    counts = totals(outcomes)
    if args.json:
        _emit_json({"counts": counts, "bundles": [o.to_json() for o in outcomes]})
    else:
        for outcome in outcomes:
            if outcome.ok:
                c = outcome.counts
                print(
                    _("{path}: new {new}, updated {updated}, unchanged {unchanged}, "
                      "deleted {deleted}").format(path=outcome.path, **c)
                )  # fmt: skip
        print(
            _("Total: new {new}, updated {updated}, unchanged {unchanged}, deleted {deleted}, "
              "rejected {rejected}").format(**counts)
        )  # fmt: skip
    for outcome in outcomes:
        if not outcome.ok:
            print(
                _("outreach: refused {path}: {error}").format(
                    path=outcome.path, error=outcome.error
                ),
                file=sys.stderr,
            )
    return EXIT_FAILURE if counts["rejected"] else EXIT_OK


def hq_names():
    """Names of strands, districts, teams and languages for HQ's reports."""
    from outreach.hq.report import report_names
    from outreach.reference import shipped_reference

    return report_names(_library(), shipped_reference())


def cmd_hq_report(args: argparse.Namespace) -> int:
    from outreach.hq.report import ReportError, write_report

    service = _hq_service(args)
    try:
        summary = write_report(
            service.engine, Path(args.out), hq_names(), include_demo=args.include_demo
        )
    except ReportError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        service.engine.dispose()
    if args.json:
        _emit_json({"path": args.out, **summary.to_json()})
    else:
        print(
            _("Wrote {path}: {n} engagements, {people} people engaged.").format(
                path=args.out, n=summary.engagements, people=summary.people
            )
        )
        if summary.demo_left_out:
            print(
                ngettext(
                    "{n} demo engagement left out (--include-demo counts it).",
                    "{n} demo engagements left out (--include-demo counts them).",
                    summary.demo_left_out,
                ).format(n=summary.demo_left_out)
            )
    return EXIT_OK


def _has_display() -> bool:
    import os

    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_self_test(args: argparse.Namespace) -> int:
    import os

    from outreach.selftest import core_checks, run_check

    if not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # for this process only

    def window_check() -> str:
        from outreach.ui.selftest import check_main_window

        return check_main_window()

    checks = [(_("main window"), window_check), *core_checks()]
    results = []
    for name, check in checks:
        result = run_check(name, check)
        results.append(result)
        if not args.json:
            mark = _("ok") if result.ok else _("FAILED")
            print(f"[{mark}] {name}: {result.detail}", flush=True)
    failed = [r for r in results if not r.ok]
    if args.json:
        _emit_json(
            {
                "ok": not failed,
                "version": __version__,
                "frozen": bool(getattr(sys, "frozen", False)),
                "passed": len(results) - len(failed),
                "failed": len(failed),
                "checks": [r.as_dict() for r in results],
            }
        )
    else:
        # The closing line CI logs are read for: "self-test: N passed, N failed".
        print(
            _("self-test: {passed} passed, {failed} failed").format(
                passed=len(results) - len(failed), failed=len(failed)
            )
        )
    for result in failed:
        print(
            _("outreach self-test: {name} failed: {detail}").format(
                name=result.name, detail=result.detail
            ),
            file=sys.stderr,
        )
    return EXIT_FAILURE if failed else EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from outreach.ui.app import run_gui

    return run_gui(args.data_dir)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("data folder (default: env OUTREACH_DATA_DIR, else the user data folder)"),
    )
    parser = argparse.ArgumentParser(
        prog="outreach",
        description=_("Crime-prevention outreach: advice, engagements, leaflets."),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"outreach {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", parents=[common], help=_("open the app (the default)"))
    gui.set_defaults(func=cmd_gui)

    advice = commands.add_parser("advice", parents=[common], help=_("the advice library"))
    advice_commands = advice.add_subparsers(dest="advice_command", metavar="ACTION", required=True)

    listing = advice_commands.add_parser("list", parents=[common], help=_("list topics"))
    listing.add_argument("--lang", metavar="L", help=_("only topics in this content language"))
    listing.add_argument("--strand", metavar="S", help=_("only topics of this strand"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(func=cmd_advice_list)

    search = advice_commands.add_parser("search", parents=[common], help=_("search topics"))
    search.add_argument("text", metavar="TEXT")
    search.add_argument("--lang", metavar="L", help=_("search only this content language"))
    search.add_argument("--limit", type=int, default=20, help=_("most results to show"))
    search.add_argument("--json", action="store_true", help=_("print JSON"))
    search.set_defaults(func=cmd_advice_search)

    check = advice_commands.add_parser("check", parents=[common], help=_("validate the content"))
    check.add_argument("--json", action="store_true", help=_("print JSON"))
    check.set_defaults(func=cmd_advice_check)

    hashing = advice_commands.add_parser(
        "hash", parents=[common], help=_("print the English text hash a translation records")
    )
    hashing.add_argument("topic", nargs="*", metavar="TOPIC")
    hashing.add_argument("--labels", action="store_true", help=_("hash of the English labels"))
    hashing.set_defaults(func=cmd_advice_hash)
    demo = commands.add_parser(
        "demo", parents=[common], help=_("fill the database with clearly marked demo data")
    )
    demo.add_argument("--engagements", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--json", action="store_true", help=_("print JSON"))
    demo.set_defaults(func=cmd_demo)

    leaflet = commands.add_parser(
        "leaflet", parents=[common], help=_("make a tailored leaflet as a PDF")
    )
    leaflet.add_argument(
        "--topic", action="append", metavar="ID", help=_("a topic to include (repeat for more)")
    )
    leaflet.add_argument("--preset", metavar="P", help=_("a ready-made choice of topics"))
    leaflet.add_argument("--lang", metavar="L", default="en", help=_("the leaflet's language"))
    leaflet.add_argument(
        "--lang2", metavar="L2", help=_("a second language, for a bilingual leaflet")
    )
    leaflet.add_argument("--audience", metavar="A", help=_("who the leaflet is for"))
    leaflet.add_argument(
        "--large-print", action="store_true", help=_("large print (body text 16 pt)")
    )
    leaflet.add_argument(
        "--layout", choices=["a4", "a5", "large"], help=_("A4 two-sided, A5 handout or large print")
    )
    leaflet.add_argument(
        "--for", dest="for_", metavar="TEXT", help=_("who the leaflet was prepared for")
    )
    leaflet.add_argument("--date", metavar="YYYY-MM-DD", help=_("the date of the visit"))
    leaflet.add_argument("--area", metavar="TEXT", help=_("burglary near you: the area"))
    leaflet.add_argument(
        "--burglary-date", metavar="YYYY-MM-DD", help=_("burglary near you: the date")
    )
    leaflet.add_argument(
        "--engagement", metavar="ID", help=_("count the leaflet on this engagement")
    )
    leaflet.add_argument(
        "--copies", type=int, default=1, metavar="N", help=_("copies printed (with --engagement)")
    )
    leaflet.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to save it"))
    leaflet.add_argument("--json", action="store_true", help=_("print JSON"))
    leaflet.set_defaults(func=cmd_leaflet)

    self_test = commands.add_parser(
        "self-test",
        parents=[common],
        help=_("check this installation: window, leaflets in every script, database"),
    )
    self_test.add_argument("--json", action="store_true", help=_("print JSON"))
    self_test.set_defaults(func=cmd_self_test)

    engagement = commands.add_parser("engagement", parents=[common], help=_("the engagement log"))
    engagement_commands = engagement.add_subparsers(
        dest="engagement_command", metavar="ACTION", required=True
    )
    show = engagement_commands.add_parser(
        "show", parents=[common], help=_("show one engagement, with its survey results")
    )
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(func=cmd_engagement_show)

    export = commands.add_parser(
        "export", parents=[common], help=_("write a bundle of the engagement log for HQ")
    )
    export.add_argument("--out", required=True, metavar="FILE", help=_("bundle file to write"))
    export.add_argument(
        "--all", action="store_true", help=_("everything, not only changes since the last export")
    )
    export.add_argument(
        "--hq-key", metavar="FILE", help=_("HQ's public key file (kept for later exports)")
    )
    export.add_argument("--json", action="store_true", help=_("print JSON"))
    export.set_defaults(func=cmd_export)

    key = commands.add_parser("key", parents=[common], help=_("this laptop's signing key"))
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_show = key_commands.add_parser(
        "show", parents=[common], help=_("print (or write) the public key HQ enrols")
    )
    key_show.add_argument("--out", metavar="FILE", help=_("write the key to this file"))
    key_show.add_argument("--json", action="store_true", help=_("print JSON"))
    key_show.set_defaults(func=cmd_key_show)

    hq = commands.add_parser("hq", parents=[common], help=_("HQ: merge bundles and report"))
    hq_commands = hq.add_subparsers(dest="hq_command", metavar="ACTION", required=True)
    db_help = _("HQ database as a SQLAlchemy URL (default: sqlite file hq.db in the data folder)")
    hq_init = hq_commands.add_parser(
        "init", parents=[common], help=_("make HQ's key pair and database")
    )
    hq_init.add_argument("--db", metavar="URL", help=db_help)
    hq_init.add_argument("--out", metavar="FILE", help=_("also write the public key here"))
    hq_init.add_argument("--json", action="store_true", help=_("print JSON"))
    hq_init.set_defaults(func=cmd_hq_init)
    hq_enrol = hq_commands.add_parser(
        "enrol", parents=[common], help=_("register a laptop's public key")
    )
    hq_enrol.add_argument("key_file", metavar="LAPTOP_KEY_FILE")
    hq_enrol.add_argument("--db", metavar="URL", help=db_help)
    hq_enrol.add_argument("--json", action="store_true", help=_("print JSON"))
    hq_enrol.set_defaults(func=cmd_hq_enrol)
    hq_import = hq_commands.add_parser(
        "import", parents=[common], help=_("merge bundles into HQ's database")
    )
    hq_import.add_argument("files", nargs="+", metavar="FILE")
    hq_import.add_argument("--db", metavar="URL", help=db_help)
    hq_import.add_argument("--json", action="store_true", help=_("print JSON"))
    hq_import.set_defaults(func=cmd_hq_import)
    hq_report = hq_commands.add_parser(
        "report", parents=[common], help=_("write a spreadsheet, CSV or PDF report")
    )
    hq_report.add_argument("--out", required=True, metavar="FILE.xlsx|.csv|.pdf")
    hq_report.add_argument("--db", metavar="URL", help=db_help)
    hq_report.add_argument(
        "--include-demo",
        action="store_true",
        help=_("count demo engagements too (left out by default)"),
    )
    hq_report.add_argument("--json", action="store_true", help=_("print JSON"))
    hq_report.set_defaults(func=cmd_hq_report)

    phrase = commands.add_parser(
        "passphrase", parents=[common], help=_("the passphrase that encrypts the records")
    )
    phrase_commands = phrase.add_subparsers(
        dest="passphrase_command", metavar="ACTION", required=True
    )
    phrase_set = phrase_commands.add_parser(
        "set",
        parents=[common],
        help=_("set or change it (asks at a prompt; scripts use env {old} and {new})").format(
            old=PASSPHRASE_ENV, new=NEW_PASSPHRASE_ENV
        ),
    )
    phrase_set.add_argument("--json", action="store_true", help=_("print JSON"))
    phrase_set.set_defaults(func=cmd_passphrase_set)

    backup = commands.add_parser(
        "backup", parents=[common], help=_("back up the records database now")
    )
    backup.add_argument("--list", action="store_true", help=_("list the backups instead"))
    backup.add_argument("--json", action="store_true", help=_("print JSON"))
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser(
        "restore", parents=[common], help=_("replace the records database by a backup")
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--json", action="store_true", help=_("print JSON"))
    restore.set_defaults(func=cmd_restore)
    return parser


def _plain_start(argv: Sequence[str]) -> tuple[bool, str | None]:
    """Whether ``argv`` only opens the app (``gui`` or no command; at most
    ``--data-dir DIR``), and the folder given."""
    argv = list(argv)
    if argv[:1] == ["gui"]:  # as the desktop file starts it
        argv = argv[1:]
    elif argv[-1:] == ["gui"] and len(argv) == 3:
        argv = argv[:-1]
    if not argv:
        return True, None
    if len(argv) == 1 and argv[0].startswith("--data-dir=") and len(argv[0]) > 11:
        return True, argv[0][11:]
    if len(argv) == 2 and argv[0] == "--data-dir" and not argv[1].startswith("-"):
        return True, argv[1]
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    plain, data_dir = _plain_start(argv)
    if plain:
        # How officers start the app every day: no parser of the 25 commands to build
        # (5 ms of the start-up).
        from types import SimpleNamespace

        args = SimpleNamespace(data_dir=data_dir, func=cmd_gui)
    else:
        gc.enable()  # (the entry points turn it off for a start: see run_gui)
        args = build_parser().parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    if args.data_dir is not None and not args.data_dir.strip():
        # Not the current folder by accident: records would land wherever it was run.
        print("outreach: " + _("--data-dir needs the name of a folder."), file=sys.stderr)
        return EXIT_USAGE
    if args.data_dir is not None:
        args.data_dir = str(Path(args.data_dir).expanduser())
    global _data_dir_arg
    _data_dir_arg = args.data_dir
    if getattr(args, "func", None) is None:
        args.func = cmd_gui
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"outreach: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. ``| head``) went away; that is not our error.
        sys.stderr.close()
        return EXIT_OK
