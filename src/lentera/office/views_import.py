"""Importing an existing DIP in the office: officers of the PPID Utama and body
administrators upload a sheet, see what every row becomes and every problem, and save
it; the head of the PPID confirms or rejects the waiting batch (register.imports)."""

import hashlib
import shutil
import time
from pathlib import Path

from django import forms
from django.conf import settings
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
from lentera.register import dip_import, import_files, imports, sheets
from lentera.register.models import ImportBatch
from lentera.sop import policy

from .actions import _refused

PENDING_SECONDS = 3600  # how long an uploaded sheet (and its files) wait for "save"
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
    files = forms.FileField(
        label=gettext_lazy("Files of the rows (ZIP)"),
        help_text=gettext_lazy(
            "Optional: one ZIP archive with the rows' files, matched by a file-name column "
            "or, without one, by row number (8.pdf); up to the upload limit. Larger sets "
            "go through lentera import dip --files."
        ),
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
        archive = data.get("files")
        if archive is not None and archive.size > settings.LENTERA_MAX_UPLOAD_BYTES:
            self.add_error(
                "files",
                _("The archive is larger than %(mb)s MB: import its files with the command.")
                % {"mb": settings.LENTERA_MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return data


def _kept_archives() -> Path:
    """Where uploaded archives wait for "save" (the sheet itself waits in the cache);
    archives older than PENDING_SECONDS are removed on the way."""
    folder = Path(settings.IMPORT_PENDING_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another request removed it
            pass
    return folder


def _plan_with_files(content, name, body, unit, archive, label="") -> dip_import.Plan:
    """The plan of a sheet with the archive kept beside it, if any; an archive refused
    as a whole is the plan's only problem. `label` is the archive's uploaded name."""
    if archive is None:
        return dip_import.plan(content, name, body, unit)
    try:
        files = import_files.Source(str(archive), label)
    except ActionRefused as exc:
        plan = dip_import.Plan(body, name, hashlib.sha256(content).hexdigest())
        plan.problems.append(dip_import.Problem(name, 0, "", "", exc.message))
        return plan
    try:
        return dip_import.plan(content, name, body, unit, files)
    finally:
        files.close()


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
    archives = _kept_archives()
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        kept = pending.get(_pending_key(user, token))
        archive = archives / kept[4] if kept and kept[4] else None
        if kept is None or (archive is not None and not archive.is_file()):
            messages.error(request, _("The uploaded sheet is no longer kept: upload it again."))
            return redirect("office:import")
        content, name, body_id, unit_id, _archive_name = kept
        body = importing.filter(pk=body_id).first()
        if body is None:
            raise PermissionDenied
        unit = Unit.objects.filter(pk=unit_id, body=body).first() if unit_id else None
        files = None
        try:
            files = import_files.Source(str(archive), _("the archive")) if archive else None
            plan = dip_import.plan(content, name, body, unit, files)
            batch = imports.apply(plan, user)
        except ActionRefused as exc:
            _refused(request, exc)
        else:
            # Saved, or refused for its rows: either way this upload is done with.
            pending.delete(_pending_key(user, token))
            if archive is not None:
                archive.unlink(missing_ok=True)
            if not plan.errors:
                messages.success(request, _saved_message(plan, batch))
                return (
                    redirect("office:import-batch", pk=batch.pk)
                    if batch
                    else redirect("office:import")
                )
        finally:
            if files is not None:
                files.close()
        token = ""
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, bodies=importing)
        if form.is_valid():
            data = form.cleaned_data
            content = data["file"].read()
            name = data["file"].name
            token = hashlib.sha256(content).hexdigest()
            archive = None
            if data["files"] is not None:
                # The token names the sheet and the archive together.
                token = hashlib.sha256(f"{token}:{data['files'].lentera_digest[0]}".encode())
                token = token.hexdigest()
                archive = archives / f"{user.pk}-{token}.zip"
                shutil.copyfile(data["files"].temporary_file_path(), archive)
            label = data["files"].name if archive else ""
            plan = _plan_with_files(content, name, data["body"], data["unit"], archive, label)
            if plan.errors:
                token = ""
                if archive is not None:
                    archive.unlink(missing_ok=True)
            else:
                unit_id = data["unit"].pk if data["unit"] else None
                kept = (content, name, data["body"].pk, unit_id, archive.name if archive else "")
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
                            "%(count)s entries lack something their SOP requires (a DIP "
                            "column, a file, a classification decision) and entered it to "
                            "be completed there."
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
