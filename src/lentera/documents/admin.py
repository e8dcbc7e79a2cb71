from django.contrib import admin

from lentera.audit.admin import ReadOnlyAdmin

from .models import Document, DocumentVersion, HardCopy


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = [
        "number",
        "original_name",
        "size",
        "content_type",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "published_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "item", "created_at"]
    search_fields = ["title", "item__title"]
    inlines = [DocumentVersionInline]


@admin.register(HardCopy)
class HardCopyAdmin(ReadOnlyAdmin):
    """Read-only: locations are recorded through the office, which keeps the activity log."""

    list_display = ["item", "building", "room", "cabinet", "box", "custodian", "recorded_at"]
    search_fields = ["item__title", "building", "custodian"]
    list_select_related = ["item"]
