from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The public text of one listed item, as search may show it.

    Only what the public DIP shows is ever written here (see index.py), so a
    snippet built from these columns cannot reveal unpublished or exempt text.
    The engine's own structures (an FTS5 table on SQLite, a tsvector column with
    a GIN index on PostgreSQL) are kept by the backend beside this table."""

    item = models.OneToOneField(
        "register.InformationItem",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    body = models.ForeignKey("organizations.PublicBody", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    # When the item entered the DIP (published, or documented for request-only items).
    listed_at = models.DateTimeField()
    title = models.CharField(max_length=300)
    summary = models.TextField()
    meta = models.TextField(blank=True)  # unit, official, place, legal basis
    file_text = models.TextField(blank=True)  # extracted text of the published files
    # The types of the files online, as bits of text.FILE_TYPES: one integer keeps the
    # facet count a single GROUP BY over the matches.
    file_types = models.PositiveIntegerField(default=0)
    # The row's key in the engine's own index, ordered like listed_at (see index.sort_key):
    # newest-first reads walk it backwards and stop after a page.
    sort_key = models.BigIntegerField(unique=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            # Facet counts read these columns of a sample of matches by sort_key,
            # from the index alone. (Filters are tokens in the engine's own index.)
            models.Index(
                fields=["sort_key", "category", "body", "unit", "year", "file_types"],
                name="search_facets",
            ),
        ]

    def __str__(self) -> str:
        return self.title
