"""Security tests derive keys at a low scrypt cost: the cost is not what they test."""

from __future__ import annotations

import pytest

from outreach.storage import crypto


@pytest.fixture(autouse=True)
def cheap_keys(monkeypatch):
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**10)
