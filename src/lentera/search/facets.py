"""Filters and facets: a token per filter value, which both engines index beside the
words, and the facet counts (category, body or unit, year, file type) of the matches.

A token starts with an underscore, which no word holds (text.WORD_RE), so no word
typed into the search box can match one."""

from collections import Counter

from lentera.register.constants import Category

from .query import SearchQuery
from .text import FILE_TYPES, file_type_bit


def facet_tokens(entry) -> list[str]:
    """The tokens of an entry's category, body, unit, year and file types."""
    tokens = [
        category_token(entry.category),
        f"_b{entry.body_id}",
        f"_u{entry.unit_id}",
        f"_y{entry.year}",
    ]
    return tokens + [f"_t{t}" for t in FILE_TYPES if entry.file_types & file_type_bit(t)]


def category_token(category: str) -> str:
    return "_c" + category


def filter_tokens(query: SearchQuery) -> list[str]:
    """The tokens an entry must hold to pass the query's filters."""
    tokens = []
    if query.category:
        if query.category not in Category.values:
            return ["_none"]  # no entry holds it: nothing matches
        tokens.append(category_token(query.category))
    if query.body_id:
        tokens.append(f"_b{int(query.body_id)}")
    if query.unit_id:
        tokens.append(f"_u{int(query.unit_id)}")
    if query.year:
        tokens.append(f"_y{int(query.year)}")
    if query.file_type in FILE_TYPES:
        tokens.append(f"_t{query.file_type}")
    return tokens


def facet_counts(rows: list[tuple], query: SearchQuery) -> dict[str, list[tuple]]:
    """`rows` are (category, body, unit, year, file_types) of the matches counted."""
    names = ("category", "body", "unit", "year", "file_type")
    counters = {name: Counter() for name in names}
    bits = [(file_type, file_type_bit(file_type)) for file_type in FILE_TYPES]
    for (category, body_id, unit_id, year, file_types), n in Counter(rows).items():
        for name, value in zip(names[:4], (category, body_id, unit_id, year), strict=True):
            counters[name][value] += n
        for file_type, bit in bits:
            if file_types & bit:
                counters["file_type"][file_type] += n
    # Units once a body or unit is chosen; bodies before.
    del counters["unit" if not (query.body_id or query.unit_id) else "body"]
    result = {
        name: sorted(counter.items(), key=lambda pair: (-pair[1], str(pair[0])))
        for name, counter in counters.items()
    }
    result["year"] = sorted(counters["year"].items(), reverse=True)
    return result
