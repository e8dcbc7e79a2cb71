"""SQLite FTS5: stemmed words, plus a token per filter value, in a virtual table whose
rowid is the entry's sort_key.

Every read is a MATCH that FTS5 answers from its own index: filters are tokens of
the `facets` column, newest-first is a backwards walk over rowids that stops after
a page, and relevance is the same walk over three tiers (the words in the title,
then in title and summary, then anywhere). Counts are FTS5 counts. No read joins
the entries table for more than the page it shows."""

from django.db import connection

from .facets import FACET_SAMPLE, facet_counts, group_rows
from .parse import Terms
from .query import SearchQuery
from .text import FILE_TYPES, file_type_bit, stem, stems

TEXT_COLUMNS = "{title summary meta file_text}"
TIERS = ("{title}", "{title summary}", TEXT_COLUMNS)


def facet_tokens(entry) -> str:
    tokens = [
        category_token(entry.category),
        f"b{entry.body_id}",
        f"u{entry.unit_id}",
        f"y{entry.year}",
    ]
    tokens += [f"t{t}" for t in FILE_TYPES if entry.file_types & file_type_bit(t)]
    return " ".join(tokens)


def category_token(category: str) -> str:
    return "c" + category.replace("_", "")  # the tokenizer splits at underscores


def write(entries) -> None:
    rows = [
        (
            e.sort_key,
            " ".join(stems(e.title)),
            " ".join(stems(e.summary)),
            " ".join(stems(e.meta)),
            " ".join(stems(e.file_text)),
            facet_tokens(e),
        )
        for e in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_fts(rowid, title, summary, meta, file_text, facets) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )


def delete(sort_keys) -> None:
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(k,) for k in sort_keys])


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts")


def text_expression(terms: Terms) -> str:
    # Stems are \w+ only, so quoting them cannot break the FTS5 syntax.
    parts = [f'"{stem(w)}"' for w in terms.words]
    parts += ['"' + " ".join(stem(w) for w in phrase) + '"' for phrase in terms.phrases]
    return "(" + " AND ".join(parts) + ")"


def filter_tokens(query: SearchQuery) -> list[str]:
    tokens = []
    if query.category:
        tokens.append(category_token(query.category))
    if query.body_id:
        tokens.append(f"b{int(query.body_id)}")
    if query.unit_id:
        tokens.append(f"u{int(query.unit_id)}")
    if query.year:
        tokens.append(f"y{int(query.year)}")
    if query.file_type in FILE_TYPES:
        tokens.append(f"t{query.file_type}")
    return tokens


def _match(text: str | None, tokens: list[str]) -> str | None:
    """The MATCH expression; None when there is nothing to match (every row)."""
    parts = ([f"{{facets}} : ({' AND '.join(tokens)})"] if tokens else []) + (
        [text] if text else []
    )
    return " AND ".join(parts) or None


def _where(expression: str | None) -> tuple[str, list]:
    return ("WHERE search_fts MATCH %s", [expression]) if expression else ("", [])


def _count(expression: str | None) -> int:
    where, params = _where(expression)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM search_fts {where}", params)
        return cursor.fetchone()[0]


def _newest(expression: str | None, limit: int, offset: int) -> list[int]:
    where, params = _where(expression)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM search_fts {where} ORDER BY rowid DESC LIMIT %s OFFSET %s",
            params + [limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


def _text(terms: Terms) -> str | None:
    return f"{TEXT_COLUMNS} : {text_expression(terms)}" if terms else None


def ranked_keys(terms: Terms, query: SearchQuery, limit: int, offset: int) -> list[int]:
    """Sort keys of the page: newest first, or by tier and then newest first."""
    text, tokens = text_expression(terms), filter_tokens(query)
    if query.sort == "date" or not terms:
        return _newest(_match(_text(terms), tokens), limit, offset)
    keys, previous = [], None
    for columns in TIERS:
        tier = f"{columns} : {text}"
        expression = _match(tier, tokens)
        if previous:
            expression = f"({expression}) NOT ({previous})"
        previous = tier
        if offset >= (size := _count(expression)):
            offset -= size
            continue
        keys += _newest(expression, limit - len(keys), offset)
        offset = 0
        if len(keys) >= limit:
            break
    return keys


def count(terms: Terms, query: SearchQuery) -> int:
    return _count(_match(_text(terms), filter_tokens(query)))


def facets(terms: Terms, query: SearchQuery) -> tuple[int, dict[str, list[tuple]], bool]:
    """The exact total, and the facets counted over the FACET_SAMPLE newest matches
    (all of them when there are no more; the third value says whether they were cut)."""
    expression = _match(_text(terms), filter_tokens(query))
    total = _count(expression)
    where, params = _where(expression)
    sample = f"SELECT rowid FROM search_fts {where} ORDER BY rowid DESC LIMIT {FACET_SAMPLE}"
    groups = group_rows(
        f"FROM ({sample}) sample JOIN search_searchentry e ON e.sort_key = sample.rowid", params
    )
    return total, facet_counts(groups, query), total > FACET_SAMPLE
