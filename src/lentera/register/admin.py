from django.contrib import admin

from .models import ClassificationDecision, InformationItem


@admin.register(InformationItem)
class InformationItemAdmin(admin.ModelAdmin):
    """Read-only: items change only through the services, which keep the activity log."""

    list_display = ["title", "holding_unit", "category", "status", "current_step", "year"]
    list_filter = ["status", "category", "holding_unit__body"]
    search_fields = ["title", "summary"]
    list_select_related = ["holding_unit", "current_step"]
    readonly_fields = [
        "status",
        "sop",
        "current_step",
        "created_by",
        "submitted_by",
        "created_at",
        "updated_at",
        "step_entered_at",
        "published_at",
        "lock_version",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClassificationDecision)
class ClassificationDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are recorded through the office, which keeps the activity log."""

    list_display = ["item", "ground", "decided_on", "exempt_until", "approved_by"]
    list_filter = ["ground"]
    search_fields = ["item__title", "statute", "decree_number"]
    list_select_related = ["item"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
