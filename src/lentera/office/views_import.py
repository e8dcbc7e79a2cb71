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

from lentera.deadlines.services import mark_seen
from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody, Unit
from lentera.register import dip_import, import_files, imports, sheets
from lentera.register.models import ImportBatch
from lentera.sop import policy

from .actions import _refused
from .views_notifications import is_prefetch

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
    for path in folder.glob("*.*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # another request removed it
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
    return f"lentera-import-2:{user.pk}:{token}"


@login_required
def import_dip(request: HttpRequest) -> HttpResponse:
    user = request.user
    seen = PublicBody.objects.filter(pk__in=policy.import_body_ids(user)).order_by("name")
    if not seen.exists():
        raise PermissionDenied
    importing = seen.filter(pk__in=[b.pk for b in seen if policy.may_import(user, b)])
    form = ImportForm(bodies=importing)
    plan, token = None, ""
    _kept_archives()  # and those left over removed
    if request.method == "POST" and "token" in request.POST:
        plan, batch = _save(request, importing, request.POST["token"])
        if plan is None or not plan.errors:
            if plan is not None:
                messages.success(request, _saved_message(plan, batch))
            if batch is not None:
                return redirect("office:import-batch", pk=batch.pk)
            return redirect("office:import")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, bodies=importing)
        if form.is_valid():
            plan, token = _preview(user, form.cleaned_data)
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


def _preview(user, data: dict) -> tuple[dip_import.Plan, str]:
    """The plan of an uploaded sheet (and archive), and the token under which it waits
    for "save" ("" when it has errors and cannot be saved)."""
    content, name = data["file"].read(), data["file"].name
    body, unit, upload = data["body"], data["unit"], data["files"]
    # The token names all that the plan was made of: sheet, archive, body and unit.
    parts = [hashlib.sha256(content).hexdigest(), upload.lentera_digest[0] if upload else ""]
    parts += [str(body.pk), str(unit.pk if unit else "")]
    token = hashlib.sha256(":".join(parts).encode()).hexdigest()
    archive = None
    try:
        if upload is not None:
            archive = _kept_archives() / f"{user.pk}-{token}.zip"
            part = archive.with_suffix(".part")
            shutil.copyfile(upload.temporary_file_path(), part)
            part.replace(archive)  # whole, or not there
        plan = _plan_with_files(content, name, body, unit, archive, upload.name if upload else "")
    except BaseException:
        if archive is not None:
            archive.unlink(missing_ok=True)
        raise
    if plan.errors:
        if archive is not None:
            archive.unlink(missing_ok=True)
        return plan, ""
    kept = (content, name, body.pk, unit.pk if unit else None, archive.name if archive else "")
    caches["exports"].set(_pending_key(user, token), kept, PENDING_SECONDS)
    return plan, token


def _save(request, importing, token: str) -> tuple[dip_import.Plan | None, object]:
    """Save the upload waiting under `token`: (its plan, the batch). The first request to
    claim the token saves it; (None, None) when there is nothing (left) to save."""
    user, pending = request.user, caches["exports"]
    key = _pending_key(user, token)
    kept = pending.get(key)
    if kept is None or not pending.delete(key):  # another request took it first
        messages.error(request, _("The uploaded sheet is no longer kept: upload it again."))
        return None, None
    content, name, body_id, unit_id, archive_name = kept
    archive = _kept_archives() / archive_name if archive_name else None
    files, plan, batch = None, None, None
    try:
        body = importing.filter(pk=body_id).first()
        if body is None:
            raise PermissionDenied
        unit = Unit.objects.filter(pk=unit_id, body=body).first() if unit_id else None
        if archive is not None:
            files = import_files.Source(str(archive), _("the archive"))
        plan = dip_import.plan(content, name, body, unit, files)
        batch = imports.apply(plan, user)
    except ActionRefused as exc:
        _refused(request, exc)
        return None, None
    finally:
        # Saved, refused or failed: this upload is done with.
        if files is not None:
            files.close()
        if archive is not None:
            archive.unlink(missing_ok=True)
    return plan, batch


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
    if request.method == "GET" and not is_prefetch(request):
        mark_seen(user, import_batch=batch)
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
