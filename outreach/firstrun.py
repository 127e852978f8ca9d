"""First-run setup without a window: HQ's public key, passphrase strength, the test page.

The first-run wizard (``outreach.ui.first_run``) and Preferences call these, so
everything they do can be tested and scripted without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outreach.i18n import _
from outreach.settings import atomic_write_bytes
from outreach.storage.crypto import MIN_PASSPHRASE

KEYS_FOLDER = "keys"
HQ_KEY_FILE = "hq-public-key"
# A public key (PEM, OpenSSH, age, raw) is well under this; anything bigger is a wrong file.
MAX_KEY_BYTES = 64 * 1024
TEST_PAGE_TOPIC = "doorstep-crime"


class KeyFileError(Exception):
    """The chosen key file cannot be used; the message names the file and the problem."""


def hq_key_path(data_folder: Path) -> Path:
    """Where HQ's public key is kept in the data folder (where exports look for it)."""
    from outreach.exchange.keys import HQ_PUBLIC_ON_LAPTOP

    return data_folder / HQ_PUBLIC_ON_LAPTOP


def readable(fingerprint: str) -> str:
    """A fingerprint in groups of four, to read out on the phone (HQ prints it unbroken)."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def read_key_file(path: Path) -> bytes:
    """Read a public key file, or raise :class:`KeyFileError` saying what is wrong."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KeyFileError(
            _("{path} cannot be read ({error}).").format(path=path, error=exc.strerror or exc)
        ) from exc
    if not path.is_file():
        raise KeyFileError(_("{path} is not a file.").format(path=path))
    if size == 0:
        raise KeyFileError(_("{path} is empty: it is not HQ's public key.").format(path=path))
    if size > MAX_KEY_BYTES:
        raise KeyFileError(
            _("{path} is {size} KB: too big for a public key. Choose the key file HQ sent.").format(
                path=path, size=size // 1024
            )
        )
    try:
        payload = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(
            _("{path} cannot be read ({error}).").format(path=path, error=exc.strerror or exc)
        ) from exc
    if b"PRIVATE KEY" in payload:
        raise KeyFileError(
            _("{path} holds a private key. Only HQ's public key belongs on a laptop.").format(
                path=path
            )
        )
    return payload


def install_hq_key(source: Path, data_folder: Path) -> str:
    """Install HQ's public key (the file ``outreach hq init`` made); returns its fingerprint.

    The file is checked before anything is written, and written atomically, so a bad
    choice never replaces a key already installed.
    """
    from outreach.exchange.keys import HqPublicKey
    from outreach.exchange.keys import KeyFileError as ExchangeKeyError

    payload = read_key_file(source)
    try:
        key = HqPublicKey.parse(payload, source)
    except ExchangeKeyError as exc:
        raise KeyFileError(str(exc)) from exc
    atomic_write_bytes(hq_key_path(data_folder), key.to_bytes())
    return readable(key.fingerprint)


def installed_hq_key_fingerprint(data_folder: Path) -> str | None:
    """The fingerprint of the installed HQ key, or None when there is none (or it is unusable)."""
    from outreach.exchange.keys import HqPublicKey
    from outreach.exchange.keys import KeyFileError as ExchangeKeyError

    path = hq_key_path(data_folder)
    if not path.is_file():
        return None
    try:
        return readable(HqPublicKey.read(path).fingerprint)
    except ExchangeKeyError:
        return None


@dataclass(frozen=True)
class Strength:
    """How good a passphrase is: a score 0-3, a hint for the officer, and whether it will do."""

    score: int
    hint: str
    acceptable: bool


def passphrase_strength(passphrase: str) -> Strength:
    """Judge a passphrase by its length and variety; say how to make it better."""
    length = len(passphrase)
    if length == 0:
        return Strength(0, _("Choose a passphrase of at least {n} characters.").format(
            n=MIN_PASSPHRASE), False)  # fmt: skip
    if length < MIN_PASSPHRASE:
        return Strength(
            0,
            _("Too short: {n} more characters at least.").format(n=MIN_PASSPHRASE - length),
            False,
        )
    kinds = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
        )
    )
    distinct = len(set(passphrase))
    if distinct < 5:
        return Strength(0, _("Too repetitive: use different words."), False)
    if length >= 20 or (length >= 14 and kinds >= 3):
        return Strength(3, _("Strong."), True)
    if length >= 14 or kinds >= 3:
        return Strength(2, _("Fair: a few more words would make it strong."), True)
    return Strength(1, _("Weak: longer is better, e.g. three or four unrelated words."), True)


def passphrase_problem(first: str, second: str) -> str | None:
    """Why the two entries cannot be used as a passphrase, or None when they can."""
    if first != second:
        return _("The two passphrases are not the same. Type it again in both fields.")
    strength = passphrase_strength(first)
    if not strength.acceptable:
        return strength.hint
    return None


def printer_test_page_pdf(lang: str = "en") -> bytes:
    """A one-topic leaflet to check the printer with (one A4 page; two in Urdu)."""
    from outreach.advice import load_library
    from outreach.leaflets import Layout, LeafletRequest, render_leaflet

    library = load_library()
    topic = library.topic(TEST_PAGE_TOPIC)
    if topic is None or topic.text(lang) is None:
        lang = "en"
    topic_id = TEST_PAGE_TOPIC if topic is not None else library.topics[0].id
    request = LeafletRequest(topics=(topic_id,), lang=lang, layout=Layout.A4)
    return render_leaflet(library, request).pdf
