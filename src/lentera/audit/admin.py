from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import verbs
from .models import ActivityEvent


class VerbFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "verb"

    def lookups(self, request, model_admin):
        return verbs.choices()

    def queryset(self, request, queryset):
        return queryset.filter(verb=self.value()) if self.value() else queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through the services, which log each change: the
    admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityEvent)
class ActivityEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only."""

    list_display = ["created_at", "action", "item", "actor", "unit", "step"]
    list_filter = [VerbFilter]
    search_fields = ["item__title", "actor__username", "note"]
    list_select_related = ["item", "actor", "unit", "step"]

    @admin.display(description=_("action"), ordering="verb")
    def action(self, event: ActivityEvent) -> str:
        return event.verb_label
