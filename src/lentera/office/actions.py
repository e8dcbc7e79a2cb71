"""The item page's buttons: each posts to one of these, which calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lentera.documents.models import Document
from lentera.documents.services import (
    add_documents,
    delete_document,
    dispose_document,
    record_hardcopy,
)
from lentera.errors import ActionRefused
from lentera.register import workflow as engine
from lentera.sop.policy import can_edit

from .forms import (
    CompleteForm,
    HardCopyForm,
    ReasonForm,
    ReopenForm,
    ReturnForm,
    SubmitForm,
    UploadForm,
    WithdrawForm,
)
from .views import _office_item, detail_context, return_targets


def _refused(request, exc: ActionRefused) -> None:
    text = exc.message
    if exc.missing:
        text += " " + _("Missing: %(list)s.") % {"list": "; ".join(exc.missing)}
    messages.error(request, text)


def _form_errors(request, form) -> None:
    if "lock_version" in form.errors:
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def item_complete(request, pk):
    item = _office_item(request, pk)
    form = CompleteForm(request.POST, step=item.current_step)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("office:item", pk=pk)
    number = item.current_step.number if item.current_step else None
    try:
        engine.complete_step(
            item,
            request.user,
            expected_version=form.cleaned_data["lock_version"],
            note=form.cleaned_data["note"],
            ticked=form.cleaned_data["ticked"],
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Step %(number)s is complete.") % {"number": number})
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def item_return(request, pk):
    item = _office_item(request, pk)
    form = ReturnForm(request.POST, steps=return_targets(item))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("office:item", pk=pk)
    try:
        engine.return_to_step(
            item,
            request.user,
            form.cleaned_data["to_step"],
            form.cleaned_data["note"],
            expected_version=form.cleaned_data["lock_version"],
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("The item was returned to step %(number)s.")
            % {"number": form.cleaned_data["to_step"]},
        )
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def item_submit(request, pk):
    """The intake of the current step (seed 004's Petugas Layanan) submits the item."""
    item = _office_item(request, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("office:item", pk=pk)
    try:
        engine.submit(
            item,
            request.user,
            form.cleaned_data["note"],
            expected_version=form.cleaned_data["lock_version"],
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The item was submitted to the performer of its step."))
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def item_withdraw(request, pk):
    item = _office_item(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("office:item", pk=pk)
    try:
        engine.withdraw(
            item,
            request.user,
            form.cleaned_data["note"],
            expected_version=form.cleaned_data["lock_version"],
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The item was withdrawn; the DIP no longer lists it."))
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def item_reopen(request, pk):
    item = _office_item(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("office:item", pk=pk)
    try:
        item = engine.reopen(
            item,
            request.user,
            form.cleaned_data["note"],
            expected_version=form.cleaned_data["lock_version"],
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        if item.in_update:
            text = _(
                "The item goes through its SOP again. The public keeps seeing the published "
                "version until the update is published."
            )
        else:
            text = _("The item goes through its SOP again.")
        messages.success(request, text)
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def item_upload(request, pk):
    """New documents (one or several files), or a new version of one document."""
    item = _office_item(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("office:item", pk=pk)
    files, title = form.cleaned_data["file"], form.cleaned_data["title"]
    document = None
    if form.cleaned_data["document"]:
        document = get_object_or_404(Document, pk=form.cleaned_data["document"], item=item)
    try:
        versions = add_documents(item, request.user, files, title=title, document=document)
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        names = ", ".join(f"“{version.original_name}”" for version in versions)
        messages.success(
            request,
            ngettext("%(names)s was stored.", "%(names)s were stored.", len(versions))
            % {"names": names},
        )
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def document_delete(request, pk, document_id):
    """Hide a soft copy (all its versions); its bytes wait for a disposal."""
    item = _office_item(request, pk)
    document = get_object_or_404(Document, pk=document_id, item=item)
    _document_action(request, delete_document, document, _("“%(name)s” was deleted."))
    return redirect("office:item", pk=pk)


@login_required
@require_POST
def document_dispose(request, pk, document_id):
    """Remove a deleted soft copy's bytes for good (approvers)."""
    item = _office_item(request, pk)
    document = get_object_or_404(Document, pk=document_id, item=item)
    _document_action(
        request, dispose_document, document, _("The bytes of “%(name)s” were disposed of.")
    )
    return redirect("office:item", pk=pk)


def _document_action(request, service, document, done: str) -> None:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why; nothing was changed."))
        return
    try:
        service(document, request.user, reason=form.cleaned_data["reason"])
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, done % {"name": document.title})


@login_required
@require_POST
def item_hardcopy(request, pk):
    """Record where a physical copy is kept; a form with errors comes back filled in."""
    item = _office_item(request, pk)
    if not can_edit(request.user, item):
        messages.error(request, _("You cannot record a hard copy for this item."))
        return redirect("office:item", pk=pk)
    form = HardCopyForm(request.POST)
    if form.is_valid():
        try:
            record_hardcopy(
                item,
                request.user,
                expected_version=form.cleaned_data["lock_version"],
                **form.service_fields(),
            )
        except ActionRefused as exc:
            _refused(request, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The hard copy location was recorded."))
            return redirect("office:item", pk=pk)
        if not form.errors:
            return redirect("office:item", pk=pk)
    return render(
        request, "office/item_detail.html", detail_context(request, item, hardcopy_form=form)
    )
