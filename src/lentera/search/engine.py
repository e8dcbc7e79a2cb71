"""Runs a SearchQuery on the engine of the database in use."""

from django.db import connection

from .models import SearchEntry
from .parse import Terms, parse
from .query import Hit, SearchQuery, SearchResult
from .snippets import mark, snippet

MAX_OFFSET = 10_000  # deeper pages are refused by the view; this guards the engine


def backend():
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite


def run(query: SearchQuery) -> SearchResult:
    terms = parse(query.text)
    limit = max(0, min(query.limit, 100))
    offset = max(0, min(query.offset, MAX_OFFSET))
    engine = backend()
    keys = engine.ranked_keys(terms, query, limit, offset) if limit else []
    sampled = False
    if query.facets:
        total, facets, sampled = engine.facets(terms, query)
    else:
        total, facets = engine.count(terms, query), {}
    return SearchResult(hits=_hits(keys, terms), total=total, facets=facets, facets_sampled=sampled)


def _hits(keys: list[int], terms: Terms) -> list[Hit]:
    if not keys:
        return []
    entries = SearchEntry.objects.in_bulk(keys, field_name="sort_key")
    stems = terms.stems
    hits = []
    for key in keys:
        entry = entries.get(key)
        if entry is None:  # removed between the two reads
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
