"""Wire the services a screen or a command needs from one data folder."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from outreach.advice import AdviceLibrary, load_library
from outreach.engagements.service import DraftStore, EngagementService, Vocabulary
from outreach.engagements.survey import SurveyService, load_checklists
from outreach.reference import Reference, shipped_reference
from outreach.settings import Settings
from outreach.storage.database import laptop_id, open_database


@dataclass
class RecordServices:
    """The services that work on the officer's records."""

    engine: Engine
    engagements: EngagementService
    drafts: DraftStore
    surveys: SurveyService
    reference: Reference

    def close(self) -> None:
        self.engine.dispose()


def officer_name(settings: Settings | None) -> str:
    return (settings.officer_name if settings else "") or getpass.getuser()


def record_services(
    engine: Engine,
    library: AdviceLibrary,
    settings: Settings | None = None,
    reference: Reference | None = None,
) -> RecordServices:
    """Services over an open database."""
    reference = reference or shipped_reference()
    vocab = Vocabulary.from_sources(reference, library)
    actor = officer_name(settings)
    service = EngagementService(engine, laptop_id(engine), actor, vocab)
    checklists = load_checklists(topic_ids={t.id for t in library.topics})
    surveys = SurveyService(engine, checklists, actor)
    return RecordServices(engine, service, DraftStore(engine), surveys, reference)


def open_record_services(
    folder: Path,
    settings: Settings | None = None,
    *,
    passphrase: str | None = None,
    key: bytes | None = None,
    daily_backup: bool = False,
) -> RecordServices:
    """Open (migrating if needed) the database in ``folder`` and build the services.

    An encrypted database needs ``passphrase`` or its ``key`` (see ``open_database``).
    """
    engine = open_database(folder, passphrase=passphrase, key=key, daily_backup=daily_backup)
    return record_services(engine, load_library(cache_dir=folder / "cache"), settings)
