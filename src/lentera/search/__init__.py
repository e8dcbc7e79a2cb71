"""Full-text search over the public DIP: one interface, an engine per database.

from lentera.search import SearchQuery, search
result = search(SearchQuery(text="laporan keuangan", category="berkala"))
"""

from .query import Hit, SearchQuery, SearchResult

__all__ = ["Hit", "SearchQuery", "SearchResult", "search"]


def search(query: SearchQuery) -> SearchResult:
    from .engine import run

    return run(query)
