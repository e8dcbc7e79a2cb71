"""PostgreSQL full text: tsvectors built with the `indonesian` configuration, each
with a GIN index, and each holding the entry's filter tokens (facets.facet_tokens)
as lexemes, so words and filters are found in one index scan.

- `document`: every searchable column, stripped of positions and weights (phrases
  are found through `pairs`, ranks through the tiers): a third of the size, so the
  newest-first walk, which reads the `document` of each entry it passes, reads
  fewer pages; kept in the row (STORAGE MAIN, migration 0006, with the heads) while
  the file's text and the pairs go to the TOAST table first;
- `head_title` (the title) and `head` (title and summary): small, for the ranking
  tiers, each with its own statistics so the planner knows how rare a word is there;
- `pairs`: each two neighbouring stems as one lexeme (`tindak_lanjut`), so a quoted
  phrase is found in an index: PostgreSQL's GIN index has no positions, and checking
  them means reading every entry that holds the words.

Reads are plain SQL on search_searchentry, newest first by sort_key: by walking the
sort_key index back, or, when the matches are few for the entries wanted, by reading
them all from the GIN indexes (_Read._sparse); the title tiers, whose words are often
found together ("rencana strategis"), first walk a few newest entries (_Read._probe).
When the engine already knows every match (at most engine.COUNT_LIMIT), one read
among those keys tells each one's tier."""

import time
from functools import lru_cache

from django.db import connection

from .engine import Keys
from .facets import facet_tokens, filter_tokens
from .parse import Terms
from .query import SearchQuery
from .text import stem, stems, words

CONFIG = "indonesian"

_VECTOR = f"to_tsvector('{CONFIG}', %s)"
_TOKENS = "array_to_tsvector(%s::text[])"
# The engine's columns, written with the entry's row (index._insert).
COLUMNS = {
    "document": f"strip({_VECTOR}) || {_TOKENS}",
    "head_title": f"{_VECTOR} || {_TOKENS}",
    "head": f"{_VECTOR} || {_VECTOR} || {_TOKENS}",
    "pairs": _TOKENS,
}


def _clean(text: str) -> str:
    # Our stop words go before PostgreSQL sees the text: its configuration has none.
    return " ".join(words(text))


def pairs(*texts: str) -> list[str]:
    """Each two neighbouring stems of each text, joined by an underscore (which no
    word holds, see text.WORD_RE)."""
    found = set()
    for text in texts:
        found.update(map("_".join, _neighbours(stems(text))))
    return sorted(found)


# A lexeme holds at most 2,047 bytes; array_to_tsvector does not check. No word is
# this long: a longer run of letters (an encoded blob, OCR noise) pairs with nothing.
MAX_WORD = 100


def _neighbours(sequence):
    return (
        (a, b)
        for a, b in zip(sequence, sequence[1:], strict=False)
        if len(a) <= MAX_WORD and len(b) <= MAX_WORD
    )


def columns(entry) -> tuple:
    """The values of COLUMNS for an entry, in their order."""
    title, summary = _clean(entry.title), _clean(entry.summary)
    tokens = facet_tokens(entry)
    every = "\n".join((title, summary, _clean(entry.meta), _clean(entry.file_text)))
    return (
        *(every, tokens),
        *(title, tokens),
        *(title, summary, tokens),
        pairs(entry.title, entry.summary, entry.meta, entry.file_text),
    )


def write(entries) -> None:
    """Nothing more: the columns went in with the rows."""


def delete(sort_keys) -> None:
    """Entries go with their rows in search_searchentry; nothing else to remove."""


def clear() -> None:
    """As delete()."""


def optimize() -> None:
    """Fresh statistics after a rebuild: the plans depend on how rare each word is.
    (The columns keep 1,000-entry statistics, set by migration 0003.)"""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry")


def reclaim() -> None:
    """After a rebuild has committed: VACUUM frees the replaced rows. Until it runs,
    the newest-first walk passes a dead copy beside each entry (at 100,000 entries a
    search's p95 went from 27 to 95 ms until autovacuum came by)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM search_searchentry")


# The newest entries a probe walks (_Read._probe): about 2.5 ms on the head columns.
PROBE_ENTRIES = 2000
# How many times more entries than the planner estimates may hold words found
# together: it takes them as independent ("rencana strategis": 885 estimated, 6,690).
TOGETHER = 20


class _Read:
    """The entries matching every SQL condition of `where` (on alias e). `probe`: the
    conditions are on the small head columns, cheap to check while walking."""

    def __init__(self, where: list[str], params: list, probe: bool = False):
        self.where = " AND ".join(where) or "TRUE"
        self.params = params
        self.probe = probe

    def _rows(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def newest(self, limit: int, offset: int = 0) -> list[int]:
        wanted = limit + offset
        estimated, entries = self._estimate()
        if self.probe and _sparse(estimated, entries, wanted):
            if estimated * TOGETHER * PROBE_ENTRIES >= wanted * entries:
                found = self._probe(wanted)
                if len(found) == wanted:
                    return found[offset:]
        select = self._matching("e.sort_key", wanted, (estimated, entries))
        sql = f"{select} ORDER BY e.sort_key DESC LIMIT %s OFFSET %s"
        return [row[0] for row in self._rows(sql, self.params + [limit, offset])]

    def _probe(self, wanted: int) -> list[int]:
        """Up to `wanted` newest matches among the PROBE_ENTRIES newest entries: when
        there are that many, they are the newest of all."""
        walk = (
            f"SELECT e.sort_key, ({self.where}) AS hit FROM search_searchentry e "
            "ORDER BY e.sort_key DESC LIMIT %s"
        )
        sql = f"SELECT sort_key FROM ({walk}) w WHERE hit ORDER BY sort_key DESC LIMIT %s"
        return [row[0] for row in self._rows(sql, self.params + [PROBE_ENTRIES, wanted])]

    def count(self) -> int:
        sql = f"SELECT count(*) FROM search_searchentry e WHERE {self.where}"
        return self._rows(sql, self.params)[0][0]

    def facet_rows(self, limit: int) -> list[tuple]:
        select = self._matching(
            "e.sort_key, e.category, e.body_id, e.unit_id, e.year, e.file_types", limit
        )
        return self._rows(f"{select} ORDER BY e.sort_key DESC LIMIT %s", self.params + [limit])

    def _matching(self, columns: str, wanted: int, estimate=None) -> str:
        """SELECT `columns` of the matches, for reading the `wanted` newest."""
        select = f"SELECT {columns} FROM search_searchentry e WHERE {self.where}"
        if _sparse(*(estimate or self._estimate()), wanted):
            # Every match through the GIN indexes, then the newest of them.
            select = f"WITH m AS MATERIALIZED ({select}) SELECT * FROM m e"
        return select

    def _estimate(self) -> tuple[float, float]:
        """The planner's estimate of the matches, and the number of entries."""
        explain = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchentry e WHERE {self.where}"
        estimated = self._rows(explain, self.params)[0][0][0]["Plan"]["Plan Rows"]
        return estimated, _entries()


# (entries, when read): the planner's count of entries, read again after ENTRIES_KEPT
# seconds. It only weighs one way of reading against another.
_entries_read = (1.0, float("-inf"))
ENTRIES_KEPT = 60


def _entries() -> float:
    global _entries_read
    entries, read_at = _entries_read
    if time.monotonic() - read_at > ENTRIES_KEPT:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'search_searchentry'::regclass"
            )
            entries = max(cursor.fetchone()[0], 1.0)
        _entries_read = (entries, time.monotonic())
    return entries


def _sparse(estimated: float, entries: float, wanted: int) -> bool:
    """Whether reading every match costs less than walking back from the newest entry
    until enough match. The planner prices the walk too low: it does not count that
    each entry's tsvector must be read and checked, two to three times the cost of
    taking an entry from a GIN index (bench/search.py), and estimates of words found
    together run low. With d the share of N entries that match, the walk reads
    `wanted` / d entries, the index d * N."""
    return estimated**2 < wanted * entries


def _all(*tsqueries: str | None) -> str | None:
    """The tsquery text requiring each of `tsqueries` (None ones left out)."""
    return " & ".join(f"( {q} )" for q in tsqueries if q) or None


def _lexemes(lexemes) -> str | None:
    # Tokens and pairs hold letters, digits and underscores only: safe to quote.
    return " & ".join(f"'{lexeme}'" for lexeme in sorted(lexemes)) or None


@lru_cache(maxsize=256)
def _tsquery(terms: Terms) -> str | None:
    """The tsquery text of the words and phrases, as PostgreSQL stems them; None when
    nothing of them is left to look for. (The same words always give the same text.)"""
    parts, params = [], []
    if terms.words:
        parts.append(f"plainto_tsquery('{CONFIG}', %s)::text")
        params.append(" ".join(terms.words))
    for phrase in terms.phrases:
        parts.append(f"phraseto_tsquery('{CONFIG}', %s)::text")
        params.append(" ".join(phrase))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return _all(*cursor.fetchone())


def _pairs_query(terms: Terms) -> str | None:
    return _lexemes(
        {"_".join(pair) for p in terms.phrases for pair in _neighbours([stem(w) for w in p])}
    )


def matches(terms: Terms, query: SearchQuery) -> _Read:
    """The words anywhere, each phrase's neighbouring words side by side, the filters."""
    filters = _lexemes(filter_tokens(query))
    if not terms:
        return _Read(["e.document @@ %s::tsquery"], [filters]) if filters else _Read([], [])
    words_query = _tsquery(Terms(words=terms.words, phrases=())) if terms.words else None
    pairs_query = _pairs_query(terms)
    if not (words_query or pairs_query):
        return _Read(["FALSE"], [])
    where, params = [], []
    if document_query := _all(words_query, filters):
        where.append("e.document @@ %s::tsquery")
        params.append(document_query)
    if pairs_query:
        where.append("e.pairs @@ %s::tsquery")
        params.append(pairs_query)
    return _Read(where, params)


def tiers(terms: Terms, query: SearchQuery, newest: list[int], complete: bool) -> tuple:
    """The words in the title; in title and summary; anywhere else. `newest`: the
    keys of the newest matches, `complete` when they are all of them: then one read
    tells each one's tier (three reads among those keys took up to four times longer)."""
    rest = matches(terms, query)
    tsquery = _tsquery(terms)
    if tsquery is None:  # PostgreSQL dropped every word; the pairs may still match
        return (rest,)
    if complete:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.sort_key, e.head_title @@ %s::tsquery, e.head @@ %s::tsquery "
                "FROM search_searchentry e WHERE e.sort_key = ANY(%s)",
                [tsquery, tsquery, newest],
            )
            places = {key: (in_title, in_head) for key, in_title, in_head in cursor.fetchall()}
        in_title = {key for key, (title, _) in places.items() if title}
        in_head = {key for key, (_, head) in places.items() if head}
        return (
            Keys([key for key in newest if key in in_title]),
            Keys([key for key in newest if key in in_head and key not in in_title]),
            Keys([key for key in newest if key not in in_head]),
        )
    head, head_params = [], []
    if pairs_query := _pairs_query(terms):
        # A phrase must be a match's phrase: in `head`, the summary's first word
        # follows the title's last, a pair no entry holds.
        head.append("e.pairs @@ %s::tsquery")
        head_params.append(pairs_query)
    wanted = _all(tsquery, _lexemes(filter_tokens(query)))
    # A year cuts the matches tenfold, and the newest entries are mostly this year's:
    # the probe would walk its 2,000 entries for nothing.
    probe = not query.year
    return (
        _Read([*head, "e.head_title @@ %s::tsquery"], [*head_params, wanted], probe=probe),
        _Read(
            [*head, "e.head @@ %s::tsquery", "NOT e.head_title @@ %s::tsquery"],
            [*head_params, wanted, tsquery],
            probe=probe,
        ),
        _Read([rest.where, "NOT e.head @@ %s::tsquery"], [*rest.params, tsquery]),
    )
