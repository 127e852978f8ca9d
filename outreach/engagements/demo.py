"""Realistic, clearly marked demo engagements (``outreach demo``).

Every demo record has ``is_demo`` set and its venue starts with "[DEMO]", so nobody
mistakes it for real work and an export can leave it out.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import Engine, insert, literal_column, select

from outreach.advice.textfold import fold
from outreach.engagements.model import ConcernStatus, Kind
from outreach.engagements.service import FTS_INSERT, Vocabulary
from outreach.exchange import rendered
from outreach.storage.models import (
    Concern,
    EditEvent,
    Engagement,
    EngagementStrand,
    FollowUp,
    LeafletCount,
)

VENUES = {
    Kind.STALL: ["High Street market stall", "Supermarket foyer", "Summer fete", "Library open day",
                 "Railway station concourse", "Car boot sale", "Community fun day"],
    Kind.STREET_BRIEFING: ["Town centre walkabout", "Precinct briefing", "Seafront patrol briefing"],
    Kind.SCHOOL_TALK: ["Secondary school assembly", "Primary school Year 6 class",
                       "Sixth form college", "Youth club session"],
    Kind.FAITH_GROUP: ["Mosque open day", "Gurdwara langar", "Church hall coffee morning",
                       "Synagogue community lunch", "Hindu temple festival"],
    Kind.RESIDENTS_MEETING: ["Residents' association meeting", "Parish council meeting",
                             "Neighbourhood Watch meeting", "Sheltered housing lounge"],
    Kind.PREMISES_VISIT: ["Convenience store", "Town centre pub", "Late-night takeaway",
                          "Accountants' office", "Arable farm", "Pharmacy", "Nightclub"],
    Kind.COCOONING: ["Streets around a burglary", "Cul-de-sac after a burglary",
                     "Close near the recreation ground"],
    Kind.PARTNER_MEETING: ["Community Safety Partnership meeting", "Pubwatch meeting",
                           "Safeguarding partnership meeting"],
    Kind.ONLINE_SESSION: ["Online scams webinar", "Parents' online safety evening"],
}  # fmt: skip
CONCERNS = [
    ("Speeding cars outside the school at pick-up time", "Passed to the roads policing team for a speed check"),
    ("Youths gathering in the park after dark", "Extra patrols promised on Friday evenings"),
    ("Worried about cold callers in the street", "Handed out no cold calling stickers"),
    ("Bikes stolen from the station racks", "Bike marking event booked"),
    ("Drug dealing near the flats", "Intelligence passed to the local disruptor team"),
    ("Shoplifting at the parade of shops", "Business Crime Team visit arranged"),
    ("Fly-tipping in the lane", "Reported to the council"),
    ("Scam phone calls to an elderly neighbour", "Call blocker advice given"),
]  # fmt: skip
FOLLOW_UPS = ["Send the leaflet pack by post", "Revisit the premises to check the new lighting",
              "Report back to the residents' meeting", "Book a bike marking session",
              "Arrange a school assembly on knife crime"]  # fmt: skip
KIND_WEIGHTS = [(Kind.STALL, 25), (Kind.STREET_BRIEFING, 15), (Kind.SCHOOL_TALK, 12),
                (Kind.FAITH_GROUP, 6), (Kind.RESIDENTS_MEETING, 10), (Kind.PREMISES_VISIT, 14),
                (Kind.COCOONING, 10), (Kind.PARTNER_MEETING, 5), (Kind.ONLINE_SESSION, 3)]  # fmt: skip
BATCH = 5000


def generate(
    engine: Engine,
    vocab: Vocabulary,
    laptop_id: str,
    count: int,
    seed: int = 1,
    officer: str = "PC Demo",
    years: int = 4,
    today: dt.date | None = None,
) -> int:
    """Insert ``count`` demo engagements spread over districts, strands, kinds and years."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    first_day = today - dt.timedelta(days=365 * years)
    span_days = (today - first_day).days
    districts = sorted(vocab.districts)
    teams = sorted(vocab.teams)
    strands = sorted(vocab.strands)
    audiences = sorted(vocab.audiences)
    partners = sorted(vocab.partners)
    topics = sorted(vocab.topics) or ["doorstep-crime"]
    languages = sorted(vocab.languages) or ["en"]
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    now = dt.datetime.now().replace(microsecond=0)
    made = 0
    with engine.begin() as connection:
        while made < count:
            engagements, leaflets, concerns, follow_ups, events = [], [], [], [], []
            links = []
            fts_rows = []
            for _ in range(min(BATCH, count - made)):
                ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                kind = rng.choices(kinds, weights)[0]
                day = first_day + dt.timedelta(days=rng.randrange(span_days + 1))
                hour = (
                    rng.randint(19, 22)
                    if kind == Kind.PARTNER_MEETING and rng.random() < 0.3
                    else rng.randint(8, 18)
                )
                starts = dt.datetime.combine(day, dt.time(hour, rng.choice((0, 15, 30, 45))))
                district = rng.choice(districts)
                venue = "[DEMO] " + rng.choice(VENUES[kind])
                chosen = rng.sample(strands, rng.randint(1, 3))
                people = rng.randint(3, 120) if kind == Kind.STALL else rng.randint(1, 40)
                picked_concerns = rng.sample(CONCERNS, rng.choice([0, 0, 1, 1, 2]))
                row = {
                    "id": ident,
                    "version": 1,
                    "laptop_id": laptop_id,
                    "kind": kind.value,
                    "starts_at": starts,
                    "ends_at": starts + dt.timedelta(minutes=rng.choice([30, 60, 90, 120, 180])),
                    "venue": venue,
                    "district": district,
                    "officer": officer,
                    "team": rng.choice(teams),
                    "people_engaged": people,
                    "notes": "Demo record made by 'outreach demo'.",
                    "burglary_date": None,
                    "doors_knocked": None,
                    "doors_answered": None,
                    "doors_leafleted": None,
                    "strands": " ".join(chosen),
                    "audiences": " ".join(rng.sample(audiences, rng.randint(1, 2))),
                    "partners": " ".join(rng.sample(partners, rng.choice([0, 0, 1, 2]))),
                    "is_demo": True,
                    "created_at": now,
                    "updated_at": now,
                    "deleted_at": None,
                }
                if kind == Kind.COCOONING:
                    knocked = rng.randint(10, 60)
                    answered = rng.randint(0, knocked)
                    row.update(
                        burglary_date=(starts - dt.timedelta(days=rng.randint(0, 3))).date(),
                        doors_knocked=knocked,
                        doors_answered=answered,
                        doors_leafleted=knocked - answered,
                        strands="burglary-robbery",
                    )
                text_parts = [venue, row["notes"], officer, vocab.names.get(district, district)]
                for position, (raised, action) in enumerate(picked_concerns):
                    status = rng.choice(
                        [ConcernStatus.OPEN, ConcernStatus.PROMISED, ConcernStatus.DONE]
                    )
                    concerns.append(
                        {
                            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            "engagement_id": ident,
                            "position": position,
                            "raised": raised,
                            "action": action if status != ConcernStatus.OPEN else "",
                            "status": status.value,
                        }
                    )
                    text_parts += [raised, action]
                fts_rows.append(
                    {
                        "id": ident,
                        "search_text": " " + fold(" ".join(text_parts)) + " ",
                        "starts_at": starts.isoformat(sep=" "),
                        "kind": row["kind"],
                        "district": district,
                        "strands": " " + row["strands"] + " ",
                    }
                )
                for topic in rng.sample(topics, rng.choice([0, 1, 1, 2, 3])):
                    lang = "en" if rng.random() < 0.6 else rng.choice(languages)
                    leaflets.append(
                        {
                            "engagement_id": ident,
                            "topic_id": topic,
                            "lang": lang,
                            "count": rng.randint(1, 25),
                        }
                    )
                if rng.random() < 0.15:
                    due = starts.date() + dt.timedelta(days=rng.randint(7, 60))
                    follow_ups.append(
                        {
                            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            "engagement_id": ident,
                            "position": 0,
                            "description": rng.choice(FOLLOW_UPS),
                            "due": due,
                            "done_on": due if due < today and rng.random() < 0.8 else None,
                        }
                    )
                events.append(
                    {
                        "at": now,
                        "actor": officer,
                        "entity": "engagement",
                        "entity_id": ident,
                        "action": "create",
                        "changes": '{"demo": [null, true]}',
                    }
                )
                links += [
                    {"engagement_id": ident, "strand_id": s, "starts_at": starts}
                    for s in row["strands"].split()
                ]
                engagements.append(row)
            connection.execute(insert(Engagement), engagements)
            rowid = literal_column("rowid")
            rowids = dict(
                connection.execute(
                    select(Engagement.id, rowid).where(
                        Engagement.id.in_([r["id"] for r in engagements])
                    )
                ).all()
            )
            connection.execute(
                FTS_INSERT,
                [
                    {k: v for k, v in r.items() if k != "id"} | {"rowid": rowids[r["id"]]}
                    for r in fts_rows
                ],
            )
            for table, rows in (
                (EngagementStrand, links),
                (LeafletCount, leaflets),
                (Concern, concerns),
                (FollowUp, follow_ups),
                (EditEvent, events),
            ):
                if rows:
                    connection.execute(insert(table), rows)
            made += len(engagements)
        # The bundle text the app keeps for every engagement it saves (see rendered.py).
        rendered.keep(connection.connection.driver_connection)
    with engine.connect() as connection:  # fresh statistics for the planner after a bulk load
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return made
