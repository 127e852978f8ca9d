"""HQ's merge of a bundle in bulk. On PostgreSQL the database does it: the lines are
staged raw, then parsed, checked and merged with set-based SQL (jsonb). On SQLite, whose
JSON functions parse a text again for every statement that reads it, each line is parsed
once in Python and the winners go straight into HQ's tables.

It covers records of the shape an Outreach laptop writes (docs/export-to-hq.md): the
right JSON type for every field it reads, integers of at most nine digits. A bundle with
any other record is left to the merge in Python (:meth:`HqService._merge_records`), which
refuses it with the message naming the problem, or reads it as it always did; so the two
give the same database and the same counts.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator, Sequence

from sqlalchemy import Connection

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


class _Dialect:
    """SQL fragments over a JSON document ``doc`` (one record, or one element of a list)."""

    name = ""
    stage_type = "TEXT"
    records = ""  # the table of staged records, as s

    def type(self, doc: str, key: str) -> str:
        raise NotImplementedError

    def text(self, doc: str, key: str) -> str:
        raise NotImplementedError

    def integer(self, doc: str, key: str) -> str:
        raise NotImplementedError

    def is_true(self, doc: str, key: str) -> str:
        raise NotImplementedError

    def elements(self, doc: str, key: str) -> str:
        """A table of the list's elements as ``value`` (JSON), in order as ``ordinal``."""
        raise NotImplementedError

    def element_text(self) -> str:
        raise NotImplementedError

    def element_join(self, doc: str, key: str) -> str:
        """The list's elements as ``j.value``, joined in a FROM clause."""
        raise NotImplementedError

    def words(self, doc: str, key: str) -> str:
        raise NotImplementedError

    def accepts(self, doc: str, key: str, allowed: Sequence[str]) -> str:
        """Whether the key holds one of the allowed kinds of value."""
        kind = f"coalesce({self.type(doc, key)}, 'absent')"
        tests = []
        names = [a for a in allowed if a not in (_INT, _BOOL, _TEXT)]
        if _TEXT in allowed:
            names.append(self.text_type)
        if _BOOL in allowed:
            names.extend(self.bool_types)
        if names:
            tests.append(f"{kind} IN ({', '.join(repr(n) for n in names)})")
        if _INT in allowed:
            tests.append(self.integer_ok(doc, key))
        return "(" + " OR ".join(tests) + ")"

    text_type = "text"
    bool_types: tuple[str, ...] = ("true", "false")

    def integer_ok(self, doc: str, key: str) -> str:
        raise NotImplementedError


class _Postgres(_Dialect):
    name = "postgresql"
    records = "hq_stage"
    stage_type = "JSONB"
    text_type = "string"
    bool_types = ("boolean",)

    def type(self, doc: str, key: str) -> str:
        return f"jsonb_typeof({doc} -> '{key}')"

    def text(self, doc: str, key: str) -> str:
        return f"({doc} ->> '{key}')"

    def integer(self, doc: str, key: str) -> str:
        return f"({doc} ->> '{key}')::integer"

    def is_true(self, doc: str, key: str) -> str:
        return f"coalesce(({doc} -> '{key}') = 'true'::jsonb, false)"

    def integer_ok(self, doc: str, key: str) -> str:
        return (
            f"(coalesce({self.type(doc, key)}, 'absent') = 'number'"
            f" AND ({doc} ->> '{key}') ~ '^-?[0-9]{{1,{_MAX_DIGITS}}}$')"
        )

    def elements(self, doc: str, key: str) -> str:
        return (
            f"(SELECT value, jsonb_typeof(value) AS type, ordinal FROM jsonb_array_elements("
            f"CASE WHEN jsonb_typeof({doc} -> '{key}') = 'array' THEN {doc} -> '{key}'"
            f" ELSE '[]'::jsonb END) WITH ORDINALITY AS e(value, ordinal))"
        )

    def element_text(self) -> str:
        return "(j.value #>> '{}')"

    def element_join(self, doc: str, key: str) -> str:
        return (
            f"jsonb_array_elements(CASE WHEN jsonb_typeof({doc} -> '{key}') = 'array'"
            f" THEN {doc} -> '{key}' ELSE '[]'::jsonb END) WITH ORDINALITY AS j(value, ordinal)"
        )

    def element_is_text(self) -> str:
        return "j.type = 'string'"

    def words(self, doc: str, key: str) -> str:
        return (
            f"coalesce((SELECT string_agg(value, ' ' ORDER BY ordinal) FROM"
            f" jsonb_array_elements_text(CASE WHEN jsonb_typeof({doc} -> '{key}') = 'array'"
            f" THEN {doc} -> '{key}' ELSE '[]'::jsonb END) WITH ORDINALITY AS w(value, ordinal)),"
            f" '')"
        )

    def array_ok(self, doc: str, key: str) -> str:
        return f"coalesce({self.type(doc, key)}, 'absent') IN ('array', 'absent')"


DIALECTS: dict[str, _Dialect] = {"postgresql": _Postgres()}


def supported(connection: Connection) -> bool:
    """Whether this database can merge in SQL (else the merge runs in Python)."""
    dialect = connection.dialect
    return dialect.name == "sqlite" or (
        dialect.name == "postgresql" and dialect.driver == "psycopg"
    )


def _shape_sql(d: _Dialect) -> str:
    """The first staged line that is not a record of the usual shape of this laptop."""
    doc = "s.line"
    record = [
        d.accepts(doc, "id", (_TEXT,)),
        f"{d.integer_ok(doc, 'version')} AND {d.integer(doc, 'version')} >= 1",
        f"{d.accepts(doc, 'laptop_id', (_TEXT,))} AND {d.text(doc, 'laptop_id')} = :laptop",
        d.accepts(doc, "tombstone", (_BOOL, "absent")),
        *(d.array_ok(doc, key) for key in _ARRAYS),
    ]
    live = " AND ".join(d.accepts(doc, k, allowed) for k, allowed in _FIELDS.items())
    dead = " AND ".join(d.accepts(doc, k, allowed) for k, allowed in _TOMBSTONE_FIELDS.items())
    record.append(f"CASE WHEN {d.is_true(doc, 'tombstone')} THEN {dead} ELSE {live} END")
    elements = []
    for key in _WORD_LISTS:
        elements.append(
            f"NOT EXISTS (SELECT 1 FROM {d.elements(doc, key)} j WHERE NOT ({d.element_is_text()}))"
        )
    for key, fields in _ELEMENTS.items():
        checks = " AND ".join(d.accepts("j.value", k, allowed) for k, allowed in fields.items())
        elements.append(
            f"NOT EXISTS (SELECT 1 FROM {d.elements(doc, key)} j"
            f" WHERE NOT (j.type = 'object' AND {checks}))"
        )
    return (
        f"SELECT min(s.n) FROM {d.records} s WHERE NOT (jsonb_typeof(s.line) = 'object' AND "
        + " AND ".join(f"({c})" for c in record + elements)
        + ")"
    )


def _engagement_sql(d: _Dialect) -> str:
    doc = "s.line"
    dead = d.is_true(doc, "tombstone")

    def live(expression: str) -> str:
        return f"CASE WHEN {dead} THEN NULL ELSE {expression} END"

    def text_or(key: str, default: str) -> str:
        return f"coalesce({d.text(doc, key)}, '{default}')"

    columns = {
        "id": "w.id",
        "version": "w.version",
        "laptop_id": "w.laptop_id",
        "deleted": dead,
        "kind": live(d.text(doc, "kind")),
        "starts_at": live(d.text(doc, "starts_at")),
        "ends_at": live(d.text(doc, "ends_at")),
        "month": live(f"substr({d.text(doc, 'starts_at')}, 1, 7)"),
        "venue": live(text_or("venue", "")),
        "district": live(d.text(doc, "district")),
        "officer": live(text_or("officer", "")),
        "team": live(text_or("team", "")),
        "people_engaged": live(f"coalesce({d.integer(doc, 'people_engaged')}, 0)"),
        "notes": live(text_or("notes", "")),
        "burglary_date": live(d.text(doc, "burglary_date")),
        "doors_knocked": live(d.integer(doc, "doors_knocked")),
        "doors_answered": live(d.integer(doc, "doors_answered")),
        "doors_leafleted": live(d.integer(doc, "doors_leafleted")),
        "strands": live(d.words(doc, "strands")),
        "audiences": live(d.words(doc, "audiences")),
        "partners": live(d.words(doc, "partners")),
        "is_demo": live(d.is_true(doc, "is_demo")),
        "created_at": live(d.text(doc, "created_at")),
        "updated_at": f"CASE WHEN {dead} THEN {text_or('updated_at', '')}"
        f" ELSE {d.text(doc, 'updated_at')} END",
        "deleted_at": f"CASE WHEN {dead} THEN {text_or('deleted_at', '')} END",
        "survey": "NULL",
    }
    assert list(columns) == [c.name for c in engagement.columns]
    return (
        f"INSERT INTO {engagement.name} ({', '.join(columns)}) SELECT"
        f" {', '.join(columns.values())} FROM hq_win w JOIN {d.records} s ON s.n = w.n"
        " WHERE w.wins"
    )


def _children_sql(d: _Dialect) -> list[str]:
    doc = "s.line"
    source = f"FROM hq_win w JOIN {d.records} s ON s.n = w.n"
    strand, leaflet, concern, follow_up, contact = (t.name for t in CHILD_TABLES)

    def el(key: str) -> str:
        return d.text("j.value", key)

    def el_int(key: str) -> str:
        return d.integer("j.value", key)

    return [
        f"INSERT INTO {strand} (engagement_id, strand_id) SELECT DISTINCT w.id,"
        f" {d.element_text()} {source}, {d.element_join(doc, 'strands')} WHERE w.wins",
        f"INSERT INTO {leaflet} (engagement_id, topic_id, lang, count) SELECT w.id,"
        f" {el('topic')}, {el('lang')}, sum({el_int('count')}) {source},"
        f" {d.element_join(doc, 'leaflets')} WHERE w.wins GROUP BY w.id, {el('topic')},"
        f" {el('lang')}",
        f"INSERT INTO {concern} (id, engagement_id, position, raised, action, status)"
        f" SELECT {el('id')}, w.id, {el_int('position')}, {el('raised')},"
        f" coalesce({el('action')}, ''), coalesce({el('status')}, 'open') {source},"
        f" {d.element_join(doc, 'concerns')} WHERE w.wins",
        f"INSERT INTO {follow_up} (id, engagement_id, position, description, due, done_on)"
        f" SELECT {el('id')}, w.id, {el_int('position')}, {el('description')}, {el('due')},"
        f" {el('done_on')} {source}, {d.element_join(doc, 'follow_ups')} WHERE w.wins",
        f"INSERT INTO {contact} (id, engagement_id, name, phone, email, purpose,"
        f" consent_version, consent_at, retain_until) SELECT {el('id')}, w.id, {el('name')},"
        f" coalesce({el('phone')}, ''), coalesce({el('email')}, ''), {el('purpose')},"
        f" coalesce({el('consent_version')}, ''), {el('consent_at')}, {el('retain_until')}"
        f" {source}, {d.element_join(doc, 'contacts')} WHERE w.wins",
    ]


_SQL: dict[str, dict[str, object]] = {}


def _sql(d: _Dialect) -> dict[str, object]:
    if d.name not in _SQL:
        doc = "s.line"
        _SQL[d.name] = {
            "shape": _shape_sql(d),
            # the highest version of each id wins (the first line of it on a tie)
            # and wins when HQ has no copy of it or an older one
            # with what HQ holds of it (the ownership check and the counts read only hq_win)
            "latest": "INSERT INTO hq_win (n, id, version, laptop_id, dead, first_n, wins,"
            " replaced, held, held_dead, owner) SELECT t.n, t.id, t.version, t.laptop_id, t.dead,"
            " t.first_n, (e.id IS NULL OR e.version < t.version),"
            " (e.id IS NOT NULL AND e.version < t.version), e.id IS NOT NULL, e.deleted,"
            " e.laptop_id"
            f" FROM (SELECT s.n, {d.text(doc, 'id')} AS id, {d.integer(doc, 'version')} AS version,"
            f" {d.text(doc, 'laptop_id')} AS laptop_id, {d.is_true(doc, 'tombstone')} AS dead,"
            f" row_number() OVER (PARTITION BY {d.text(doc, 'id')} ORDER BY"
            f" {d.integer(doc, 'version')} DESC, s.n) AS r, min(s.n) OVER (PARTITION BY"
            f" {d.text(doc, 'id')}) AS first_n FROM {d.records} s) t"
            f" LEFT JOIN {engagement.name} e ON e.id = t.id WHERE t.r = 1",
            "engagement": _engagement_sql(d),
            "children": _children_sql(d),
            "surveys": f"SELECT w.id, s.n FROM hq_win w JOIN {d.records} s ON s.n = w.n WHERE w.wins"
            f" AND NOT w.dead AND {d.type(doc, 'survey')} = 'object'",
        }
    return _SQL[d.name]


def _create_stage(connection: Connection, d: _Dialect) -> None:
    for sql in (
        f"CREATE TEMP TABLE IF NOT EXISTS hq_stage (n INTEGER PRIMARY KEY, line {d.stage_type}"
        " NOT NULL)",
        "CREATE TEMP TABLE IF NOT EXISTS hq_win (n INTEGER PRIMARY KEY, id TEXT NOT NULL,"
        " version INTEGER NOT NULL, laptop_id TEXT NOT NULL, dead BOOLEAN NOT NULL,"
        " first_n INTEGER NOT NULL, wins BOOLEAN NOT NULL, replaced BOOLEAN NOT NULL,"
        " held BOOLEAN NOT NULL, held_dead BOOLEAN, owner TEXT)",
        "TRUNCATE hq_stage, hq_win",
    ):
        connection.exec_driver_sql(sql)


def _stage(connection: Connection, lines: list[tuple[int, str]]) -> None:
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy("COPY hq_stage (n, line) FROM STDIN") as copy:
        for row in lines:
            copy.write_row(row)


def _decoded(verified: VerifiedBundle) -> list[tuple[int, str]] | None:
    try:
        return [(n, line.decode("utf-8")) for n, line in verified.numbered_lines()]
    except UnicodeDecodeError:
        return None


def merge(connection: Connection, verified: VerifiedBundle) -> tuple[dict[str, int], int] | None:
    """Merge a verified bundle in the database: its counts and its number of records.

    None (nothing written) when a record is not of the usual shape, for the merge in
    Python to read or refuse.
    """
    if connection.dialect.name == "sqlite":
        return _merge_sqlite(connection, verified)
    d = DIALECTS[connection.dialect.name]
    lines = _decoded(verified)
    if lines is None:
        return None
    sql = _sql(d)
    _create_stage(connection, d)
    # The temporary tables have no statistics, so the planner's estimates can turn on
    # JIT compilation: EXPLAIN ANALYZE showed 0.1-2.3 s spent compiling statements that
    # run in 10-30 ms. For this transaction only.
    connection.exec_driver_sql("SET LOCAL jit = off")
    # Picking the latest of each id sorts the bundle: in memory, not in a temporary file.
    connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    savepoint = connection.begin_nested()
    try:
        _stage(connection, lines)
    except Exception:  # not JSON PostgreSQL takes (the Python merge names the problem)
        savepoint.rollback()
        return None
    savepoint.commit()
    odd = connection.exec_driver_sql(
        str(sql["shape"]).replace(":laptop", "%(laptop)s"), {"laptop": str(verified.laptop_id)}
    ).scalar()
    if odd is not None:
        return None
    connection.exec_driver_sql(str(sql["latest"]))
    owner = connection.exec_driver_sql(
        "SELECT id, owner FROM hq_win WHERE owner <> laptop_id ORDER BY first_n LIMIT 1"
    ).first()
    if owner is not None:
        raise BundleError(
            _("Record {id} belongs to laptop {owner}, not to this bundle's laptop; "
              "refused.").format(id=owner[0], owner=owner[1])
        )  # fmt: skip
    row = connection.exec_driver_sql(
        "SELECT"
        " coalesce(sum(CASE WHEN wins AND NOT dead AND NOT held THEN 1 ELSE 0 END), 0),"
        " coalesce(sum(CASE WHEN wins AND (NOT dead AND held OR dead AND held_dead)"
        "  THEN 1 ELSE 0 END), 0),"
        " coalesce(sum(CASE WHEN wins THEN 0 ELSE 1 END), 0),"
        " coalesce(sum(CASE WHEN wins AND dead AND (NOT held OR NOT held_dead)"
        "  THEN 1 ELSE 0 END), 0)"
        " FROM hq_win"
    ).one()
    counts = {"new": row[0], "updated": row[1], "unchanged": row[2], "deleted": row[3]}
    replaced = "SELECT id FROM hq_win WHERE replaced"
    for table in CHILD_TABLES:
        connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE engagement_id IN ({replaced})")
    connection.exec_driver_sql(f"DELETE FROM {engagement.name} WHERE id IN ({replaced})")
    connection.exec_driver_sql(str(sql["engagement"]))
    for statement in sql["children"]:  # type: ignore[union-attr]
        connection.exec_driver_sql(statement)
    surveys = connection.exec_driver_sql(str(sql["surveys"])).all()
    if surveys:
        text = dict(lines)
        connection.exec_driver_sql(
            f"UPDATE {engagement.name} SET survey = %s WHERE id = %s",
            [
                (
                    json.dumps(json.loads(text[n])["survey"], ensure_ascii=False, sort_keys=True),
                    ident,
                )
                for ident, n in surveys
            ],
        )
    counts["rejected"] = 0
    return counts, len(lines)


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
    """Whether a parsed line is a record of the usual shape (as :func:`_shape_sql`)."""
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


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused (JSON makes no cycles): otherwise it
    traverses the growing heap of parsed records again and again (json.loads of 10,000
    lines: ~600 ms of CPU with it, ~85 ms without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _merge_sqlite(
    connection: Connection, verified: VerifiedBundle
) -> tuple[dict[str, int], int] | None:
    """SQLite: each line parsed once (json.loads), checked, and its winner inserted
    straight into HQ's tables; the same database and counts as the merge in Python."""
    with _without_cyclic_gc():
        return _merge_parsed(connection, verified)


def _merge_parsed(
    connection: Connection, verified: VerifiedBundle
) -> tuple[dict[str, int], int] | None:
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
