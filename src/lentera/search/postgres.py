"""PostgreSQL full text: tsvectors built with the `indonesian` configuration, each
with a GIN index, and each holding the entry's filter tokens (facets.facet_tokens)
as lexemes, so words and filters are found in one index scan.

- `document`: every searchable column, weighted A (title) to D (file text);
- `head_title` (the title) and `head` (title and summary): small, for the ranking
  tiers, each with its own statistics so the planner knows how rare a word is there;
- `pairs`: each two neighbouring stems as one lexeme (`tindak_lanjut`), so a quoted
  phrase is found in an index: PostgreSQL's GIN index has no positions, and checking
  them means reading every entry that holds the words.

Reads are plain SQL on search_searchentry, newest first by sort_key. When the engine
already knows every match (at most engine.COUNT_LIMIT), the tiers are read among
those keys only: the planner cannot tell a rare word from a missing one, and might
otherwise walk the whole table backwards looking for a page that is not there."""

from functools import lru_cache

from django.db import connection

from .engine import COUNT_LIMIT
from .facets import facet_tokens, filter_tokens
from .parse import Terms
from .query import SearchQuery
from .text import stem, stems, words

CONFIG = "indonesian"

_VECTOR = f"to_tsvector('{CONFIG}', %s)"
_TOKENS = "array_to_tsvector(%s::text[])"
_DOCUMENT = " || ".join(
    f"setweight({_VECTOR}, '{weight}')" for weight in "ABCD"
)  # title, summary, meta, file text


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


def write(entries) -> None:
    rows = []
    for e in entries:
        title, summary = _clean(e.title), _clean(e.summary)
        tokens = facet_tokens(e)
        rows.append(
            (
                *(title, summary, _clean(e.meta), _clean(e.file_text), tokens),
                *(title, tokens),
                *(title, summary, tokens),
                pairs(e.title, e.summary, e.meta, e.file_text),
                e.item_id,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE search_searchentry SET document = {_DOCUMENT} || {_TOKENS}, "
            f"head_title = {_VECTOR} || {_TOKENS}, "
            f"head = {_VECTOR} || {_VECTOR} || {_TOKENS}, "
            f"pairs = {_TOKENS} WHERE item_id = %s",
            rows,
        )


def delete(sort_keys) -> None:
    """Entries go with their rows in search_searchentry; nothing else to remove."""


def clear() -> None:
    """As delete()."""


def optimize() -> None:
    """Fresh statistics after a rebuild: the plans depend on how rare each word is.
    (The columns keep 1,000-entry statistics, set by migration 0003.)"""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry")


class _Read:
    """The entries matching every SQL condition of `where` (on alias e)."""

    def __init__(self, where: list[str], params: list):
        self.where = " AND ".join(where) or "TRUE"
        self.params = params

    def _rows(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def newest(self, limit: int, offset: int = 0) -> list[int]:
        sql = (
            f"SELECT e.sort_key FROM search_searchentry e WHERE {self.where} "
            "ORDER BY e.sort_key DESC LIMIT %s OFFSET %s"
        )
        return [row[0] for row in self._rows(sql, self.params + [limit, offset])]

    def count(self) -> int:
        sql = f"SELECT count(*) FROM search_searchentry e WHERE {self.where}"
        return self._rows(sql, self.params)[0][0]

    def facet_rows(self, limit: int) -> list[tuple]:
        select = (
            "SELECT e.sort_key, e.category, e.body_id, e.unit_id, e.year, e.file_types "
            f"FROM search_searchentry e WHERE {self.where}"
        )
        if self._sparse():
            # Every match through the GIN indexes, then the newest of them.
            select = f"WITH m AS MATERIALIZED ({select}) SELECT * FROM m e"
        return self._rows(f"{select} ORDER BY e.sort_key DESC LIMIT %s", self.params + [limit])

    def _sparse(self) -> bool:
        """Whether reading every match costs less than walking back from the newest
        entry until enough match. The planner prices the walk too low: it does not
        count that each entry's tsvector must be decompressed to be checked, two to
        three times the cost of taking an entry from a GIN index (bench/search.py),
        and estimates of words found together run low. With d the share of N
        entries that match, the walk reads COUNT_LIMIT / d entries, the index d * N."""
        explain = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchentry e WHERE {self.where}"
        estimated = self._rows(explain, self.params)[0][0][0]["Plan"]["Plan Rows"]
        entries = self._rows(
            "SELECT reltuples FROM pg_class WHERE oid = 'search_searchentry'::regclass", []
        )[0][0]
        return estimated**2 < COUNT_LIMIT * max(entries, 1)


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


def tiers(terms: Terms, query: SearchQuery, within: list[int] | None) -> tuple[_Read, ...]:
    """The words in the title; in title and summary; anywhere else. `within`: the
    keys of every match, when the engine knows them all."""
    rest = matches(terms, query)
    tsquery = _tsquery(terms)
    if tsquery is None:  # PostgreSQL dropped every word; the pairs may still match
        return (rest,)
    scope, scope_params = (["e.sort_key = ANY(%s)"], [within]) if within is not None else ([], [])
    head, head_params = list(scope), list(scope_params)
    if pairs_query := _pairs_query(terms):
        # A phrase must be a match's phrase: in `head`, the summary's first word
        # follows the title's last, a pair no entry holds.
        head.append("e.pairs @@ %s::tsquery")
        head_params.append(pairs_query)
    wanted = _all(tsquery, _lexemes(filter_tokens(query)))
    return (
        _Read([*head, "e.head_title @@ %s::tsquery"], [*head_params, wanted]),
        _Read(
            [*head, "e.head @@ %s::tsquery", "NOT e.head_title @@ %s::tsquery"],
            [*head_params, wanted, tsquery],
        ),
        _Read(
            [*scope, rest.where, "NOT e.head @@ %s::tsquery"],
            [*scope_params, *rest.params, tsquery],
        ),
    )
