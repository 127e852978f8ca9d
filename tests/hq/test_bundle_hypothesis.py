"""Property-based: a damaged bundle, at any byte and in any member, is refused with a
message and leaves HQ's database as it was; nothing crashes.

``OUTREACH_HYPOTHESIS_EXAMPLES`` raises the number of examples (default 40 per test).
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.exchange.envelope import open_sealed, seal
from outreach.exchange.keys import HqPublicKey, hq_private_key
from tests.hq.conftest import dump, enrol_all, hq_service

EXAMPLES = int(os.environ.get("OUTREACH_HYPOTHESIS_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def genuine(tmp_path, laptops, hq_folder):
    from outreach.engagements.demo import generate

    north = laptops[0]
    s = north.services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 12, seed=4)
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    bundle = north.export(tmp_path / "genuine.bundle").read_bytes()
    yield service, bundle, hq_folder, tmp_path
    service.engine.dispose()


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    mutable = bytearray(data)
    for position, value in edits:
        index = position % len(mutable)
        mutable[index] = (mutable[index] + value) % 256 or 1
    if cut is not None:
        del mutable[cut % len(mutable) :]
    return bytes(mutable)


def _refused_unchanged(service, path) -> None:
    before = dump(service.engine)
    outcome = service.import_bundles([path])[0]  # must not raise
    assert not outcome.ok, "a damaged bundle was accepted"
    assert outcome.error and len(outcome.error) > 10, outcome.error
    assert dump(service.engine) == before


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), max_size=4),
    cut=st.one_of(st.none(), st.integers(0, 10**9)),
)
def test_damage_anywhere_in_the_sealed_file_is_refused(genuine, edits, cut):
    service, bundle, _hq, tmp_path = genuine
    damaged = _mutate(bundle, edits, cut)
    if damaged == bundle:
        return
    path = tmp_path / "damaged.bundle"
    path.write_bytes(damaged)
    _refused_unchanged(service, path)


@FUZZ
@given(
    member=st.sampled_from(
        ["manifest.json", "manifest.sig", "engagements.jsonl", "engagements.csv"]
    ),
    edits=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=3),
    cut=st.one_of(st.none(), st.integers(0, 10**9)),
)
def test_damage_inside_a_member_is_refused_even_when_sealed_again(genuine, member, edits, cut):
    """A tampered bundle re-encrypted to HQ's key (so it decrypts) is still refused."""
    service, bundle, hq, tmp_path = genuine
    plain = open_sealed(bundle, hq_private_key(hq))
    members = {}
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    damaged = _mutate(members[member], edits, cut)
    if damaged == members[member]:
        return
    members[member] = damaged
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path = tmp_path / "tampered.bundle"
    path.write_bytes(seal(buffer.getvalue(), HqPublicKey.read(hq / "hq" / "hq-public.json")))
    _refused_unchanged(service, path)
