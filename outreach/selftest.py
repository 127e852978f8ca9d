"""``outreach self-test``: checks IT runs after installing, one result per check.

Each check runs on its own: a failure is recorded with its message and the next check
still runs, so one report names everything that is wrong with an installation.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from outreach.i18n import _, ngettext

# One content language per script that leaflets are printed in.
SCRIPT_LANGUAGES = ("en", "ar", "ur", "bn", "pa_Guru")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: a name, whether it passed, and what it found."""

    name: str
    ok: bool
    detail: str
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "ok": self.ok,
            "detail": self.detail,
            "seconds": round(self.seconds, 3),
        }


def run_check(name: str, check: Callable[[], str]) -> CheckResult:
    """Run ``check``; its return value is the detail, any exception a failure."""
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:
        ok = False
        detail = str(exc) or type(exc).__name__
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        if last and not str(exc):
            detail += f" ({last[0].filename}:{last[0].lineno})"
    return CheckResult(name, ok, detail, time.perf_counter() - started)


def check_content() -> str:
    """The advice content loads without errors."""
    from outreach.advice import load_library

    library = load_library()
    if library.errors:
        raise RuntimeError(
            _("{n} errors in the advice content, first: {first}").format(
                n=len(library.errors), first=library.errors[0]
            )
        )
    return _("{topics} topics in {languages} languages").format(
        topics=len(library.topics), languages=len(library.languages)
    )


def check_fonts() -> str:
    """A font file is found for every script fonts.toml lists."""
    from outreach.leaflets.fonts import _find, _font_table, fonts_for

    table, _styles = _font_table()
    found = []
    folders: list[str] = []
    for key, candidates in table.items():
        fonts = fonts_for(key)
        found.append(f"{key}={fonts.regular.removeprefix('outreach-')}")
        path = _find(candidates.regular)
        if path is not None and str(path.parent) not in folders:
            folders.append(str(path.parent))
    return _("{fonts} (from {folders})").format(fonts=", ".join(found), folders=", ".join(folders))


def check_leaflet(lang: str) -> str:
    """A one-topic leaflet renders in ``lang`` to a PDF with pages."""
    from outreach.advice import load_library
    from outreach.leaflets import LeafletRequest, render_leaflet

    library = load_library()
    topic = next((t for t in library.topics if t.text(lang) is not None), None)
    if topic is None:
        raise RuntimeError(_("No topic has a text in {lang}.").format(lang=lang))
    leaflet = render_leaflet(library, LeafletRequest(topics=(topic.id,), lang=lang))
    if not leaflet.pdf.startswith(b"%PDF") or leaflet.pages < 1:
        raise RuntimeError(_("The leaflet is not a PDF with pages."))
    return ngettext(
        "{topic}: {pages} page, {size} KB", "{topic}: {pages} pages, {size} KB", leaflet.pages
    ).format(topic=topic.id, pages=leaflet.pages, size=len(leaflet.pdf) // 1024)


def check_migrations() -> str:
    """The database migrations run to the newest schema on an empty database."""
    from outreach.storage.database import current_revision, head_revision, open_database

    with tempfile.TemporaryDirectory(prefix="outreach-selftest-") as folder:
        engine = open_database(Path(folder))
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    if revision != head_revision():
        raise RuntimeError(
            _("The database is at {revision}, not {head}.").format(
                revision=revision, head=head_revision()
            )
        )
    return _("schema {revision}").format(revision=revision)


def check_translations() -> str:
    """Every UI catalogue loads."""
    from outreach.i18n import available_ui_languages, load_translations

    codes = available_ui_languages()
    for code in codes:
        load_translations(code)
    if len(codes) < 2:
        raise RuntimeError(_("No UI translations were found."))
    return ", ".join(codes)


def check_bundle() -> str:
    """A bundle to HQ is written (deflated, signed, encrypted) and read back."""
    import uuid

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from outreach.exchange.bundle import read_bundle, write_bundle
    from outreach.exchange.keys import LaptopPublicKey, hq_private_key, init_hq_key

    signing = Ed25519PrivateKey.generate()
    raw = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    laptop = LaptopPublicKey(str(uuid.uuid4()), "self-test", raw)
    # Records alike enough to compress, as engagements do.
    records = [
        {"id": str(uuid.uuid4()), "version": 1, "laptop_id": laptop.laptop_id,
         "tombstone": True, "deleted_at": "2026-01-01T00:00:00"}
        for _ in range(2000)
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="outreach-selftest-") as folder:
        hq_public, _made = init_hq_key(Path(folder) / "hq")
        path = Path(folder) / "self-test.bundle"
        write_bundle(path, records, laptop=laptop, signing_key=signing, hq_key=hq_public,
                     full=True, since=None, app_version="self-test")  # fmt: skip
        verified = read_bundle(path, hq_private_key(Path(folder) / "hq"), lambda _id: laptop)
        read = len(verified.records)
        size = path.stat().st_size
    if read != len(records):
        raise RuntimeError(
            _("The bundle held {read} records, not {written}.").format(
                read=read, written=len(records)
            )
        )
    return _("records: {records}; size: {size} KB").format(records=read, size=size // 1024)


def core_checks() -> Iterator[tuple[str, Callable[[], str]]]:
    """The checks that need no window, by name, in the order they run."""
    yield _("advice content"), check_content
    yield _("UI translations"), check_translations
    yield _("fonts for every script"), check_fonts
    for lang in SCRIPT_LANGUAGES:
        yield _("leaflet in {lang}").format(lang=lang), lambda lang=lang: check_leaflet(lang)
    yield _("database migrations"), check_migrations
    yield _("bundle to HQ"), check_bundle
