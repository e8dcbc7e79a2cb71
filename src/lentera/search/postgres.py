"""PostgreSQL full text: a weighted tsvector built with the `indonesian` configuration."""

from django.db import connection

from .facets import FACET_SAMPLE, facet_counts, group_rows
from .parse import Terms
from .query import SearchQuery
from .text import FILE_TYPES, file_type_bit, words

CONFIG = "indonesian"
# ts_rank weights for D (file text), C (meta), B (summary), A (title).
WEIGHTS = "{0.03, 0.1, 0.35, 1.0}"

VECTOR = (
    f"setweight(to_tsvector('{CONFIG}', %s), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', %s), 'B') || "
    f"setweight(to_tsvector('{CONFIG}', %s), 'C') || "
    f"setweight(to_tsvector('{CONFIG}', %s), 'D')"
)


def _clean(text: str) -> str:
    # Our stop words go before PostgreSQL sees the text: its configuration has none.
    return " ".join(words(text))


def write(entries) -> None:
    rows = [
        (_clean(e.title), _clean(e.summary), _clean(e.meta), _clean(e.file_text), e.item_id)
        for e in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE search_searchentry SET document = {VECTOR} WHERE item_id = %s", rows
        )


def delete(sort_keys) -> None:
    """Entries go with their rows in search_searchentry; nothing else to remove."""


def clear() -> None:
    """As delete()."""


def tsquery(terms: Terms) -> tuple[str, list]:
    parts, params = [], []
    if terms.words:
        parts.append(f"plainto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(terms.words))
    for phrase in terms.phrases:
        parts.append(f"phraseto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(phrase))
    return " && ".join(parts), params


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _weighted(column: str, weights: str) -> str:
    """SQL for the tsquery `column` with each lexeme limited to `weights`:
    'lapor' & 'uang' becomes 'lapor':AB & 'uang':AB (lexemes are stemmed words)."""
    pattern, replacement = _literal("'(\\w+)'"), _literal("'\\1':" + weights)
    return f"regexp_replace({column}::text, {pattern}, {replacement}, 'g')::tsquery"


def filters(query: SearchQuery) -> tuple[list[str], list]:
    """SQL conditions on search_searchentry (aliased e) for the query's filters."""
    where, params = [], []
    for column, value in (
        ("body_id", query.body_id),
        ("unit_id", query.unit_id),
        ("category", query.category),
        ("year", query.year),
    ):
        if value:
            where.append(f"e.{column} = %s")
            params.append(value)
    if query.file_type in FILE_TYPES:
        where.append("(e.file_types & %s) != 0")
        params.append(file_type_bit(query.file_type))
    return where, params


def _from_where(terms: Terms, query: SearchQuery) -> tuple[str, list]:
    where, params = filters(query)
    if not terms:
        sql = "FROM search_searchentry e"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql, params
    ts, ts_params = tsquery(terms)
    # The query, and the same query limited to title (A) and to title or summary (AB)
    # words, for the ranking tiers.
    tiers = (
        f"SELECT q, {_weighted('q', 'A')} AS q_title, {_weighted('q', 'AB')} AS q_summary "
        f"FROM (SELECT {ts} AS q) raw"
    )
    sql = f"FROM search_searchentry e, ({tiers}) tsq WHERE e.document @@ tsq.q"
    return sql + "".join(" AND " + w for w in where), ts_params + params


def ranked_keys(terms: Terms, query: SearchQuery, limit: int, offset: int) -> list[int]:
    from_where, params = _from_where(terms, query)
    if query.sort == "date" or not terms:
        order = "e.sort_key DESC"
    else:
        # Tiers first, as on SQLite: all words in the title, then in title and summary.
        order = (
            "CASE WHEN e.document @@ tsq.q_title THEN 0 WHEN e.document @@ tsq.q_summary "
            f"THEN 1 ELSE 2 END, ts_rank('{WEIGHTS}', e.document, tsq.q) DESC, e.sort_key DESC"
        )
    sql = f"SELECT e.sort_key {from_where} ORDER BY {order} LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, params + [limit, offset])
        return [row[0] for row in cursor.fetchall()]


def count(terms: Terms, query: SearchQuery) -> int:
    from_where, params = _from_where(terms, query)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {from_where}", params)
        return cursor.fetchone()[0]


def facets(terms: Terms, query: SearchQuery) -> tuple[int, dict[str, list[tuple]], bool]:
    """As on SQLite: the exact total, facets over the FACET_SAMPLE newest matches."""
    from_where, params = _from_where(terms, query)
    total = count(terms, query)
    sample = f"SELECT e.sort_key {from_where} ORDER BY e.sort_key DESC LIMIT {FACET_SAMPLE}"
    groups = group_rows(f"FROM search_searchentry e WHERE e.sort_key IN ({sample})", params)
    return total, facet_counts(groups, query), total > FACET_SAMPLE
