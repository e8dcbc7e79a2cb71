"""Runs a SearchQuery on the engine of the database in use.

Each engine (sqlite.py, postgres.py) answers two questions with reads that walk its
index newest first: which entries match (`matches`), and which match in the title,
then in title and summary, then elsewhere (`tiers`). Relevance is those tiers in
order, each newest first. The total is counted up to COUNT_LIMIT and the facets over
the same newest matches, so a word found in most of a large register costs no more
than a rarer one."""

from typing import Protocol

from django.db import connection

from lentera.register.selectors import public_items

from .facets import facet_counts
from .models import SearchEntry
from .parse import Terms, parse
from .query import Hit, SearchQuery, SearchResult
from .snippets import mark, snippet

MAX_OFFSET = 10_000  # the deepest page an API client may ask for
COUNT_LIMIT = 1_000  # matches counted (unless exact_total), and those the facets count


class Read(Protocol):
    def newest(self, limit: int, offset: int = 0) -> list[int]:
        """Sort keys of the matching entries, newest first."""

    def count(self) -> int: ...

    def facet_rows(self, limit: int) -> list[tuple]:
        """(sort_key, category, body, unit, year, file_types) of the `limit` newest
        matches, newest first."""


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
    every = None if more else [row[0] for row in rows]
    keys = _page(engine, matches, every, terms, query, limit, offset) if limit else []
    total = matches.count() if query.exact_total and more else len(rows)
    facets = facet_counts([row[1:] for row in rows], query) if query.facets else {}
    return SearchResult(hits=_hits(keys, terms), total=total, facets=facets, more=more)


def _page(engine, matches: Read, every, terms, query, limit: int, offset: int) -> list[int]:
    """The keys of the page; `every` holds the key of each match, newest first, when
    there are no more than COUNT_LIMIT of them."""
    if query.sort == "date" or not terms:
        return (
            every[offset : offset + limit] if every is not None else matches.newest(limit, offset)
        )
    keys = []
    for tier in engine.tiers(terms, query, every):
        found = tier.newest(limit - len(keys), offset)
        if found:
            keys += found
            offset = 0
        elif offset:  # the page starts after this tier: skip its entries
            offset -= tier.count()
        if len(keys) >= limit:
            break
    return keys


def _hits(keys: list[int], terms: Terms) -> list[Hit]:
    if not keys:
        return []
    entries = SearchEntry.objects.in_bulk(keys, field_name="sort_key")
    # The index follows the register after each commit; what the public may see is
    # checked again here, so no entry can show an item that is no longer listed.
    listed = set(
        public_items()
        .filter(pk__in=[entry.item_id for entry in entries.values()])
        .values_list("pk", flat=True)
    )
    stems = terms.stems
    hits = []
    for key in keys:
        entry = entries.get(key)
        if entry is None or entry.item_id not in listed:  # removed or withdrawn meanwhile
            continue
        hits.append(
            Hit(
                item_id=entry.item_id,
                title=entry.title,
                title_html=mark(entry.title, stems),
                snippet=snippet([entry.summary, entry.file_text], stems),
                category=entry.category,
                body_id=entry.body_id,
                unit_id=entry.unit_id,
                year=entry.year,
                listed_at=entry.listed_at,
            )
        )
    return hits
