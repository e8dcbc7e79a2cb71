"""Facet counts (category, body or unit, year, file type) from grouped entries."""

from collections import Counter

from django.db import connection

from .query import SearchQuery
from .text import FILE_TYPES, file_type_bit

# Facets are counted over at most this many of the newest matches, so a word found in
# most of a large register costs no more than a rarer one; the total stays exact.
FACET_SAMPLE = 2000


def group_rows(from_where: str, params: list) -> list[tuple]:
    """(category, body, unit, year, file_types, count) of the entries `from_where` selects."""
    sql = (
        "SELECT e.category, e.body_id, e.unit_id, e.year, e.file_types, count(*) "
        f"{from_where} GROUP BY e.category, e.body_id, e.unit_id, e.year, e.file_types"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facet_counts(groups: list[tuple], query: SearchQuery) -> dict[str, list[tuple]]:
    names = ("category", "body", "unit", "year", "file_type")
    counters = {name: Counter() for name in names}
    for category, body_id, unit_id, year, file_types, n in groups:
        for name, value in zip(names[:4], (category, body_id, unit_id, year), strict=True):
            counters[name][value] += n
        for file_type in FILE_TYPES:
            if file_types & file_type_bit(file_type):
                counters["file_type"][file_type] += n
    # Units once a body or unit is chosen; bodies before.
    del counters["unit" if not (query.body_id or query.unit_id) else "body"]
    result = {
        name: sorted(counter.items(), key=lambda pair: (-pair[1], str(pair[0])))
        for name, counter in counters.items()
    }
    result["year"] = sorted(counters["year"].items(), reverse=True)
    return result
