from django.contrib import admin

from .models import ActivityEvent, Sop, SopStep


class SopStepInline(admin.StackedInline):
    model = SopStep
    extra = 0


@admin.register(Sop)
class SopAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "version", "body", "preset_key"]
    list_filter = ["body"]
    search_fields = ["name", "number"]
    inlines = [SopStepInline]


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ["created_at", "verb", "item", "actor", "unit", "step"]
    list_filter = ["verb"]
    search_fields = ["item__title", "actor__username", "note"]
    list_select_related = ["item", "actor", "unit", "step"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
