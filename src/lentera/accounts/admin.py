"""Login lockouts in the admin: listed, and lifted through accounts.services.unlock
so that lifting one enters the activity log."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin

from . import services
from .models import ApiToken

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    def delete_model(self, request, obj) -> None:
        services.unlock([obj], by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        services.unlock(queryset, by=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see every token and may delete one; owners manage theirs under
    Akun in the office, and `lentera apitoken` issues them."""

    list_display = ["prefix", "user", "name", "scope", "created_at", "expires_at", "last_used_at"]
    list_filter = ["scope"]
    readonly_fields = [
        "user", "name", "prefix", "key_hash", "scope", "created_at", "expires_at", "last_used_at",
    ]  # fmt: skip
    search_fields = ["user__username", "name", "prefix"]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj) -> None:
        services.revoke_token(request.user, obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        for token in list(queryset):
            services.revoke_token(request.user, token.pk)
