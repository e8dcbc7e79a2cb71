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
    """`rows` are (sort_key, category, body, unit, year, file_types) of the matches
    counted. Each column is counted at once (Counter counts in C); the file types
    through the few distinct combinations the rows hold."""
    names = ("category", "body", "unit", "year")
    columns = list(zip(*rows, strict=True))[1:] if rows else [()] * 5
    counters = {name: Counter(column) for name, column in zip(names, columns, strict=False)}
    by_type = counters["file_type"] = Counter()
    for file_types, n in Counter(columns[4]).items():
        for file_type in FILE_TYPES:
            if file_types & file_type_bit(file_type):
                by_type[file_type] += n
    # Units once a body or unit is chosen; bodies before.
    del counters["unit" if not (query.body_id or query.unit_id) else "body"]
    result = {
        name: sorted(counter.items(), key=lambda pair: (-pair[1], str(pair[0])))
        for name, counter in counters.items()
    }
    result["year"] = sorted(counters["year"].items(), reverse=True)
    return result
