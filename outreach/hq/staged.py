"""HQ's merge done by the database: a bundle's lines are staged raw, parsed, checked and
merged with set-based SQL (SQLite's JSON functions, PostgreSQL's jsonb).

It covers records of the shape an Outreach laptop writes (docs/export-to-hq.md): the
right JSON type for every field it reads, integers of at most nine digits. A bundle with
any other record is left to the merge in Python (:meth:`HqService._merge_records`), which
refuses it with the message naming the problem, or reads it as it always did; so the two
give the same database and the same counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

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


class _SQLite(_Dialect):
    """SQLite parses a line again for every statement that reads it: each line is parsed
    once into hq_rec (a column per field and one for its JSON type), and the statements
    read those columns; only list elements (small) are parsed again."""

    name = "sqlite"
    records = "hq_rec"

    def type(self, doc: str, key: str) -> str:
        if doc in _COLUMNS:
            return f"{_COLUMNS[doc]}.k_{key}__t"
        return f"json_type({doc}, '$.{key}')"

    def text(self, doc: str, key: str) -> str:
        if doc in _COLUMNS:
            return f"{_COLUMNS[doc]}.k_{key}"
        return f"json_extract({doc}, '$.{key}')"

    integer = text

    def is_true(self, doc: str, key: str) -> str:
        return f"({self.type(doc, key)} IS 'true')"

    def integer_ok(self, doc: str, key: str) -> str:
        limit = 10**_MAX_DIGITS - 1
        return (
            f"(coalesce({self.type(doc, key)}, 'absent') = 'integer'"
            f" AND {self.text(doc, key)} BETWEEN -{limit} AND {limit})"
        )

    def _array(self, doc: str, key: str) -> str:
        return f"iif({self.type(doc, key)} = 'array', {self.text(doc, key)}, '[]')"

    def elements(self, doc: str, key: str) -> str:
        return f"(SELECT value, type, key AS ordinal FROM json_each({self._array(doc, key)}))"

    def element_text(self) -> str:
        return "j.value"

    def element_join(self, doc: str, key: str) -> str:
        return f"json_each({self._array(doc, key)}) j"

    def element_is_text(self) -> str:
        return "j.type = 'text'"

    def words(self, doc: str, key: str) -> str:
        return (
            f"coalesce((SELECT group_concat(value, ' ') FROM json_each({self._array(doc, key)})),"
            " '')"
        )

    def array_ok(self, doc: str, key: str) -> str:
        return f"coalesce({self.type(doc, key)}, 'absent') IN ('array', 'absent')"


# On SQLite a record (s.line) and an element of a list of objects (e.value) are read from
# the columns they were parsed into (hq_rec, hq_el_*), not parsed again.
_COLUMNS = {"s.line": "s", "e.value": "e"}
_KEYS = sorted({"id", "version", "laptop_id", "tombstone", *_FIELDS, *_TOMBSTONE_FIELDS, *_ARRAYS})
_REC_SQL = (
    "CREATE TEMP TABLE IF NOT EXISTS hq_rec (n INTEGER PRIMARY KEY, "
    + ", ".join(f"k_{k}, k_{k}__t" for k in _KEYS)
    + ")",
    "INSERT INTO hq_rec SELECT n, "
    + ", ".join(f"json_extract(line, '$.{k}'), json_type(line, '$.{k}')" for k in _KEYS)
    + " FROM hq_stage",
)
# The elements of each list, parsed once (and only for records of the usual shape, which
# hq_rec's checks come first): the shape check and the child rows read these columns.
_EL_TABLES = {"strands": ("value",), **{k: tuple(f) for k, f in _ELEMENTS.items()}}


def _el_sql(key: str) -> tuple[str, str]:
    fields = _EL_TABLES[key]
    if key == "strands":
        columns, values = "k_value", "j.value"
    else:
        columns = ", ".join(f"k_{f}, k_{f}__t" for f in fields)
        obj = "iif(j.type = 'object', j.value, '{}')"
        values = ", ".join(
            f"json_extract({obj}, '$.{f}'), json_type({obj}, '$.{f}')" for f in fields
        )
    return (
        f"CREATE TEMP TABLE IF NOT EXISTS hq_el_{key} (n INTEGER NOT NULL, type TEXT, {columns})",
        f"INSERT INTO hq_el_{key} SELECT s.n, j.type, {values} FROM hq_rec s,"
        f" json_each(s.k_{key}) j WHERE s.k_{key}__t = 'array'",
    )


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


DIALECTS: dict[str, _Dialect] = {"sqlite": _SQLite(), "postgresql": _Postgres()}


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
    for key in ("strands", "audiences", "partners"):
        if d.name == "sqlite" and key in _EL_TABLES:
            continue  # checked in hq_el_* (_element_shape_sql)
        elements.append(
            f"NOT EXISTS (SELECT 1 FROM {d.elements(doc, key)} j WHERE NOT ({d.element_is_text()}))"
        )
    for key, fields in _ELEMENTS.items():
        if d.name == "sqlite":
            continue
        checks = " AND ".join(d.accepts("j.value", k, allowed) for k, allowed in fields.items())
        elements.append(
            f"NOT EXISTS (SELECT 1 FROM {d.elements(doc, key)} j"
            f" WHERE NOT (j.type = 'object' AND {checks}))"
        )
    valid = "" if d.name == "sqlite" else "jsonb_typeof(s.line) = 'object' AND "
    return (
        f"SELECT min(s.n) FROM {d.records} s WHERE NOT ({valid}"
        + " AND ".join(f"({c})" for c in record + elements)
        + ")"
    )


def _element_shape_sql(d: _SQLite) -> list[str]:
    """SQLite: the first element, parsed into hq_el_*, that is not of the usual shape."""
    queries = ["SELECT min(e.n) FROM hq_el_strands e WHERE NOT (e.type = 'text')"]
    for key, fields in _ELEMENTS.items():
        checks = " AND ".join(d.accepts("e.value", k, allowed) for k, allowed in fields.items())
        queries.append(
            f"SELECT min(e.n) FROM hq_el_{key} e WHERE NOT (e.type = 'object' AND {checks})"
        )
    return queries


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

    if d.name == "sqlite":
        return _sqlite_children_sql(d)
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


def _sqlite_children_sql(d: _Dialect) -> list[str]:
    """The child rows from the elements parsed into hq_el_* (the same rows as the generic
    statements, without parsing the lists again)."""
    strand, leaflet, concern, follow_up, contact = (t.name for t in CHILD_TABLES)

    def source(key: str) -> str:
        return f"FROM hq_el_{key} e JOIN hq_win w ON w.n = e.n WHERE w.wins"

    return [
        f"INSERT INTO {strand} (engagement_id, strand_id) SELECT DISTINCT w.id, e.k_value"
        f" {source('strands')}",
        f"INSERT INTO {leaflet} (engagement_id, topic_id, lang, count) SELECT w.id,"
        f" e.k_topic, e.k_lang, sum(e.k_count) {source('leaflets')} GROUP BY w.id, e.k_topic,"
        " e.k_lang",
        f"INSERT INTO {concern} (id, engagement_id, position, raised, action, status)"
        " SELECT e.k_id, w.id, e.k_position, e.k_raised, coalesce(e.k_action, ''),"
        f" coalesce(e.k_status, 'open') {source('concerns')}",
        f"INSERT INTO {follow_up} (id, engagement_id, position, description, due, done_on)"
        " SELECT e.k_id, w.id, e.k_position, e.k_description, e.k_due, e.k_done_on"
        f" {source('follow_ups')}",
        f"INSERT INTO {contact} (id, engagement_id, name, phone, email, purpose,"
        " consent_version, consent_at, retain_until) SELECT e.k_id, w.id, e.k_name,"
        " coalesce(e.k_phone, ''), coalesce(e.k_email, ''), e.k_purpose,"
        " coalesce(e.k_consent_version, ''), e.k_consent_at, e.k_retain_until"
        f" {source('contacts')}",
    ]


_SQL: dict[str, dict[str, object]] = {}


def _sql(d: _Dialect) -> dict[str, object]:
    if d.name not in _SQL:
        doc = "s.line"
        _SQL[d.name] = {
            "shape": _shape_sql(d),
            "element_shape": _element_shape_sql(d) if isinstance(d, _SQLite) else [],
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
    clear = "TRUNCATE hq_stage, hq_win" if d.name == "postgresql" else None
    for sql in (
        f"CREATE TEMP TABLE IF NOT EXISTS hq_stage (n INTEGER PRIMARY KEY, line {d.stage_type}"
        " NOT NULL)",
        "CREATE TEMP TABLE IF NOT EXISTS hq_win (n INTEGER PRIMARY KEY, id TEXT NOT NULL,"
        " version INTEGER NOT NULL, laptop_id TEXT NOT NULL, dead BOOLEAN NOT NULL,"
        " first_n INTEGER NOT NULL, wins BOOLEAN NOT NULL, replaced BOOLEAN NOT NULL,"
        " held BOOLEAN NOT NULL, held_dead BOOLEAN, owner TEXT)",
        *([] if clear else [_REC_SQL[0], *(_el_sql(key)[0] for key in _EL_TABLES)]),
        *(
            [clear]
            if clear
            else [
                "DELETE FROM hq_stage",
                "DELETE FROM hq_win",
                "DELETE FROM hq_rec",
                *(f"DELETE FROM hq_el_{key}" for key in _EL_TABLES),
            ]
        ),
    ):
        connection.exec_driver_sql(sql)


def _stage(connection: Connection, d: _Dialect, lines: list[tuple[int, str]]) -> None:
    if d.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy("COPY hq_stage (n, line) FROM STDIN") as copy:
            for row in lines:
                copy.write_row(row)
    else:
        connection.exec_driver_sql("INSERT INTO hq_stage (n, line) VALUES (?, ?)", lines)


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
    d = DIALECTS[connection.dialect.name]
    lines = _decoded(verified)
    if lines is None:
        return None
    sql = _sql(d)
    _create_stage(connection, d)
    laptop = str(verified.laptop_id)
    if d.name == "postgresql":
        # The temporary tables have no statistics, so the planner's estimates can turn on
        # JIT compilation: EXPLAIN ANALYZE showed 0.1-2.3 s spent compiling statements that
        # run in 10-30 ms. For this transaction only.
        connection.exec_driver_sql("SET LOCAL jit = off")
        # Picking the latest of each id sorts the bundle: in memory, not in a temporary file.
        connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        savepoint = connection.begin_nested()
        try:
            _stage(connection, d, lines)
        except Exception:  # not JSON PostgreSQL takes (the Python merge names the problem)
            savepoint.rollback()
            return None
        savepoint.commit()
    else:
        _stage(connection, d, lines)
        broken = connection.exec_driver_sql(
            "SELECT min(n) FROM hq_stage WHERE NOT (json_valid(line) AND json_type(line) = 'object')"
        ).scalar()
        if broken is not None:
            return None
        connection.exec_driver_sql(_REC_SQL[1])
    odd = connection.exec_driver_sql(
        str(sql["shape"]).replace(":laptop", "%(laptop)s" if d.name == "postgresql" else "?"),
        {"laptop": laptop} if d.name == "postgresql" else (laptop,),
    ).scalar()
    if odd is not None:
        return None
    if d.name == "sqlite":  # the records are of the usual shape: parse their lists once
        for key in _EL_TABLES:
            connection.exec_driver_sql(_el_sql(key)[1])
        for query in sql["element_shape"]:  # type: ignore[union-attr]
            if connection.exec_driver_sql(query).scalar() is not None:
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
        mark = "%s" if d.name == "postgresql" else "?"
        connection.exec_driver_sql(
            f"UPDATE {engagement.name} SET survey = {mark} WHERE id = {mark}",
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
