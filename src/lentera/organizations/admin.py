from django.contrib import admin

from .models import Membership, ProposedRole, PublicBody, Unit, UnitAlias


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["name", "short_name", "slug", "ppid_role", "parent"]
    extra = 0


@admin.register(PublicBody)
class PublicBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sop", "licence"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UnitInline]


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "ppid_role", "parent", "sop"]
    list_filter = ["body", "ppid_role"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UnitAliasInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "position"]
    list_filter = ["role", "unit__body"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(ProposedRole)
class ProposedRoleAdmin(admin.ModelAdmin):
    """Proposals are confirmed or rejected in the office, where it is logged; here they
    are read (and go with a deleted account or unit)."""

    list_display = ["user", "unit", "role", "proposed_by", "proposed_at"]
    list_filter = ["role", "unit__body"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
