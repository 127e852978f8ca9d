"""Each engagement's bundle text: its JSON line and its CSV row, written by SQLite.

Writing this text is most of an export's work. So the app writes an engagement's text when
it saves the engagement and keeps it in ``export_text`` (migration 0003), and an export
reads text that is already written. Kept text counts only while it is of the engagement's
current version and of :data:`TEXT_VERSION`; triggers delete it whenever the engagement or
one of its child rows changes, so text that is out of date is never used. An engagement
with no usable text is written when it is exported.

No cryptography and no ORM here: the engagement service imports this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

CSV_COLUMNS = (
    "id", "version", "deleted", "kind", "starts_at", "ends_at", "venue", "district",
    "officer", "team", "people_engaged", "strands", "audiences", "partners", "leaflets",
    "concerns", "follow_ups", "doors_knocked", "doors_answered", "doors_leafleted",
    "is_demo", "updated_at",
)  # fmt: skip

# Bump whenever the text an engagement is written as changes (a field, its order, its
# format): kept text of any other version is then written again when it is exported.
TEXT_VERSION = 1

# -- the text, written by SQLite --------------------------------------------------------
# SQLite writes each engagement's JSON line and CSV row, byte
# for byte what json.dumps(export._build(...)) and bundle.csv_row write; Python only splices in
# the children, which come from one pass over each child table in engagement order. It
# covers the usual shape: times as the app stores them (whole seconds), strands,
# audiences and partners as words of [A-Za-z0-9_.:-] between single spaces, no REAL where
# a number belongs, no survey and no contacts (their consent is checked in Python). Any
# other record is built in Python from the same rows.
_STAMP = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].000000"
_WORDS = "(e.strands || '|' || e.audiences || '|' || e.partners)"
# Rows whose words are not plain, found in a whole batch at once (one search, not one a row).
_ODD_WORDS = re.compile(r"[^A-Za-z0-9_.:|\n -]|  |\| | \||^ | $", re.MULTILINE)
# One GLOB a time (a concatenation of the five costs more than the checks themselves).
_FAST = f"""(
 e.created_at GLOB '{_STAMP}' AND e.updated_at GLOB '{_STAMP}' AND e.starts_at GLOB '{_STAMP}'
 AND (e.ends_at IS NULL OR e.ends_at GLOB '{_STAMP}')
 AND (e.deleted_at IS NULL OR e.deleted_at GLOB '{_STAMP}')
 AND typeof(e.version) = 'integer' AND typeof(e.is_demo) = 'integer'
 AND 'real' NOT IN (typeof(e.people_engaged), typeof(e.doors_knocked), typeof(e.doors_answered),
  typeof(e.doors_leafleted), typeof(e.burglary_date)))"""


def _stamp(column: str) -> str:
    """_text() of a stored time that matched _STAMP."""
    return f"(substr({column}, 1, 10) || 'T' || substr({column}, 12, 8))"


def _words(column: str) -> str:
    """str.split() of single-spaced plain words, as a JSON array."""
    return f"""iif({column} = '', '[]', '["' || replace({column}, ' ', '","') || '"]')"""


def _number(column: str) -> str:
    return f"coalesce({column}, '')"


# Up to "updated_at", without the closing brace; a tombstone whole.
_JSON_HEAD = f"""iif(e.deleted_at IS NOT NULL,
 json_object('id', e.id, 'version', e.version, 'laptop_id', e.laptop_id,
  'tombstone', json('true'), 'deleted_at', {_stamp("e.deleted_at")},
  'updated_at', {_stamp("e.updated_at")}),
 rtrim(json_object('id', e.id, 'version', e.version, 'laptop_id', e.laptop_id, 'kind', e.kind,
  'starts_at', {_stamp("e.starts_at")},
  'ends_at', iif(e.ends_at IS NULL, NULL, {_stamp("e.ends_at")}),
  'venue', e.venue, 'district', e.district, 'officer', e.officer, 'team', e.team,
  'people_engaged', e.people_engaged, 'notes', e.notes, 'burglary_date', e.burglary_date,
  'doors_knocked', e.doors_knocked, 'doors_answered', e.doors_answered,
  'doors_leafleted', e.doors_leafleted), '}}')
  || ',"strands":' || {_words("e.strands")} || ',"audiences":' || {_words("e.audiences")}
  || ',"partners":' || {_words("e.partners")}
  || iif(e.is_demo, ',"is_demo":true,"created_at":"', ',"is_demo":false,"created_at":"')
  || {_stamp("e.created_at")} || '","updated_at":"' || {_stamp("e.updated_at")} || '"')"""
_PLAIN_CELLS = (
    "(e.id || e.kind || e.venue || e.district || e.officer || e.team)"
    " NOT GLOB '*[\",' || char(10) || char(13) || ']*'"
)


def _cell(column: str) -> str:
    """A CSV field as csv.writer quotes it (only when it holds a quote, comma or line end)."""
    return (
        f"""iif({column} GLOB '*[",' || char(10) || char(13) || ']*',"""
        f""" '"' || replace({column}, '"', '""') || '"', {column})"""
    )


def _csv_head(cell) -> str:
    return f"""{cell("e.id")} || ',' || e.version || ',0,' || {cell("e.kind")} || ','
  || {_stamp("e.starts_at")} || ',' || iif(e.ends_at IS NULL, '', {_stamp("e.ends_at")})
  || ',' || {cell("e.venue")} || ',' || {cell("e.district")} || ','
  || {cell("e.officer")} || ',' || {cell("e.team")} || ',' || {_number("e.people_engaged")}
  || ',' || e.strands || ',' || e.audiences || ',' || e.partners"""


# Up to "partners" (a tombstone's row whole), then from "doors_knocked" on.
_CSV_HEAD = f"""iif(e.deleted_at IS NOT NULL,
 {_cell("e.id")} || ',' || e.version || ',1' || '{"," * (len(CSV_COLUMNS) - 3)}'
  || {_stamp("e.updated_at")},
 iif({_PLAIN_CELLS}, {_csv_head(lambda c: c)}, {_csv_head(_cell)}))"""
_CSV_TAIL = f"""{_number("e.doors_knocked")} || ',' || {_number("e.doors_answered")}
  || ',' || {_number("e.doors_leafleted")} || iif(e.is_demo, ',1,', ',0,')
  || {_stamp("e.updated_at")}"""
_TEXT_SQL = f"""SELECT e.rowid, e.id, {_FAST}, e.deleted_at IS NOT NULL, {_JSON_HEAD},
 {_CSV_HEAD}, {_CSV_TAIL}, {_WORDS}, e.version FROM engagement e{{where}} ORDER BY e.rowid"""
# Each child table in one pass, as JSON arrays per engagement (rowid order), with counts.
_CHILD_TEXT_SQL = (
    "SELECT er, json_group_array(json_object('topic', topic_id, 'lang', lang, 'count', count)),"
    " count(*), sum(count) FROM (SELECT e.rowid AS er, l.topic_id, l.lang, l.count"
    " FROM engagement e JOIN leaflet_count l ON l.engagement_id = e.id{where}"
    " ORDER BY e.rowid, l.topic_id, l.lang) GROUP BY er ORDER BY er",
    "SELECT er, json_group_array(json_object('id', id, 'position', position, 'raised', raised,"
    " 'action', action, 'status', status)), count(*), 0 FROM (SELECT e.rowid AS er, c.id,"
    " c.position, c.raised, c.action, c.status FROM engagement e JOIN concern c"
    " ON c.engagement_id = e.id{where} ORDER BY e.rowid, c.position, c.id)"
    " GROUP BY er ORDER BY er",
    "SELECT er, json_group_array(json_object('id', id, 'position', position, 'description',"
    " description, 'due', due, 'done_on', done_on)), count(*), 0 FROM (SELECT e.rowid AS er,"
    " f.id, f.position, f.description, f.due, f.done_on FROM engagement e JOIN follow_up f"
    " ON f.engagement_id = e.id{where} ORDER BY e.rowid, f.position, f.id)"
    " GROUP BY er ORDER BY er",
)
# Engagements with a survey or contacts: always built in Python (their consent and scores
# are checked at export).
EXTRA_SQL = (
    "SELECT e.rowid FROM engagement e JOIN survey s ON s.engagement_id = e.id{where}"
    " UNION SELECT e.rowid FROM engagement e JOIN public_contact p ON p.engagement_id = e.id"
    "{where}"
)
_NO_CHILDREN = (1 << 62, "[]", 0, 0)


def _odd_words(rows: list[tuple]) -> set[int]:
    """The rowids of the rows whose strands, audiences or partners are not plain words."""
    text = "\n".join(row[7] or " " for row in rows)
    if text.count("\n") == len(rows) - 1 and not _ODD_WORDS.search(text):
        return set()
    return {row[0] for row in rows if row[7] is None or "\n" in row[7] or _ODD_WORDS.search(row[7])}


def _merged(cursor) -> Iterator[tuple]:
    yield from cursor
    yield _NO_CHILDREN


# One engagement's text: (rowid, id, version, tombstone, JSON line, CSV row, leaflet
# lines, concerns, follow-ups). A line of None: this one is built in Python at export.
Rendered = tuple[int, str, int, bool, str | None, str | None, int, int, int]


def render(raw, where: str = "", params: Sequence = (), size: int = 2000) -> Iterator[list]:
    """The text of the engagements ``where`` chooses (a WHERE clause over ``engagement e``,
    with its ``params``), in rowid order, in lists of up to ``size`` :data:`Rendered`.

    ``raw`` is the database's DB-API connection; all reads share its transaction.
    """
    params = tuple(params)
    extra = {row[0] for row in raw.execute(EXTRA_SQL.replace("{where}", where), params * 2)}
    leaflets, concerns, follow_ups = (
        _merged(raw.execute(sql.replace("{where}", where), params)) for sql in _CHILD_TEXT_SQL
    )
    leaflet, concern, follow_up = next(leaflets), next(concerns), next(follow_ups)
    cursor = raw.execute(_TEXT_SQL.replace("{where}", where), params)
    while rows := cursor.fetchmany(size):
        batch: list = []
        odd = _odd_words(rows)
        for rowid, ident, fast, dead, head, cells, tail, _plain, version in rows:
            while leaflet[0] < rowid:
                leaflet = next(leaflets)
            while concern[0] < rowid:
                concern = next(concerns)
            while follow_up[0] < rowid:
                follow_up = next(follow_ups)
            if not fast or rowid in extra or rowid in odd or head is None or cells is None:
                batch.append((rowid, ident, version, bool(dead), None, None, 0, 0, 0))
            elif dead:
                batch.append((rowid, ident, version, True, head, cells, 0, 0, 0))
            else:
                ours_l = leaflet if leaflet[0] == rowid else _NO_CHILDREN
                ours_c = concern if concern[0] == rowid else _NO_CHILDREN
                ours_f = follow_up if follow_up[0] == rowid else _NO_CHILDREN
                batch.append((
                    rowid, ident, version, False,
                    f'{head},"leaflets":{ours_l[1]},"concerns":{ours_c[1]},'
                    f'"follow_ups":{ours_f[1]},"survey":null,"contacts":[]}}',
                    f"{cells},{ours_l[3]},{ours_c[2]},{ours_f[2]},{tail}",
                    ours_l[2], ours_c[2], ours_f[2],
                ))  # fmt: skip
        yield batch


# Rowids given as one JSON array: one parameter however many there are.
BY_ROWID = " WHERE e.rowid IN (SELECT value FROM json_each(?))"
BY_ID = " WHERE e.id = ?"
# Engagements with no usable kept text.
UNKEPT = (
    " WHERE NOT EXISTS (SELECT 1 FROM export_text x WHERE x.engagement_rowid = e.rowid"
    f" AND x.engagement_id = e.id AND x.version = e.version AND x.format = {TEXT_VERSION})"
)
_KEEP_SQL = (
    "INSERT OR REPLACE INTO export_text (engagement_rowid, engagement_id, version, format,"
    f" tombstone, line, row, leaflets, concerns, follow_ups) VALUES (?, ?, ?, {TEXT_VERSION},"
    " ?, ?, ?, ?, ?, ?)"
)


def keep(raw, where: str = UNKEPT, params: Sequence = ()) -> int:
    """Write and keep the text of the engagements ``where`` chooses (see :func:`render`),
    in the caller's transaction; returns how many were kept. Engagements whose records are
    built in Python (a survey, contacts, odd values) keep none."""
    kept = 0
    for batch in render(raw, where, params):
        rows = [item for item in batch if item[4] is not None]
        raw.executemany(_KEEP_SQL, rows)
        kept += len(rows)
    return kept


def rowids(values: Sequence[int]) -> str:
    """The parameter :data:`BY_ROWID` takes."""
    return json.dumps(list(values))
