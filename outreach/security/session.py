"""The lock's back end: open and close the officer's records in one data folder.

The window holds records only while unlocked. Locking closes them (the engine and every
record screen go); unlocking opens them again, with the passphrase when one is set. Every
mode change is written to the audit trail.

The window makes its gate before it is shown, so the storage modules (SQLAlchemy, Alembic)
are imported only when records are opened, off the start-up path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.settings import Settings

if TYPE_CHECKING:
    from outreach.advice import AdviceLibrary
    from outreach.services import RecordServices
    from outreach.storage import backups


class RecordsGate:
    """Opens the records of ``folder`` for a screen, and closes them when it locks."""

    def __init__(
        self,
        folder: Path,
        library: AdviceLibrary,
        settings: Callable[[], Settings] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.folder = folder
        self.library = library
        self._settings = settings or Settings
        self.clock = clock

    @property
    def actor(self) -> str:
        from outreach.services import officer_name

        return officer_name(self._settings())

    def has_passphrase(self) -> bool:
        from outreach.storage import DB_FILE
        from outreach.storage.keyfiles import is_encrypted

        return is_encrypted(self.folder / DB_FILE)

    def open(
        self, passphrase: str | None = None, key: bytes | None = None, action: str = "unlocked"
    ) -> RecordServices:
        """Open the records (raises the storage errors of ``open_database``)."""
        from outreach.services import record_services
        from outreach.storage.database import open_database, record_audit

        engine = open_database(
            self.folder, passphrase=passphrase, key=key, clock=self.clock, daily_backup=True
        )
        try:
            services = record_services(engine, self.library, self._settings())
            if action:
                record_audit(engine, action, actor=self.actor)
        except BaseException:
            engine.dispose()
            raise
        return services

    def close(self, records: RecordServices | None, action: str = "locked") -> None:
        """Record ``action`` and close the records."""
        if records is None:
            return
        from outreach.storage.database import record_audit

        try:
            if action:
                record_audit(records.engine, action, actor=self.actor)
        finally:
            records.close()

    def verify(self, passphrase: str) -> bytes | None:
        """Check ``passphrase`` (counted and slowed like any try); the key, or None if unset."""
        from outreach.storage.database import database_key

        return database_key(self.folder, passphrase=passphrase, clock=self.clock)

    def set_passphrase(self, new: str, old: str | None = None) -> bytes:
        """Encrypt or re-key (the records must be closed first)."""
        from outreach.security.vault import set_passphrase

        return set_passphrase(self.folder, new, old=old, actor=self.actor, clock=self.clock)

    def newest_good_backup(self, key: bytes | None) -> backups.Backup | None:
        from outreach.storage import DB_FILE, backups

        return backups.newest_good_backup(self.folder / DB_FILE, key)

    def restore(self, backup: Path, passphrase: str | None) -> tuple[bytes | None, Path | None]:
        from outreach.security.vault import restore

        return restore(self.folder, backup, passphrase=passphrase, actor=self.actor)
