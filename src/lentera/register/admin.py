from django.contrib import admin

from lentera.audit.admin import ReadOnlyAdmin

from .models import ClassificationDecision, DisposalDecision, InformationItem, RetentionRule
from .retention import refresh_retention_texts


@admin.register(InformationItem)
class InformationItemAdmin(ReadOnlyAdmin):
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


@admin.register(ClassificationDecision)
class ClassificationDecisionAdmin(ReadOnlyAdmin):
    """Read-only: decisions are recorded through the office, which keeps the activity log."""

    list_display = ["item", "ground", "decided_on", "exempt_until", "approved_by"]
    list_filter = ["ground"]
    search_fields = ["item__title", "statute", "decree_number"]
    list_select_related = ["item"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The body's Jadwal Retensi Arsip, kept by administrators (or `lentera jra import`)."""

    list_display = [
        "code",
        "record_type",
        "body",
        "active_years",
        "inactive_years",
        "disposition",
    ]
    list_filter = ["body", "disposition"]
    search_fields = ["code", "record_type", "note"]
    list_select_related = ["body"]
    ordering = ["body__name", "code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            refresh_retention_texts(obj, request.user)


@admin.register(DisposalDecision)
class DisposalDecisionAdmin(ReadOnlyAdmin):
    """Read-only: disposal decisions are proposed and decided in the office, with the log."""

    list_display = ["item", "decision", "state", "rule", "proposed_by", "decided_by", "decided_at"]
    list_filter = ["state", "decision", "item__holding_unit__body"]
    search_fields = ["item__title", "rule__code", "reason"]
    list_select_related = ["item", "rule", "proposed_by", "decided_by"]
