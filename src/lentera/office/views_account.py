"""The signed-in person's account: password, sessions. And the password reset by
mail for those who forgot theirs (Django's views, Lentera's pages and mail)."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lentera.accounts import services
from lentera.errors import ActionRefused

from .forms import TokenForm


def _account_page(request, *, form=None, new_token: str = "", status: int = 200):
    context = {
        "two_factor": services.has_two_factor(request.user),
        "two_factor_required": services.needs_two_factor(request.user),
        "tokens": services.tokens_of(request.user),
        "token_form": form or TokenForm(),
        "new_token": new_token,
    }
    return render(request, "office/account.html", context, status=status)


@login_required
def account(request):
    return _account_page(request)


@require_POST
@login_required
def token_create(request):
    """A new API token, shown once on the page that answers (never stored in plain)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    try:
        _, token = services.issue_token(
            request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            read_only=form.cleaned_data["read_only"],
        )
    except ActionRefused as refused:
        form.add_error(None, refused.message)
        return _account_page(request, form=form, status=refused.status_code)
    response = _account_page(request, new_token=token)
    add_never_cache_headers(response)
    return response


@require_POST
@login_required
def token_revoke(request, pk):
    try:
        services.revoke_token(request.user, pk)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The token was revoked."))
    return redirect("office:account")


@require_POST
@login_required
def end_other_sessions(request):
    ended = services.end_sessions(request.user, keep=request.session.session_key)
    messages.success(request, _("Logged out of %(n)d other session(s).") % {"n": ended})
    return redirect("office:account")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "office/password_change.html"
    success_url = reverse_lazy("office:account")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in
        services.password_changed(self.request.user)
        services.end_sessions(self.request.user, keep=self.request.session.session_key)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "office/password_reset_form.html"
    email_template_name = "office/mail/password_reset.txt"
    subject_template_name = "office/mail/password_reset_subject.txt"
    success_url = reverse_lazy("office:password-reset-done")

    def form_valid(self, form):
        if not services.may_ask_for_reset(self.request, form.cleaned_data["email"]):
            form.add_error(
                None, _("Too many password-reset mails were asked for; try again in an hour.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    @property
    def extra_email_context(self) -> dict:
        # Links in mail use the configured address, never the request's Host header.
        return {"site_url": settings.LENTERA_SITE_URL}


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "office/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "office/password_reset_confirm.html"
    success_url = reverse_lazy("office:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(form.user, by_mail=True)
        services.end_sessions(form.user)
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "office/password_reset_complete.html"


# Two-factor login -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up an authenticator app (scan, type a code), or see that it is on."""
    user = request.user
    enrolled = services.has_two_factor(user)
    context = {
        "enrolled": enrolled,
        "required": services.needs_two_factor(user),
        "next": _safe_next(request),
    }
    if request.method == "POST" and not enrolled:
        try:
            codes = services.confirm_two_factor(user, request.POST.get("code", ""))
        except ActionRefused as refused:
            context["error"] = refused.message
        else:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            otp_login(request, device)  # this session has shown the second factor
            return _codes_page(request, codes, context["next"])
    if not enrolled:
        device = services.pending_device(user)
        context["secret"] = b32encode(device.bin_key).decode()
        context["qr"] = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4))  # noqa: S308 - segno's own SVG
    response = render(request, "office/two_factor.html", context)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of the login: a code from the app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect("office:login")
    next_url = _safe_next(request) or reverse("office:my-work")
    error = ""
    if request.method == "POST":
        device = services.matching_device(request.user, request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        error = _("That code is not right. Type the newest code of your app, or a recovery code.")
    return render(
        request,
        "office/two_factor_verify.html",
        {"next": next_url, "error": error},
        status=400 if error else 200,
    )


@require_POST
@login_required
def two_factor_off(request):
    try:
        services.turn_off_two_factor(request.user, by=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Two-factor login is off."))
    return redirect("office:account")


@require_POST
@login_required
def recovery_codes(request):
    try:
        codes = services.new_recovery_codes(request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("office:account")
    return _codes_page(request, codes)


def _codes_page(request, codes: list[str], next_url: str = ""):
    """Recovery codes, shown once: never stored by a cache on the way."""
    context = {"codes": codes, "next": next_url or reverse("office:account")}
    response = render(request, "office/two_factor_codes.html", context)
    add_never_cache_headers(response)
    return response


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""
