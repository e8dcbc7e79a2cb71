"""Accounts in the admin: login lockouts (lifted through accounts.services.unlock),
API tokens and two-factor devices (deleted through the services), a password or an
e-mail address a superuser sets, each recorded."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

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

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # what the service allows

    def delete_model(self, request, obj) -> None:
        services.revoke_token(request.user, obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        for token in list(queryset):
            services.revoke_token(request.user, token.pk)


# A superuser resets someone's lost phone by deleting their device: through the service,
# so that the reset is recorded and the recovery codes go with it.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class TwoFactorAdmin(TOTPDeviceAdmin):
    list_display = ["user", "name", "confirmed"]
    fieldsets = [(None, {"fields": ["user", "name", "confirmed"]})]
    readonly_fields = ["user", "name", "confirmed"]

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets

    def get_urls(self):
        # Without django-otp's config and QR views: they would show the key.
        return super(TOTPDeviceAdmin, self).get_urls()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # what the service allows

    def delete_model(self, request, obj) -> None:
        services.turn_off_two_factor(obj.user, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for user in {device.user for device in queryset.select_related("user")}:
            services.turn_off_two_factor(user, by=request.user)  # once a person


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PersonAdmin(UserAdmin):
    def save_model(self, request, obj, form, change) -> None:
        """A changed e-mail address is recorded and the old address told."""
        old = form.initial.get("email") or ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.email_changed(obj, old, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        """Django's form; a password set is recorded and its owner told."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            services.password_changed(user, by=request.user)
        return response
