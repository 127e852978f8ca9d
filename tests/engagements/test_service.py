"""The engagement log service: versions, history, validation, lists and purges."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.engagements.model import (
    ConcernLine,
    ContactLine,
    EngagementFilter,
    FollowUpLine,
    Kind,
    LeafletLine,
)
from outreach.engagements.service import ConflictError, EngagementError, ValidationError
from tests.engagements.conftest import stall


def test_create_edit_delete_raise_versions_and_leave_history(services):
    log = services.engagements
    ident = log.create(stall())
    record = log.get(ident)
    assert record.version == 1 and record.laptop_id == log.laptop_id
    assert len(ident) == 36
    data = record.data
    data.people_engaged = 30
    assert log.update(ident, data, expected_version=1) == 2
    assert log.update(ident, data) == 2, "saving unchanged data is not an edit"
    with pytest.raises(ConflictError):
        log.update(ident, data, expected_version=1)
    log.delete(ident)
    deleted = log.get(ident)
    assert deleted.version == 3 and deleted.deleted_at is not None
    assert log.count() == 0 and log.count(EngagementFilter(include_deleted=True)) == 1
    history = log.history(ident)
    assert [h.action for h in history] == ["create", "update", "delete"]
    assert history[1].changes == {"people_engaged": [12, 30]}
    assert all(h.actor == "PC Jo Bloggs" for h in history)


def test_validation_names_each_field(services):
    bad = stall(
        district="atlantis",
        strands=["made-up"],
        ends_at=dt.datetime(2026, 11, 20, 9, 0),
        venue="12 Elm Road, CM1 1AA",
        people_engaged=-1,
    )
    with pytest.raises(ValidationError) as caught:
        services.engagements.create(bad)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"district", "strands", "ends_at", "venue", "people_engaged"}
    assert services.engagements.count() == 0


def test_a_business_visit_may_give_the_premises_address(services):
    ident = services.engagements.create(stall(kind=Kind.PREMISES_VISIT, venue="12 Moulsham Street"))
    assert services.engagements.get(ident).data.venue == "12 Moulsham Street"


def test_cocooning_records_doors_and_the_burglary_date(services):
    visit = stall(
        kind=Kind.COCOONING, venue="Roads around Elm Close", doors_knocked=20, doors_answered=25
    )
    with pytest.raises(ValidationError) as caught:
        services.engagements.create(visit)
    assert {e.field for e in caught.value.errors} == {"burglary_date", "doors_answered"}
    visit.burglary_date = dt.date(2026, 11, 19)
    visit.doors_answered, visit.doors_leafleted = 11, 9
    record = services.engagements.get(services.engagements.create(visit))
    assert (record.data.doors_knocked, record.data.doors_answered, record.data.doors_leafleted) == (
        20,
        11,
        9,
    )


def test_leaflets_tally_and_follow_ups(services):
    log = services.engagements
    ident = log.create(stall(leaflets=[LeafletLine("doorstep-crime", "pl", 5)]))
    assert log.record_leaflets(ident, "doorstep-crime", "pl", 3) == 8
    assert log.record_leaflets(ident, "phishing-emails", "en", 2) == 2
    assert log.add_people(ident) == 13
    assert log.add_people(ident, -20) == 0
    with pytest.raises(EngagementError):
        log.record_leaflets(ident, "doorstep-crime", "pl", 0)
    data = log.get(ident).data
    assert {(x.topic_id, x.lang, x.count) for x in data.leaflets} == {
        ("doorstep-crime", "pl", 8),
        ("phishing-emails", "en", 2),
    }


def test_open_follow_ups_and_you_said_without_we_did(services):
    log = services.engagements
    ident = log.create(
        stall(
            follow_ups=[
                FollowUpLine("Send crime prevention pack", dt.date(2026, 12, 1)),
                FollowUpLine("Visit the parade of shops", dt.date(2026, 11, 28)),
            ],
            concerns=[
                ConcernLine("Speeding outside the school"),
                ConcernLine("Bike thefts", "Marking event held", "done"),
                ConcernLine("Dark alleyway", "Asked the council for a light", "promised"),
            ],
        )
    )
    follow_ups = log.open_follow_ups()
    assert [f.description for f in follow_ups] == [
        "Visit the parade of shops",
        "Send crime prevention pack",
    ]
    assert follow_ups[0].overdue(dt.date(2026, 11, 29))
    log.set_follow_up_done(ident, follow_ups[0].follow_up_id, dt.date(2026, 11, 27))
    assert [f.description for f in log.open_follow_ups()] == ["Send crime prevention pack"]
    assert [c.raised for c in log.unanswered_concerns()] == [
        "Speeding outside the school",
        "Dark alleyway",
    ]
    with pytest.raises(ValidationError):
        log.create(stall(concerns=[ConcernLine("Graffiti", "", "done")]))


def test_consented_contact_is_purged_after_retention_and_the_purge_is_logged(services):
    log = services.engagements
    today = dt.date.today()
    contact = ContactLine(
        name="A. Resident",
        phone="07700 900123",
        purpose="Call back about the bike marking event",
        consent_version="contact-consent-v1",
        consent_taken_by="PC Jo Bloggs",
        retain_until=today + dt.timedelta(days=30),
    )
    ident = log.create(stall(contacts=[contact]))
    assert log.purge_expired_contacts(today) == 0
    assert log.purge_expired_contacts(today + dt.timedelta(days=31)) == 1
    assert log.get(ident).data.contacts == []
    purge = [h for h in log.history(ident) if h.action == "purge"]
    assert len(purge) == 1 and purge[0].entity == "contact"
    assert "07700" not in str(log.history(ident)), "history never copies personal details"
    from outreach.storage.database import audit_trail

    purges = audit_trail(services.engine, "purge")
    assert [p.detail for p in purges] == ["1 contact(s) past their retention date"]


def test_contacts_need_consent_details_and_a_limited_retention(services):
    contact = ContactLine(
        name="A. Resident",
        purpose="",
        consent_version="",
        consent_taken_by="",
        retain_until=dt.date.today() + dt.timedelta(days=3000),
    )
    with pytest.raises(ValidationError) as caught:
        services.engagements.create(stall(contacts=[contact]))
    messages = " ".join(e.message for e in caught.value.errors)
    assert "phone number or e-mail" in messages and "purpose" in messages
    assert "two years" in messages and "who took the consent" in messages


def test_list_filters(services):
    log = services.engagements
    log.create(stall(venue="Colchester Castle Park stall", district="colchester"))
    log.create(stall(kind=Kind.SCHOOL_TALK, venue="Year 9 assembly", strands=["knife-crime"],
                     starts_at=dt.datetime(2025, 3, 4, 9, 0), ends_at=None))  # fmt: skip
    log.create(stall(notes="Residents worried about ŁÓDŹ-registered vans"))
    assert log.count() == 3
    assert [r.venue for r in log.rows()][-1] == "Year 9 assembly", "newest first"
    assert log.count(EngagementFilter(district="colchester")) == 1
    assert log.count(EngagementFilter(kind=Kind.SCHOOL_TALK)) == 1
    assert log.count(EngagementFilter(strand="knife-crime")) == 1
    assert log.count(EngagementFilter(strand="cyber-fraud")) == 2
    assert log.count(EngagementFilter(date_from=dt.date(2026, 1, 1))) == 2
    assert log.count(EngagementFilter(date_to=dt.date(2025, 3, 4))) == 1
    assert log.count(EngagementFilter(text="castle")) == 1
    assert log.count(EngagementFilter(text="lodz vans")) == 1
    assert log.count(EngagementFilter(text="Chelmsford")) == 2, "district names are searchable"
    assert log.count(EngagementFilter(text="100%_")) == 0


def test_drafts_survive_and_can_be_discarded(services):
    drafts = services.drafts
    drafts.save("new-engagement", {"venue": "Half-typed"})
    drafts.save("new-engagement", {"venue": "Half-typed venue"})
    assert drafts.load("new-engagement") == {"venue": "Half-typed venue"}
    assert drafts.keys() == ["new-engagement"]
    drafts.discard("new-engagement")
    assert drafts.load("new-engagement") is None


def test_engagement_data_round_trips_through_json():
    data = stall(
        follow_ups=[FollowUpLine("Call back", dt.date(2026, 12, 1))],
        leaflets=[LeafletLine("doorstep-crime", "ar", 4)],
        burglary_date=dt.date(2026, 11, 18),
    )
    from outreach.engagements.model import EngagementData

    assert EngagementData.from_json(data.to_json()) == data


def test_demo_records_are_found_by_every_filter(services):
    from outreach.engagements.demo import generate

    log = services.engagements
    assert generate(services.engine, log.vocab, log.laptop_id, 300, seed=2) == 300
    assert log.count() == 300
    for strand in ("knife-crime", "hate-crime"):
        assert 0 < log.count(EngagementFilter(strand=strand)) < 300
    assert 0 < log.count(EngagementFilter(kind=Kind.COCOONING)) < 300
    assert log.count(EngagementFilter(text="demo")) == 300
    assert all(r.is_demo and r.venue.startswith("[DEMO]") for r in log.rows(limit=300))


def test_strand_list_follows_edits_and_deletions(services):
    log = services.engagements
    ident = log.create(stall(strands=["knife-crime"]))
    assert [r.id for r in log.rows(EngagementFilter(strand="knife-crime"))] == [ident]
    data = log.get(ident).data
    data.strands, data.starts_at = ["hate-crime"], dt.datetime(2024, 1, 5, 10)
    data.ends_at = None
    log.update(ident, data)
    assert log.count(EngagementFilter(strand="knife-crime")) == 0
    assert log.count(EngagementFilter(strand="hate-crime", date_to=dt.date(2024, 1, 5))) == 1
    assert log.count(EngagementFilter(strand="hate-crime", date_from=dt.date(2024, 1, 6))) == 0
    data.venue = "Harbour front open day"
    log.update(ident, data)
    assert [r.id for r in log.rows(EngagementFilter(text="harbour", strand="hate-crime"))] == [
        ident
    ]
    assert log.count(EngagementFilter(text="harbour", kind=Kind.SCHOOL_TALK)) == 0
    log.delete(ident)
    assert log.count(EngagementFilter(strand="hate-crime")) == 0
    assert log.count(EngagementFilter(text="harbour")) == 0, "deleted records leave the word index"
