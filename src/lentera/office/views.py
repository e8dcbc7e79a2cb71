"""The officers' workspace: thin views over the register, document and SOP services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lentera.documents.selectors import office_versions, public_versions
from lentera.documents.services import add_document
from lentera.errors import ActionRefused
from lentera.organizations.models import Unit
from lentera.register import selectors
from lentera.register.services import actor_units, can_edit, create_item, update_item
from lentera.sop import activity
from lentera.sop import services as engine
from lentera.sop.constants import Verb

from .forms import CompleteForm, ItemForm, NewItemForm, ReturnForm, UploadForm


def _officer_units(user):
    return Unit.objects.filter(pk__in=[u.pk for u in actor_units(user)])


def _refused(request, exc: ActionRefused) -> None:
    text = exc.message
    if exc.missing:
        text += " " + _("Missing: %(list)s.") % {"list": "; ".join(exc.missing)}
    messages.error(request, text)


@login_required
def my_work(request):
    return render(
        request,
        "office/my_work.html",
        {
            "queue": selectors.work_queue(request.user)[:100],
            "recent": selectors.office_items(request.user).order_by("-updated_at")[:50],
            "can_create": bool(actor_units(request.user)),
        },
    )


@login_required
def item_create(request):
    units = _officer_units(request.user)
    if not units:
        messages.error(request, _("Only an officer of a unit can record information."))
        return redirect("office:my-work")
    form = NewItemForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the item and its first file, or neither
                item = create_item(request.user, **form.service_fields())
                if upload := form.cleaned_data.get("file"):
                    add_document(item, request.user, upload)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item was recorded at step 1 of its SOP."))
            return redirect("office:item", pk=item.pk)
    return render(request, "office/item_form.html", {"form": form, "creating": True})


def _office_item(request, pk):
    return get_object_or_404(selectors.office_items(request.user), pk=pk)


@login_required
def item_edit(request, pk):
    item = _office_item(request, pk)
    if not can_edit(request.user, item):
        messages.error(request, _("You cannot edit this item now."))
        return redirect("office:item", pk=pk)
    units = _officer_units(request.user) | Unit.objects.filter(pk=item.holding_unit_id)
    form = ItemForm(request.POST or None, instance=item, units=units.distinct())
    if request.method == "POST" and form.is_valid():
        try:
            update_item(
                item,
                request.user,
                expected_version=form.cleaned_data["lock_version"],
                **form.service_fields(),
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("office:item", pk=pk)
    return render(request, "office/item_form.html", {"form": form, "item": item})


@login_required
def item_detail(request, pk):
    item = _office_item(request, pk)
    step = item.current_step
    can_act = engine.can_perform(request.user, item, step)
    earlier = list(item.sop.steps.filter(number__lt=step.number)) if step else []
    return render(
        request,
        "office/item_detail.html",
        {
            "item": item,
            "steps": item.sop.steps.all(),
            "can_act": can_act,
            "separated": step is not None and engine.is_separated(request.user, item, step),
            "missing": engine.missing_requirements(item, step) if can_act else [],
            "can_edit": can_edit(request.user, item),
            "complete_form": CompleteForm(initial={"lock_version": item.lock_version}),
            "return_form": ReturnForm(steps=earlier, initial={"lock_version": item.lock_version})
            if earlier
            else None,
            "upload_form": UploadForm(),
            "documents": item.documents.prefetch_related("versions"),
            "events": item.events.select_related("actor", "step", "to_step", "unit"),
        },
    )


@login_required
@require_POST
def item_complete(request, pk):
    item = _office_item(request, pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return redirect("office:item", pk=pk)
    number = item.current_step.number if item.current_step else None
    try:
        engine.complete_step(
            item,
            request.user,
            expected_version=form.cleaned_data["lock_version"],
            note=form.cleaned_data["note"],
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
    earlier = (
        item.sop.steps.filter(number__lt=item.current_step.number) if item.current_step else []
    )
    form = ReturnForm(request.POST, steps=earlier)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
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
def item_upload(request, pk):
    item = _office_item(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("office:item", pk=pk)
    try:
        version = add_document(
            item, request.user, form.cleaned_data["file"], title=form.cleaned_data["title"]
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("“%(name)s” was stored.") % {"name": version.original_name})
    return redirect("office:item", pk=pk)


@login_required
def download(request, version_id):
    version = get_object_or_404(office_versions(request.user), pk=version_id)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if not public_versions().filter(pk=version.pk).exists():
        with transaction.atomic():
            activity.record(
                Verb.DOWNLOAD,
                actor=request.user,
                item=version.document.item,
                unit=version.document.item.holding_unit,
                changes={"file": version.original_name, "version": version.number},
            )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
