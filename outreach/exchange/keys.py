"""Key pairs: a laptop's Ed25519 signing key and HQ's X25519 encryption key.

Private keys are PEM files written with owner-only permissions; public keys travel as
small JSON files (by e-mail or USB stick) that a person can read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from outreach.i18n import _

LAPTOP_KEY_FILE = Path("keys") / "laptop-signing.pem"
HQ_PUBLIC_ON_LAPTOP = Path("keys") / "hq-public.json"
HQ_PRIVATE_FILE = Path("hq") / "hq-private.pem"
HQ_PUBLIC_FILE = Path("hq") / "hq-public.json"
LAPTOP_KEY_TYPE = "outreach-laptop-key"
HQ_KEY_TYPE = "outreach-hq-key"


class KeyFileError(Exception):
    """A key file is missing or unusable; the message names the file and what to do."""


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(raw_public: bytes) -> str:
    """A short, stable name of a public key (hex of its SHA-256, 16 bytes)."""
    return hashlib.sha256(raw_public).hexdigest()[:32]


def _write_private(path: Path, pem: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_private(path: Path, kind: type):
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(
            _("The key file {path} cannot be read ({error}).").format(path=path, error=exc)
        ) from exc
    if not isinstance(key, kind):
        raise KeyFileError(_("The key file {path} holds the wrong kind of key.").format(path=path))
    return key


# -- laptop ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LaptopPublicKey:
    """What HQ enrols: the laptop id, who uses it, and its signing key."""

    laptop_id: str
    officer: str
    public_key: bytes  # raw Ed25519, 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def to_json(self) -> dict:
        return {
            "type": LAPTOP_KEY_TYPE,
            "laptop_id": self.laptop_id,
            "officer": self.officer,
            "ed25519": base64.b64encode(self.public_key).decode("ascii"),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, document: object, where: str) -> LaptopPublicKey:
        try:
            if not isinstance(document, dict) or document.get("type") != LAPTOP_KEY_TYPE:
                raise ValueError(_("not a laptop public key file"))
            raw = base64.b64decode(document["ed25519"], validate=True)
            Ed25519PublicKey.from_public_bytes(raw)
            return cls(str(document["laptop_id"]), str(document.get("officer", "")), raw)
        except (KeyError, ValueError, TypeError) as exc:
            raise KeyFileError(
                _("{where} is not a usable laptop public key ({error}).").format(
                    where=where, error=exc
                )
            ) from exc

    @classmethod
    def read(cls, path: Path) -> LaptopPublicKey:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise KeyFileError(
                _("{path} is not a usable laptop public key ({error}).").format(
                    path=path, error=exc
                )
            ) from exc
        return cls.from_json(document, str(path))


def laptop_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """This laptop's signing key, made (owner-only file) at first use."""
    path = data_dir / LAPTOP_KEY_FILE
    if path.exists():
        return _load_private(path, Ed25519PrivateKey)
    key = Ed25519PrivateKey.generate()
    _write_private(path, _pem(key))
    return key


def laptop_public_key(data_dir: Path, laptop_id: str, officer: str) -> LaptopPublicKey:
    return LaptopPublicKey(
        laptop_id, officer, _raw_public(laptop_signing_key(data_dir).public_key())
    )


# -- HQ --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HqPublicKey:
    """HQ's encryption key, as laptops hold it."""

    public_key: bytes  # raw X25519, 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def to_json(self) -> dict:
        return {
            "type": HQ_KEY_TYPE,
            "x25519": base64.b64encode(self.public_key).decode("ascii"),
            "fingerprint": self.fingerprint,
        }

    def to_bytes(self) -> bytes:
        """The key file's contents."""
        return (json.dumps(self.to_json(), indent=2) + "\n").encode("utf-8")

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())

    @classmethod
    def read(cls, path: Path) -> HqPublicKey:
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise KeyFileError(
                _("{path} is not a usable HQ public key ({error}).").format(path=path, error=exc)
            ) from exc
        return cls.parse(payload, path)

    @classmethod
    def parse(cls, payload: bytes, path: Path) -> HqPublicKey:
        """The key in a key file's contents; ``path`` names the file in the message."""
        try:
            document = json.loads(payload.decode("utf-8"))
            if not isinstance(document, dict) or document.get("type") != HQ_KEY_TYPE:
                raise ValueError(_("not an HQ public key file"))
            raw = base64.b64decode(document["x25519"], validate=True)
            X25519PublicKey.from_public_bytes(raw)
        except (KeyError, ValueError, TypeError) as exc:
            raise KeyFileError(
                _("{path} is not a usable HQ public key ({error}).").format(path=path, error=exc)
            ) from exc
        return cls(raw)


def hq_private_key(data_dir: Path) -> X25519PrivateKey:
    """HQ's private key; a clear error when ``outreach hq init`` has not been run."""
    path = data_dir / HQ_PRIVATE_FILE
    if not path.exists():
        raise KeyFileError(
            _(
                "No HQ key in {folder}. Run 'outreach hq init' first (with the same --data-dir)."
            ).format(folder=data_dir)
        )
    return _load_private(path, X25519PrivateKey)


def init_hq_key(data_dir: Path) -> tuple[HqPublicKey, bool]:
    """Make HQ's key pair unless it exists; returns the public key and whether it is new."""
    path = data_dir / HQ_PRIVATE_FILE
    created = not path.exists()
    if created:
        _write_private(path, _pem(X25519PrivateKey.generate()))
    public = HqPublicKey(_raw_public(hq_private_key(data_dir).public_key()))
    public.write(data_dir / HQ_PUBLIC_FILE)
    return public, created


def hq_public_of(private: X25519PrivateKey) -> HqPublicKey:
    return HqPublicKey(_raw_public(private.public_key()))
