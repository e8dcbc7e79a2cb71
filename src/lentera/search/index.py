"""What goes into the search index: only what the public DIP shows.

An entry is rebuilt from the database after the commit that changes an item, a
document or a version (receivers.py), so the index never runs ahead of the register."""

import threading
from collections.abc import Iterable, Iterator

from django.db import connection, models, transaction
from django.db.models.functions import Coalesce

from lentera.register.selectors import latest_public_texts_of, public_items
from lentera.register.services import public_changed

from . import engine
from .models import SearchEntry
from .text import file_type_bit, file_type_of

# Characters of a file's text that are indexed: enough for every real document's
# words, and within PostgreSQL's 1 MB tsvector limit.
MAX_FILE_TEXT = 200_000
CHUNK = 500

_pending = threading.local()


def schedule(item_id: int) -> None:
    """Refresh the entry of `item_id` once the current transaction commits."""
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.add(item_id)
    # Every call registers a flush; the first to run takes all the ids, the rest find
    # none. Ids of a rolled-back transaction are refreshed later, which is harmless.
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    ids, _pending.ids = getattr(_pending, "ids", None) or set(), set()
    if ids:
        refresh(ids)


def refresh(item_ids: Iterable[int]) -> None:
    """Bring the entries of these items in line with what the public sees now."""
    item_ids = sorted(set(item_ids))
    with transaction.atomic():
        entries = list(_build(public_items().filter(pk__in=item_ids)))
        _remove(item_ids)
        _write(entries)
        public_changed()  # kept search results are built again


def refresh_held_by(*, unit_id: int | None = None, body_id: int | None = None) -> int:
    """Refresh every entry of a unit's or a body's items, a chunk at a time."""
    if unit_id:
        entries = SearchEntry.objects.filter(unit_id=unit_id)
    elif body_id:
        entries = SearchEntry.objects.filter(body_id=body_id)
    else:
        return 0
    ids = sorted(entries.values_list("item_id", flat=True))
    for start in range(0, len(ids), CHUNK):
        refresh(ids[start : start + CHUNK])
    return len(ids)


def rebuild(progress=None) -> int:
    """Empty the index and fill it from every public item; returns the count.

    `progress` is called with the number of items written after each chunk. The
    entries are written in the order of their sort keys, so that the newest-first
    reads find neighbours side by side on disk."""
    queryset = public_items().order_by(Coalesce("listed_at", "published_at", "updated_at"), "pk")
    written = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        engine.backend().clear()
        ids = list(queryset.values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            entries = list(_build(queryset.filter(pk__in=ids[start : start + CHUNK])))
            _write(entries)
            written += len(entries)
            if progress:
                progress(len(entries))
        engine.backend().optimize()
        public_changed()
    if not connection.in_atomic_block:  # (VACUUM runs outside any transaction)
        engine.backend().reclaim()
    return written


def _remove(item_ids: list[int]) -> None:
    entries = SearchEntry.objects.filter(item_id__in=item_ids)
    keys = list(entries.values_list("sort_key", flat=True))
    entries.delete()
    engine.backend().delete(keys)


def _write(entries: list[SearchEntry]) -> None:
    if entries:
        _insert(entries)
        engine.backend().write(entries)


def _insert(entries: list[SearchEntry]) -> None:
    """The entries' rows with the engine's own columns (PostgreSQL's tsvectors), in one
    statement run for them all: bulk_create compiles its SQL again for every batch
    (about 75 rows on SQLite), a tenth of a rebuild's time; and a row written once is
    half the work of a row written, then updated."""
    backend = engine.backend()
    fields = SearchEntry._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join([quote(field.column) for field in fields] + list(backend.COLUMNS))
    values = ", ".join(["%s"] * len(fields) + list(backend.COLUMNS.values()))
    # Only the moment needs the database's form; the rest are numbers and text.
    moments = {field.attname for field in fields if isinstance(field, models.DateTimeField)}
    rows = [
        [
            field.get_db_prep_save(getattr(entry, field.attname), connection)
            if field.attname in moments
            else getattr(entry, field.attname)
            for field in fields
        ]
        + list(backend.columns(entry))
        for entry in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(SearchEntry._meta.db_table)} ({columns}) VALUES ({values})", rows
        )


# What an entry needs of its item, read as plain values (model objects for 100,000
# items and their units and bodies cost a tenth of a rebuild).
ITEM_VALUES = (
    "pk",
    "title",
    "summary",
    "category",
    "year",
    "responsible_official",
    "made_place",
    "legal_basis",
    "listed_at",
    "published_at",
    "updated_at",
    "holding_unit_id",
    "holding_unit__name",
    "holding_unit__short_name",
    "holding_unit__body_id",
    "holding_unit__body__name",
)


def _build(items) -> Iterator[SearchEntry]:
    items = list(items.values(*ITEM_VALUES))
    files = latest_public_texts_of([item["pk"] for item in items])
    for item in items:
        yield _entry(item, files.get(item["pk"], []))


def _entry(item: dict, files: list[tuple]) -> SearchEntry:
    """The entry of an item (its ITEM_VALUES) and its public files."""
    meta = [item[f"holding_unit__{name}"] for name in ("name", "short_name", "body__name")]
    meta += [item["responsible_official"], item["made_place"], item["legal_basis"]]
    meta += [title for title, _, _ in files]
    file_text, file_types = [], 0
    for _, name, text in files:
        file_types |= file_type_bit(file_type_of(name))
        if text:
            file_text.append(text)
    listed_at = item["listed_at"] or item["published_at"] or item["updated_at"]
    return SearchEntry(
        item_id=item["pk"],
        sort_key=sort_key(listed_at, item["pk"]),
        body_id=item["holding_unit__body_id"],
        unit_id=item["holding_unit_id"],
        category=item["category"],
        year=item["year"],
        listed_at=listed_at,
        title=item["title"],
        summary=item["summary"],
        meta="\n".join(part for part in meta if part),
        file_text="\n\n".join(file_text)[:MAX_FILE_TEXT],
        file_types=file_types,
    )


def sort_key(listed_at, item_id: int) -> int:
    """Orders entries like listed_at (to the second), then by item id: an integer an
    engine can walk backwards to read the newest entries first."""
    return (int(listed_at.timestamp()) << 24) | (item_id & 0xFFFFFF)
