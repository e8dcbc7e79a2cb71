"""What a search asks and what it answers, whatever the engine."""

import datetime
from dataclasses import dataclass, field

SORTS = ("relevance", "date")


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    body_id: int | None = None
    unit_id: int | None = None
    category: str = ""
    year: int | None = None
    file_type: str = ""
    sort: str = "relevance"  # "relevance" or "date" (newest first)
    offset: int = 0
    limit: int = 20
    facets: bool = True
    # Count every match (an API's paging needs it); else up to engine.COUNT_LIMIT.
    exact_total: bool = False


@dataclass(frozen=True)
class Hit:
    item_id: int
    title: str
    snippet: str  # safe HTML: escaped text with <mark> around matched words
    category: str
    body_id: int
    unit_id: int
    year: int
    listed_at: datetime.datetime
    title_html: str = ""  # the title, escaped, with <mark> around matched words


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    # facet name ("category", "unit", "year", "file_type") -> [(value, count)], biggest first
    facets: dict[str, list[tuple]] = field(default_factory=dict)
    # True when there are more than engine.COUNT_LIMIT matches: the facets count the
    # newest COUNT_LIMIT, and `total` is that limit unless the query asked exact_total.
    more: bool = False
