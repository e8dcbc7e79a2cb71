"""Importing an existing DIP in the office: officers of the PPID Utama and body
administrators upload a sheet, see what every row becomes and every problem, and save
it; the head of the PPID confirms or rejects the waiting batch (register.imports)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody, Unit
from lentera.register import dip_import, imports, sheets
from lentera.register.models import ImportBatch
from lentera.sop import policy

from .actions import _refused

PENDING_SECONDS = 3600  # how long an uploaded sheet waits for "save"
BATCH_PAGE_SIZE = 100
# A larger batch is confirmed by the worker: a request would wait for minutes.
CONFIRM_NOW_ENTRIES = 200


class ImportForm(forms.Form):
    body = forms.ModelChoiceField(
        label=gettext_lazy("Public body"), queryset=PublicBody.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("DIP sheet"),
        help_text=gettext_lazy("XLSX, ODS or CSV (UTF-8 or Windows-1252), up to 20 MB."),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit for rows that name none"),
        queryset=Unit.objects.none(),
        required=False,
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["unit"].queryset = Unit.objects.filter(body__in=bodies).order_by("name")

    def clean(self):
        data = super().clean()
        unit, body = data.get("unit"), data.get("body")
        if unit is not None and body is not None and unit.body_id != body.pk:
            self.add_error("unit", _("This unit belongs to another body."))
        upload = data.get("file")
        if upload is not None and upload.size > sheets.MAX_BYTES:
            self.add_error("file", _("The file is larger than 20 MB; a DIP sheet is far smaller."))
        return data


def _pending_key(user, token: str) -> str:
    return f"lentera-import:{user.pk}:{token}"


@login_required
def import_dip(request: HttpRequest) -> HttpResponse:
    user = request.user
    seen = PublicBody.objects.filter(pk__in=policy.import_body_ids(user)).order_by("name")
    if not seen.exists():
        raise PermissionDenied
    importing = seen.filter(pk__in=[b.pk for b in seen if policy.may_import(user, b)])
    form = ImportForm(bodies=importing)
    plan, token = None, ""
    pending = caches["exports"]
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        kept = pending.get(_pending_key(user, token))
        if kept is None:
            messages.error(request, _("The uploaded sheet is no longer kept: upload it again."))
            return redirect("office:import")
        content, name, body_id, unit_id = kept
        body = importing.filter(pk=body_id).first()
        if body is None:
            raise PermissionDenied
        unit = Unit.objects.filter(pk=unit_id, body=body).first() if unit_id else None
        plan = dip_import.plan(content, name, body, unit)
        try:
            batch = imports.apply(plan, user)
        except ActionRefused as exc:
            _refused(request, exc)
        else:
            if not plan.errors:
                pending.delete(_pending_key(user, token))
                messages.success(request, _saved_message(plan, batch))
                return (
                    redirect("office:import-batch", pk=batch.pk)
                    if batch
                    else redirect("office:import")
                )
        token = ""
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, bodies=importing)
        if form.is_valid():
            data = form.cleaned_data
            content = data["file"].read()
            name = data["file"].name
            plan = dip_import.plan(content, name, data["body"], data["unit"])
            if not plan.errors:
                token = plan.sha256
                unit_id = data["unit"].pk if data["unit"] else None
                kept = (content, name, data["body"].pk, unit_id)
                pending.set(_pending_key(user, token), kept, PENDING_SECONDS)
    batches = (
        ImportBatch.objects.filter(body__in=seen)
        .select_related("body", "created_by", "decided_by")
        .order_by("-created_at", "-id")[:30]
    )
    context = {
        "form": form,
        "may_import": importing.exists(),
        "plan": plan,
        "token": token,
        "batches": batches,
    }
    return render(request, "office/import.html", context)


def _saved_message(plan, batch) -> str:
    if batch is None:
        return _("%(count)s entries edited; each goes through its SOP again.") % {
            "count": plan.count("changed")
        }
    return _(
        "%(count)s new entries wait in this import until the head of the PPID confirms it; "
        "none is public before."
    ) % {"count": plan.count("new")}


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    batch = (
        ImportBatch.objects.select_related("body", "created_by", "decided_by")
        .filter(pk=pk, body__in=policy.import_body_ids(user))
        .first()
    )
    if batch is None:
        raise Http404
    waiting = batch.state == ImportBatch.State.WAITING
    refusal = policy.import_refusal(user, batch) if waiting else None
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            if "confirm" in request.POST and batch.items.count() > CONFIRM_NOW_ENTRIES:
                imports.confirm_later(batch, user, request.POST.get("fingerprint", ""), note)
                messages.success(
                    request,
                    _(
                        "The import is being confirmed in the background: open this page "
                        "again in a few minutes."
                    ),
                )
            elif "confirm" in request.POST:
                shown = request.POST.get("fingerprint", "")
                listed, started = imports.confirm(batch, user, shown, note)
                messages.success(
                    request,
                    _("The import is confirmed: %(listed)s entries are listed.")
                    % {"listed": listed},
                )
                if started:
                    messages.warning(
                        request,
                        _(
                            "%(count)s entries lack a DIP column and entered their SOP to be "
                            "completed."
                        )
                        % {"count": started},
                    )
            elif "reject" in request.POST:
                imports.reject(batch, user, note)
                messages.success(request, _("The import is rejected: its entries are withdrawn."))
        except ActionRefused as exc:
            _refused(request, exc)
        return redirect("office:import-batch", pk=batch.pk)
    items = (
        batch.items.select_related("holding_unit", "retention_rule")
        .prefetch_related("documents__versions")
        .order_by("pk")
    )
    page = Paginator(items, BATCH_PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "batch": batch,
        "page": page,
        "waiting": waiting,
        "refusal": refusal,
        "previous_query": f"?halaman={page.number - 1}",
        "next_query": f"?halaman={page.number + 1}",
    }
    return render(request, "office/import_batch.html", context)
