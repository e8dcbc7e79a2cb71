"""A body's administration in the office, for its administrators: people and their
roles and positions, units, and the body's API tokens (the face is views_body, the
calendar corrections views_calendar). The rules are accounts.administration's."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lentera import mail
from lentera.accounts import administration
from lentera.accounts import units as unit_services
from lentera.accounts.models import ApiToken
from lentera.errors import ActionRefused
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership, ProposedRole, PublicBody, Unit
from lentera.sop import policy

from .actions import _refused


def administered(request, slug: str) -> PublicBody:
    """The body named in the address, if the person asking administers it."""
    body = get_object_or_404(PublicBody, slug=slug)
    if not policy.may_administer(request.user, body):
        raise PermissionDenied
    return body


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, unit) -> str:
        return unit.name


class RoleForm(forms.Form):
    """A role for an account that exists."""

    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    unit = _UnitChoice(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), empty_label=None)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    position = forms.CharField(
        label=gettext_lazy("Position (jabatan)"),
        max_length=120,
        required=False,
        help_text=gettext_lazy(
            "As the SOP's performer column names it, e.g. “Petugas Dokumentasi”."
        ),
    )

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["unit"].queryset = body.units.order_by("name")

    def clean_username(self):
        user = administration.account_for(self.body, self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(
                _("No account of this body has this username; make a new one below."),
                code="unknown",
            )
        return user


class NewPersonForm(RoleForm):
    """A new account and its first role."""

    username = forms.RegexField(
        label=gettext_lazy("Username"),
        max_length=150,
        regex=r"^[A-Za-z0-9.@+_-]+\Z",
        help_text=gettext_lazy(
            "Use the letters a–z, digits and . @ + - _ only, e.g. “budi.santoso”."
        ),
    )
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy("The link to set a password is sent here."),
    )
    field_order = ["username", "full_name", "email", "unit", "role", "position"]

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class UnitForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    short_name = forms.CharField(label=gettext_lazy("Short name"), max_length=60, required=False)
    parent = _UnitChoice(
        label=gettext_lazy("Parent unit"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, body, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = body.units.order_by("name")
        if unit is not None:
            others = others.exclude(pk=unit.pk)
        self.fields["parent"].queryset = others
        if unit is not None and unit.is_main:
            del self.fields["parent"]


def _welcome(request, user) -> bool:
    """Mail a new person the link to set their password (Django's reset token)."""
    context = {
        "user": user,
        "inviter": request.user,
        "site_url": settings.LENTERA_SITE_URL,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    return mail.send("office/mail/welcome", context, user.email)


# People ---------------------------------------------------------------------------------


@login_required
def members(request, slug: str):
    body = get_object_or_404(PublicBody, slug=slug)
    if not administration.may_confirm(request.user, body):  # administrators and the head
        raise PermissionDenied
    if request.method == "POST" and not policy.may_administer(request.user, body):
        raise PermissionDenied
    kind = request.POST.get("form") if request.method == "POST" else None
    role_form = RoleForm(request.POST if kind == "role" else None, body=body, prefix="role")
    new_form = NewPersonForm(request.POST if kind == "new" else None, body=body, prefix="new")
    form = {"role": role_form, "new": new_form}.get(kind)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "new":
                member = administration.add_new_member(
                    request.user, data["unit"], username=data["username"],
                    full_name=data["full_name"], email=data["email"], role=data["role"],
                    position=data["position"],
                )  # fmt: skip
                mailed = _welcome(request, member.user)
            else:
                member = administration.add_member(
                    request.user, data["unit"], data["username"], role=data["role"],
                    position=data["position"],
                )  # fmt: skip
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            _granted(request, member)
            if kind == "new" and mailed:
                messages.info(request, _("A link to set a password was sent to %(mail)s.")
                              % {"mail": member.user.email})  # fmt: skip
            elif kind == "new":
                messages.warning(request, _(
                    "The mail could not be sent. The person sets a password with “Forgot your "
                    "password?” on the login page once the mail works again."))  # fmt: skip
            return redirect("office:body-members", slug=body.slug)
    rows = (
        Membership.objects.filter(unit__body=body)
        .select_related("user", "unit")
        .order_by("unit__name", "user__username", "role")
    )
    proposals = ProposedRole.objects.filter(unit__body=body).select_related(
        "user", "unit", "proposed_by"
    )
    return render(
        request,
        "office/body_members.html",
        {"body": body, "rows": rows, "role_form": role_form, "new_form": new_form,
         "proposals": proposals, "may_administer": policy.may_administer(request.user, body)},
        status=400 if form is not None else 200,
    )  # fmt: skip


def _granted(request, grant) -> None:
    values = {"who": grant.user, "role": grant.get_role_display(), "unit": grant.unit}
    if isinstance(grant, ProposedRole):
        messages.success(request, _(
            "%(who)s is proposed as %(role)s in %(unit)s: another administrator, the head of "
            "the PPID or a superuser confirms it.") % values)  # fmt: skip
    else:
        messages.success(request, _("%(who)s is now %(role)s in %(unit)s.") % values)


@require_POST
@login_required
def proposal_decide(request, slug: str, pk: int):
    """Confirm (or reject) a proposed role: another administrator, the head of the PPID
    or a superuser; never its proposer or the person it is for."""
    body = get_object_or_404(PublicBody, slug=slug)
    if not administration.may_confirm(request.user, body):
        raise PermissionDenied
    if not ProposedRole.objects.filter(pk=pk, unit__body=body).exists():
        raise Http404
    try:
        if "confirm" in request.POST:
            _granted(request, administration.confirm_role(request.user, pk))
        else:
            proposal = administration.reject_role(request.user, pk)
            if proposal.proposed_by_id == request.user.pk:
                text = _("Your proposed role for %(who)s was withdrawn.")
            else:
                text = _("The proposed role of %(who)s was rejected.")
            messages.success(request, text % {"who": proposal.user})
    except ActionRefused as exc:
        _refused(request, exc)
    return redirect("office:body-members", slug=body.slug)


def _member(body, pk) -> Membership:
    member = Membership.objects.select_related("user", "unit").filter(pk=pk).first()
    if member is None or member.unit.body_id != body.pk:
        raise Http404
    return member


@require_POST
@login_required
def member_edit(request, slug: str, pk: int):
    body = administered(request, slug)
    member = _member(body, pk)
    try:  # the service judges the position (its length included)
        administration.change_position(request.user, member, request.POST.get("position", ""))
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The position was saved."))
    return redirect("office:body-members", slug=body.slug)


@require_POST
@login_required
def member_remove(request, slug: str, pk: int):
    body = administered(request, slug)
    member = _member(body, pk)
    try:
        administration.remove_member(request.user, member)
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(who)s is no longer %(role)s in %(unit)s.")
            % {"who": member.user, "role": member.get_role_display(), "unit": member.unit},
        )
    return redirect("office:body-members", slug=body.slug)


# Units ----------------------------------------------------------------------------------


@login_required
def units(request, slug: str):
    body = administered(request, slug)
    form = UnitForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_services.add_unit(
                request.user, body, name=data["name"], short_name=data["short_name"],
                parent=data["parent"],
            )  # fmt: skip
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The unit %(unit)s was added.") % {"unit": unit})
            return redirect("office:body-units", slug=body.slug)
    rows = (
        body.units.select_related("parent")
        .annotate(people=Count("memberships__user", distinct=True))
        .order_by("name")
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "office/body_units.html", {"body": body, "rows": rows, "form": form},
        status=status,
    )  # fmt: skip


@login_required
def unit_edit(request, slug: str, pk: int):
    body = administered(request, slug)
    unit = get_object_or_404(Unit, pk=pk, body=body)
    initial = {"name": unit.name, "short_name": unit.short_name, "parent": unit.parent}
    form = UnitForm(request.POST or None, body=body, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit_services.change_unit(
                request.user, unit, name=data["name"], short_name=data["short_name"],
                parent=data.get("parent"),
            )  # fmt: skip
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("office:body-units", slug=body.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "office/body_unit_edit.html", {"body": body, "unit": unit, "form": form},
        status=status,
    )  # fmt: skip


# API tokens -----------------------------------------------------------------------------


@login_required
def tokens(request, slug: str):
    """The API tokens of the body's people: who can reach the API in its name."""
    body = administered(request, slug)
    rows = (
        ApiToken.objects.filter(user__memberships__unit__body=body)
        .select_related("user")
        .distinct()
        .order_by("-created_at")
    )
    return render(request, "office/body_tokens.html", {"body": body, "rows": rows})
