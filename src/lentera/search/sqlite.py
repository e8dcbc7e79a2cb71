"""SQLite FTS5: stemmed words, plus a token per filter value, in three virtual tables
whose rowid is the entry's sort_key.

`search_fts` holds every searchable column; `search_head` holds title and summary
only and `search_title` the title only, so the ranking tiers (the words in the
title, then in title and summary) read short posting lists instead of those of whole
files (a column filter would still walk every entry holding the words elsewhere).

Every read is a MATCH that FTS5 answers from its own index: filters are tokens of
the `facets` column, newest-first is a backwards walk over rowids that stops after
a page, and counts are FTS5 counts. Filter tokens (facets.facet_tokens) hold an
underscore, which no word does, so a search for words needs no column filter. The
facet columns of the newest matches come from an index that covers them."""

from django.db import connection

from .engine import Keys
from .facets import facet_tokens, filter_tokens
from .parse import Terms
from .query import SearchQuery
from .text import stem, stems

# Made by migrations 0003 and 0005 with
# tokenize="unicode61 remove_diacritics 2 tokenchars '_'".
TABLES = {
    "search_fts": "title, summary, meta, file_text, facets",
    "search_head": "title, summary, facets",
    "search_title": "title, facets",
}


COLUMNS: dict[str, str] = {}  # no engine columns in search_searchentry (see postgres.py)


def columns(entry) -> tuple:
    return ()


def write(entries) -> None:
    full, head, titles = [], [], []
    for e in entries:
        title, summary = " ".join(stems(e.title)), " ".join(stems(e.summary))
        facets = " ".join(facet_tokens(e))
        meta, file_text = " ".join(stems(e.meta)), " ".join(stems(e.file_text))
        full.append((e.sort_key, title, summary, meta, file_text, facets))
        head.append((e.sort_key, title, summary, facets))
        titles.append((e.sort_key, title, facets))
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_fts(rowid, title, summary, meta, file_text, facets) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            full,
        )
        cursor.executemany(
            "INSERT INTO search_head(rowid, title, summary, facets) VALUES (%s, %s, %s, %s)", head
        )
        cursor.executemany(
            "INSERT INTO search_title(rowid, title, facets) VALUES (%s, %s, %s)", titles
        )


def delete(sort_keys) -> None:
    rows = [(k,) for k in sort_keys]
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", rows)


def clear() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")


def optimize() -> None:
    """Merge each index into one segment: after a rebuild, reads walk one b-tree."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def reclaim() -> None:
    """Nothing more after a rebuild: optimize() merged the indexes in it, and SQLite
    reuses the freed pages of search_searchentry."""


def text_expression(terms: Terms) -> str:
    # Stems are letters and digits only, so quoting them cannot break the FTS5 syntax.
    parts = [f'"{stem(w)}"' for w in terms.words]
    parts += ['"' + " ".join(stem(w) for w in phrase) + '"' for phrase in terms.phrases]
    return "(" + " AND ".join(parts) + ")"


def _match(text: str | None, tokens: list[str]) -> str | None:
    """The MATCH expression; None when there is nothing to match (every row)."""
    quoted = " AND ".join(f'"{token}"' for token in tokens)
    parts = ([f"{{facets}} : ({quoted})"] if tokens else []) + ([text] if text else [])
    return " AND ".join(parts) or None


class _Read:
    """The entries of `table` matching `expression`, without those of search_head
    matching `exclude`."""

    def __init__(self, table: str, expression: str | None, exclude: str | None = None):
        where, self.params = [], []
        if expression:
            where.append(f"{table} MATCH %s")
            self.params.append(expression)
        if exclude:
            where.append("rowid NOT IN (SELECT rowid FROM search_head WHERE search_head MATCH %s)")
            self.params.append(exclude)
        self.sql = f"SELECT rowid FROM {table}" + (" WHERE " + " AND ".join(where) if where else "")

    def newest(self, limit: int, offset: int = 0) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.sql} ORDER BY rowid DESC LIMIT %s OFFSET %s", self.params + [limit, offset]
            )
            return [row[0] for row in cursor.fetchall()]

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({self.sql})", self.params)
            return cursor.fetchone()[0]

    def facet_rows(self, limit: int) -> list[tuple]:
        newest = f"{self.sql} ORDER BY rowid DESC LIMIT {int(limit)}"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.rowid, e.category, e.body_id, e.unit_id, e.year, e.file_types "
                f"FROM ({newest}) m JOIN search_searchentry e INDEXED BY search_facets "
                "ON e.sort_key = m.rowid ORDER BY m.rowid DESC",
                self.params,
            )
            return cursor.fetchall()


def matches(terms: Terms, query: SearchQuery) -> _Read:
    text = text_expression(terms) if terms else None
    return _Read("search_fts", _match(text, filter_tokens(query)))


def tiers(terms: Terms, query: SearchQuery, newest: list[int], complete: bool) -> tuple:
    """The words in the title; in title and summary; anywhere else. `newest`: the
    keys of the newest matches, `complete` when they are all of them.

    When they are, one read of search_head gives those in title or summary with their
    stemmed titles, and the tiers are sorted out here (three reads of FTS5 with the
    filters cost up to ten times more). Else each tier is read from FTS5."""
    text, tokens = text_expression(terms), filter_tokens(query)
    title = _match(f"{{title}} : {text}", tokens)
    head = _match(f"{{title summary}} : {text}", tokens)
    if not complete:
        return (
            _Read("search_title", _match(text, tokens)),
            _Read("search_head", f"({head}) NOT ({title})"),
            _Read("search_fts", _match(text, tokens), exclude=head),
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid, title FROM search_head WHERE search_head MATCH %s", [head])
        in_head = dict(cursor.fetchall())
    in_title = {key for key, stemmed in in_head.items() if _holds(stemmed.split(), terms)}
    return (
        Keys([key for key in newest if key in in_title]),
        Keys([key for key in newest if key in in_head and key not in in_title]),
        Keys([key for key in newest if key not in in_head]),
    )


def _holds(column: list[str], terms: Terms) -> bool:
    """Whether a column's stems hold every word and phrase of `terms`, as FTS5 matches
    them: each word a stem, each phrase's stems side by side."""
    present = set(column)
    if any(stem(word) not in present for word in terms.words):
        return False
    line = f" {' '.join(column)} "
    return all(f" {' '.join(stem(w) for w in phrase)} " in line for phrase in terms.phrases)
