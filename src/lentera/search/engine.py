"""Runs a SearchQuery on the engine of the database in use.

Each engine (sqlite.py, postgres.py) answers two questions with reads that walk its
index newest first: which entries match (`matches`), and which match in the title,
then in title and summary, then elsewhere (`tiers`). Relevance is those tiers in
order, each newest first. The total is counted up to COUNT_LIMIT and the facets over
the same newest matches, so a word found in most of a large register costs no more
than a rarer one."""

from functools import lru_cache
from typing import Protocol

from django.db import connection

from lentera.register.selectors import public_q

from .facets import facet_counts
from .models import SearchEntry
from .parse import Terms, parse
from .query import Hit, SearchQuery, SearchResult
from .snippets import AFTER, SCAN_LIMIT, first_match, mark, snippet

MAX_OFFSET = 10_000  # the deepest page an API client may ask for
COUNT_LIMIT = 1_000  # matches counted (unless exact_total), and those the facets count


class Read(Protocol):
    def newest(self, limit: int, offset: int = 0) -> list[int]:
        """Sort keys of the matching entries, newest first."""

    def count(self) -> int: ...

    def facet_rows(self, limit: int) -> list[tuple]:
        """(sort_key, category, body, unit, year, file_types) of the `limit` newest
        matches, newest first."""


class Keys:
    """A tier known in full: its keys, newest first."""

    def __init__(self, keys: list[int]):
        self.keys = keys

    def newest(self, limit: int, offset: int = 0) -> list[int]:
        return self.keys[offset : offset + limit]

    def count(self) -> int:
        return len(self.keys)


def backend():
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite


def run(query: SearchQuery) -> SearchResult:
    terms = parse(query.text)
    limit = max(0, min(query.limit, 100))
    offset = max(0, query.offset)
    if offset > MAX_OFFSET:  # deeper than anyone may page: no hits, the counts still
        limit = 0
    engine = backend()
    matches = engine.matches(terms, query)
    # The newest matches, one more than are counted: fewer means these are all of them.
    rows = matches.facet_rows(COUNT_LIMIT + 1)
    more = len(rows) > COUNT_LIMIT
    rows = rows[:COUNT_LIMIT]
    newest = [row[0] for row in rows]
    keys = _page(engine, matches, newest, more, terms, query, limit, offset) if limit else []
    total = matches.count() if query.exact_total and more else len(rows)
    facets = facet_counts(rows, query) if query.facets else {}
    return SearchResult(hits=_hits(keys, terms), total=total, facets=facets, more=more)


def _page(engine, matches: Read, newest, more, terms, query, limit: int, offset: int) -> list[int]:
    """The keys of the page; `newest` holds the keys of the newest COUNT_LIMIT matches,
    all of them unless there are `more`."""
    if query.sort == "date" or not terms:
        if offset + limit <= len(newest) or not more:
            return newest[offset : offset + limit]
        return matches.newest(limit, offset)
    keys = []
    for tier in engine.tiers(terms, query, newest, not more):
        found = tier.newest(limit - len(keys), offset)
        if found:
            keys += found
            offset = 0
        elif offset:  # the page starts after this tier: skip its entries
            offset -= tier.count()
        if len(keys) >= limit:
            break
    return keys


_HIT_COLUMNS = ("sort_key", "item_id", "title", "summary", "category", "body_id", "unit_id")
_HIT_COLUMNS += ("year", "listed_at")


@lru_cache(maxsize=128)
def _listed_sql(vendor: str, count: int) -> tuple[str, list]:
    """The hits' query with the public check, as the ORM writes it for `count` keys,
    and its parameters before the keys: written once, not for every search (it took
    the ORM longer than the database took to answer)."""
    stand_ins = list(range(-count, 0))
    listed = SearchEntry.objects.filter(public_q("item__"), sort_key__in=stand_ins)
    sql, params = listed.values_list(*_HIT_COLUMNS).query.sql_with_params()
    assert list(params[-count:]) == stand_ins, "the keys are the last parameters"
    return sql, list(params[:-count])


def _file_texts(keys: list[int]) -> list[tuple[int, str]]:
    """(sort_key, the start of the file text a snippet searches) of entries already
    checked public. Plain SQL, the same on both engines: the ORM took longer to write
    it than the database to answer."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sort_key, substr(file_text, 1, %s) FROM search_searchentry "
            f"WHERE sort_key IN ({', '.join(['%s'] * len(keys))})",
            [SCAN_LIMIT + AFTER, *keys],
        )
        return cursor.fetchall()


def _hits(keys: list[int], terms: Terms) -> list[Hit]:
    if not keys:
        return []
    # The index follows the register after each commit; what the public may see is
    # checked again here, so no entry can show an item that is no longer listed.
    sql, params = _listed_sql(connection.vendor, len(keys))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *keys])
        rows = {row[0]: row for row in cursor.fetchall()}
    stems = terms.stems
    # A file's text (up to what a snippet searches) only for the hits whose summary
    # holds no searched word: a snippet comes from the summary first.
    without = [key for key, row in rows.items() if first_match(row[3], stems) is None]
    file_texts = dict(_file_texts(without)) if without else {}
    hits = []
    for key in keys:
        if (row := rows.get(key)) is None:  # removed or withdrawn meanwhile
            continue
        _, item_id, title, summary, category, body_id, unit_id, year, listed_at = row
        if getattr(listed_at, "tzinfo", None) is None:  # SQLite: text or a naive time
            listed_at = connection.ops.convert_datetimefield_value(listed_at, None, connection)
        hits.append(
            Hit(
                item_id=item_id,
                title=title,
                title_html=mark(title, stems),
                snippet=snippet([summary, file_texts.get(key, "")], stems),
                category=category,
                body_id=body_id,
                unit_id=unit_id,
                year=year,
                listed_at=listed_at,
            )
        )
    return hits
