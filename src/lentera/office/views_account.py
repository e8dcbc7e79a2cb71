"""The signed-in person's account: password, sessions. And the password reset by
mail for those who forgot theirs (Django's views, Lentera's pages and mail)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lentera.accounts import services
from lentera.errors import ActionRefused

from .forms import TokenForm


def _account_page(request, *, form=None, new_token: str = "", status: int = 200):
    context = {
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
