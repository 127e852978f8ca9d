"""HQ's merge of a bundle in bulk: each line is parsed once in Python (json.loads) and
checked, and the winners go straight into HQ's tables (executemany on SQLite, COPY on
PostgreSQL). SQLite's JSON functions parse a text again for every statement that reads
it; PostgreSQL's jsonb, staged and picked apart in SQL, cost it more CPU than the whole
COPY of the rows.

It covers records of the shape an Outreach laptop writes (docs/export-to-hq.md): the
right JSON type for every field it reads, integers of at most nine digits. A bundle with
any other record is left to the merge in Python (:meth:`HqService._merge_records`), which
refuses it with the message naming the problem, or reads it as it always did; so the two
give the same database and the same counts.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection
from sqlalchemy.exc import DataError

from outreach.collection import collection_paused
from outreach.exchange.bundle import BundleError, VerifiedBundle
from outreach.hq.schema import CHILD_TABLES, engagement
from outreach.i18n import _

# What each field may hold: canonical JSON types ("absent" when the key may be missing).
_TEXT, _INT, _BOOL = "text", "integer", "bool"
_FIELDS = {
    "kind": (_TEXT,),
    "starts_at": (_TEXT,),
    "ends_at": (_TEXT, "null", "absent"),
    "venue": (_TEXT, "absent"),
    "district": (_TEXT,),
    "officer": (_TEXT, "absent"),
    "team": (_TEXT, "absent"),
    "people_engaged": (_INT, "null", "absent"),
    "notes": (_TEXT, "absent"),
    "burglary_date": (_TEXT, "null", "absent"),
    "doors_knocked": (_INT, "null", "absent"),
    "doors_answered": (_INT, "null", "absent"),
    "doors_leafleted": (_INT, "null", "absent"),
    "is_demo": (_BOOL, "absent"),
    "created_at": (_TEXT, "null", "absent"),
    "updated_at": (_TEXT, "null", "absent"),
    "survey": ("object", "null", "absent"),
}
_TOMBSTONE_FIELDS = {
    "updated_at": (_TEXT, "null", "absent"),
    "deleted_at": (_TEXT, "null", "absent"),
}
_ARRAYS = ("strands", "audiences", "partners", "leaflets", "concerns", "follow_ups", "contacts")
_WORD_LISTS = ("strands", "audiences", "partners")  # lists of text
_ELEMENTS = {
    "leaflets": {"topic": (_TEXT,), "lang": (_TEXT,), "count": (_INT,)},
    "concerns": {
        "id": (_TEXT,),
        "position": (_INT,),
        "raised": (_TEXT,),
        "action": (_TEXT, "absent"),
        "status": (_TEXT, "absent"),
    },
    "follow_ups": {
        "id": (_TEXT,),
        "position": (_INT,),
        "description": (_TEXT,),
        "due": (_TEXT, "null", "absent"),
        "done_on": (_TEXT, "null", "absent"),
    },
    "contacts": {
        "id": (_TEXT,),
        "name": (_TEXT,),
        "phone": (_TEXT, "absent"),
        "email": (_TEXT, "absent"),
        "purpose": (_TEXT,),
        "consent_version": (_TEXT, "absent"),
        "consent_at": (_TEXT, "null", "absent"),
        "retain_until": (_TEXT,),
    },
}
_MAX_DIGITS = 9  # fits every integer column on every backend


def supported(connection: Connection) -> bool:
    """Whether this database merges in bulk (else the merge runs record by record)."""
    dialect = connection.dialect
    return dialect.name == "sqlite" or (
        dialect.name == "postgresql" and dialect.driver == "psycopg"
    )


def merge(connection: Connection, verified: VerifiedBundle) -> tuple[dict[str, int], int] | None:
    """Merge a verified bundle in the database: its counts and its number of records.

    None (nothing written) when a record is not of the usual shape, for the merge in
    Python to read or refuse.
    """
    if connection.dialect.name == "sqlite":
        return _merge_sqlite(connection, verified)
    if connection.dialect.name == "postgresql":
        return _merge_postgres(connection, verified)
    return None


# -- SQLite: each line parsed once in Python, inserted straight into HQ's tables ----------

_PY_TYPES: dict[str, tuple[type, ...]] = {
    _TEXT: (str,),
    _INT: (int,),  # exactly int: json gives bool for true/false, which is no integer here
    _BOOL: (bool,),
    "null": (type(None),),
    "object": (dict,),
    "array": (list,),
}
_LIMIT = 10**_MAX_DIGITS - 1
_Spec = tuple[tuple[str, frozenset, bool], ...]


def _py_spec(fields: dict[str, tuple[str, ...]]) -> _Spec:
    """Each field as (key, the Python types it may hold, whether it may be missing)."""
    return tuple(
        (key, frozenset(t for a in allowed if a != "absent" for t in _PY_TYPES[a]),
         "absent" in allowed)
        for key, allowed in fields.items()
    )  # fmt: skip


_LIVE_SPEC = _py_spec(_FIELDS)
_DEAD_SPEC = _py_spec(_TOMBSTONE_FIELDS)
_ELEMENT_SPECS = {key: _py_spec(fields) for key, fields in _ELEMENTS.items()}


def _fits(value: dict, spec: _Spec) -> bool:
    for key, types, optional in spec:
        if key in value:
            item = value[key]
            kind = type(item)
            if kind not in types or (kind is int and not -_LIMIT <= item <= _LIMIT):
                return False
        elif not optional:
            return False
    return True


def _usual(record: object, laptop: str) -> bool:
    """Whether a parsed line is a record of the usual shape."""
    if type(record) is not dict:
        return False
    version = record.get("version")
    tombstone = record.get("tombstone", False)
    if (
        type(record.get("id")) is not str
        or type(version) is not int
        or not 1 <= version <= _LIMIT
        or record.get("laptop_id") != laptop
        or type(tombstone) is not bool
        or not _fits(record, _DEAD_SPEC if tombstone else _LIVE_SPEC)
    ):
        return False
    for key in _ARRAYS:
        if key in record and type(record[key]) is not list:
            return False
    for key in _WORD_LISTS:
        for word in record.get(key, ()):
            if type(word) is not str:
                return False
    for key, spec in _ELEMENT_SPECS.items():
        for element in record.get(key, ()):
            if type(element) is not dict or not _fits(element, spec):
                return False
    return True


def _engagement_row(r: dict) -> tuple:
    """HQ's row of a record of the usual shape (as ``merge._engagement_row``)."""
    if r.get("tombstone"):
        return (r["id"], r["version"], r["laptop_id"], True) + (None,) * 19 + (
            r.get("updated_at") or "", r.get("deleted_at") or "", None)  # fmt: skip
    starts = r["starts_at"]
    survey = r.get("survey")
    return (
        r["id"], r["version"], r["laptop_id"], False, r["kind"], starts, r.get("ends_at"),
        starts[:7], r.get("venue", ""), r["district"], r.get("officer", ""),
        r.get("team", ""), r.get("people_engaged") or 0, r.get("notes", ""),
        r.get("burglary_date"), r.get("doors_knocked"), r.get("doors_answered"),
        r.get("doors_leafleted"), " ".join(r.get("strands", ())),
        " ".join(r.get("audiences", ())), " ".join(r.get("partners", ())),
        r.get("is_demo", False), r.get("created_at"), r.get("updated_at"), None,
        None if survey is None else json.dumps(survey, ensure_ascii=False, sort_keys=True),
    )  # fmt: skip


def _add_children(r: dict, rows: tuple[list, list, list, list, list]) -> None:
    """Append the child rows of a record of the usual shape (as ``merge._child_rows``)."""
    ident = r["id"]
    strands, leaflets, concerns, follow_ups, contacts = rows
    if words := r.get("strands"):
        strands.extend([(ident, s) for s in dict.fromkeys(words)])
    if items := r.get("leaflets"):
        summed: dict[tuple[str, str], int] = {}
        for x in items:
            key = (x["topic"], x["lang"])
            summed[key] = summed.get(key, 0) + x["count"]
        leaflets.extend([(ident, topic, lang, n) for (topic, lang), n in summed.items()])
    if items := r.get("concerns"):
        concerns.extend(
            [(c["id"], ident, c["position"], c["raised"], c.get("action", ""),
              c.get("status", "open")) for c in items]
        )  # fmt: skip
    if items := r.get("follow_ups"):
        follow_ups.extend(
            [(f["id"], ident, f["position"], f["description"], f.get("due"), f.get("done_on"))
             for f in items]
        )  # fmt: skip
    if items := r.get("contacts"):
        contacts.extend(
            [(c["id"], ident, c["name"], c.get("phone", ""), c.get("email", ""), c["purpose"],
              c.get("consent_version", ""), c.get("consent_at"), c["retain_until"])
             for c in items]
        )  # fmt: skip


_CHUNK = 5000  # ids per IN (...) list, well under SQLite's 32,766 parameters


def _winners(
    latest: dict[str, dict], held: dict[str, tuple], laptop: str
) -> tuple[dict[str, int], list[dict], list[str]]:
    """The counts, the records that win over what HQ ``held`` (id: version, deleted,
    laptop) and the ids they replace; a record of another laptop refuses the bundle."""
    counts = dict.fromkeys(("new", "updated", "unchanged", "deleted", "rejected"), 0)
    winners: list[dict] = []
    replaced: list[str] = []
    for ident, record in latest.items():
        old = held.get(ident)
        if old is not None:
            if old[2] != laptop:
                raise BundleError(
                    _("Record {id} belongs to laptop {owner}, not to this bundle's laptop; "
                      "refused.").format(id=ident, owner=old[2])
                )  # fmt: skip
            if old[0] >= record["version"]:
                counts["unchanged"] += 1
                continue
            replaced.append(ident)
        if record.get("tombstone"):
            counts["deleted" if old is None or not old[1] else "updated"] += 1
        else:
            counts["new" if old is None else "updated"] += 1
        winners.append(record)
    return counts, winners, replaced


def _merge_sqlite(
    connection: Connection, verified: VerifiedBundle
) -> tuple[dict[str, int], int] | None:
    """SQLite: each line parsed once (json.loads), checked, and its winner inserted
    straight into HQ's tables; the same database and counts as the merge in Python."""
    with collection_paused():  # JSON makes no cycles (see outreach.collection)
        return _merge_parsed(connection, verified)


def _merge_parsed(
    connection: Connection, verified: VerifiedBundle
) -> tuple[dict[str, int], int] | None:
    parsed = _parsed(verified)
    if parsed is None:
        return None
    latest, lines = parsed
    laptop = str(verified.laptop_id)
    ids = list(latest)
    held: dict[str, tuple] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        held.update(
            (row[0], row[1:])
            for row in connection.exec_driver_sql(
                f"SELECT id, version, deleted, laptop_id FROM {engagement.name}"
                f" WHERE id IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
        )
    counts, winners, replaced = _winners(latest, held, laptop)
    for start in range(0, len(replaced), _CHUNK):
        chunk = tuple(replaced[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        for table in CHILD_TABLES:
            connection.exec_driver_sql(
                f"DELETE FROM {table.name} WHERE engagement_id IN ({marks})", chunk
            )
        connection.exec_driver_sql(f"DELETE FROM {engagement.name} WHERE id IN ({marks})", chunk)
    children: tuple[list, list, list, list, list] = ([], [], [], [], [])
    for record in winners:
        _add_children(record, children)
    for table, rows in (
        (engagement, [_engagement_row(r) for r in winners]),
        *zip(CHILD_TABLES, children, strict=True),
    ):
        if rows:
            names = [c.name for c in table.columns]
            connection.exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES"
                f" ({', '.join('?' * len(names))})",
                rows,
            )
    return counts, lines


# -- PostgreSQL: each line parsed once in Python, the winners COPYed into HQ's tables -------
#
# Staging the lines as jsonb and picking them apart in SQL cost PostgreSQL ~5 s of CPU per
# 10,000 records (the strands, audiences and partners alone ~4 s, in per-row subqueries);
# json.loads and the checks SQLite uses cost Python ~0.6 s, and COPY of the rows is what
# PostgreSQL's own bulk load does. (Parsing the next bundle in the thread that reads it
# ahead was slower: the two threads' turns at the GIL stalled the COPY.)


def _parsed(verified: VerifiedBundle) -> tuple[dict[str, dict], int] | None:
    """The latest record of each id (the first line of it on a tie) in the order of their
    first lines, and the number of lines; None when a line is not of the usual shape."""
    laptop = str(verified.laptop_id)
    latest: dict[str, dict] = {}
    lines = 0
    loads = json.loads
    try:
        for _number, line in verified.numbered_lines():
            record = loads(line.decode("utf-8"))
            if not _usual(record, laptop):
                return None
            lines += 1
            ident = record["id"]
            seen = latest.get(ident)
            if seen is None or record["version"] > seen["version"]:
                latest[ident] = record
    except (ValueError, RecursionError):  # not UTF-8 or not JSON: Python names the problem
        return None
    return latest, lines


def _merge_postgres(
    connection: Connection, verified: VerifiedBundle
) -> tuple[dict[str, int], int] | None:
    """PostgreSQL: each line parsed once (json.loads) and checked as on SQLite, and the
    winners loaded with COPY straight into HQ's tables; the same database and counts as
    the merge in Python."""
    with collection_paused():  # JSON makes no cycles (see outreach.collection)
        return _merge_copied(connection, verified)


def _merge_copied(
    connection: Connection, verified: VerifiedBundle
) -> tuple[dict[str, int], int] | None:
    parsed = _parsed(verified)
    if parsed is None:
        return None
    latest, lines = parsed
    laptop = str(verified.laptop_id)
    cursor = connection.connection.driver_connection.cursor()
    cursor.execute(
        f"SELECT id, version, deleted, laptop_id FROM {engagement.name} WHERE id = ANY(%s)",
        (list(latest),),
    )
    held: dict[str, tuple] = {row[0]: row[1:] for row in cursor}
    counts, winners, replaced = _winners(latest, held, laptop)
    if replaced:
        for table in CHILD_TABLES:
            cursor.execute(f"DELETE FROM {table.name} WHERE engagement_id = ANY(%s)", (replaced,))
        cursor.execute(f"DELETE FROM {engagement.name} WHERE id = ANY(%s)", (replaced,))
    children: tuple[list, list, list, list, list] = ([], [], [], [], [])
    for record in winners:
        _add_children(record, children)
    for table, rows in (
        (engagement, [_engagement_row(r) for r in winners]),
        *zip(CHILD_TABLES, children, strict=True),
    ):
        if rows:
            copy_rows(connection, cursor, table, rows)
    return counts, lines


def copy_rows(connection: Connection, cursor, table, rows: list[tuple]) -> None:
    """COPY ``rows`` into ``table`` (psycopg); bad values raise SQLAlchemy's DataError."""
    statement = f"COPY {table.name} ({', '.join(c.name for c in table.columns)}) FROM STDIN"
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except connection.dialect.dbapi.DataError as exc:  # as SQLAlchemy would raise it
        raise DataError(statement, None, exc) from exc
