"""The officers' workspace: thin views over the register, document and SOP services."""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lentera.accounts import administration
from lentera.deadlines.selectors import body_zone, with_due
from lentera.deadlines.services import mark_opened, mark_seen
from lentera.documents.selectors import office_versions
from lentera.documents.serving import counts_as_download, serve_thumbnail, serve_version
from lentera.errors import ActionRefused
from lentera.organizations.models import Unit
from lentera.register import selectors
from lentera.register import workflow as engine
from lentera.register.constants import Category
from lentera.register.services import (
    actor_units,
    create_item,
    record_classification,
    record_download,
    recording_units,
    update_item,
)
from lentera.sop import policy
from lentera.sop.constants import Check, StepKind
from lentera.sop.policy import can_classify, can_edit

from . import kept_uploads
from .display import annotate_changes, proposed_changes
from .forms import (
    ClassificationForm,
    CompleteForm,
    HardCopyForm,
    ItemForm,
    NewItemForm,
    ReopenForm,
    ReturnForm,
    SubmitForm,
    UploadForm,
    WithdrawForm,
)
from .views_notifications import is_prefetch

# Events shown on the item page; the history page shows them all.
RECENT_EVENTS = 10


def _officer_units(user):
    return Unit.objects.filter(pk__in=[u.pk for u in actor_units(user)])


def _office_item(request, pk):
    return get_object_or_404(selectors.office_items(request.user), pk=pk)


def chosen_body(request, bodies: list):
    """The body of `bodies` named by ?badan=<slug>, else the first (None if there is
    none); 404 for a slug not among them, so no page says whether a body exists."""
    wanted = request.GET.get("badan")
    if not wanted:
        return bodies[0] if bodies else None
    for body in bodies:
        if body.slug == wanted:
            return body
    raise Http404


# The work list shows this many waiting items a page (longest waiting first) and the
# units' most recently changed items under them: rows cost their rendering.
QUEUE_PAGE_SIZE = 50
RECENT_ROWS = 20


@login_required
def my_work(request):
    page = Paginator(selectors.work_queue(request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    context = {
        "page": page,
        "queue": with_due(page.object_list),
        "can_create": bool(recording_units(request.user)),
        # Roles proposed in the bodies the user administers or heads, theirs to confirm.
        "proposals": administration.proposals_by_body(request.user),
    }
    if page.has_previous():
        context["previous_query"] = "?" + urlencode({"halaman": page.previous_page_number()})
    if page.has_next():
        context["next_query"] = "?" + urlencode({"halaman": page.next_page_number()})
    if page.number == 1:
        recent = selectors.office_items(request.user).order_by("-updated_at")[:RECENT_ROWS]
        context["recent"] = with_due(recent)
    return render(request, "office/my_work.html", context)


@login_required
def item_create(request):
    """Record a new entry: its form opens with the unit's usual values (or those of the
    entry it follows, ?salin=ID), marks what a later step will ask for, and keeps a
    chosen file when it comes back with an error."""
    user = request.user
    units = Unit.objects.filter(pk__in=[u.pk for u in recording_units(user)])
    if not units:
        messages.error(request, _("Only an officer of a unit can record information."))
        return redirect("office:my-work")
    today = timezone.localdate()
    copied = None
    if "salin" in request.GET:
        copied = selectors.office_items(user).filter(pk=_int(request.GET["salin"])).first()
    if copied is not None and copied.holding_unit in units:
        initial = selectors.copied_entry(copied, today)
    else:
        copied = None  # seen, but not of a unit the officer records for
        initial = selectors.entry_defaults(units[0], today)
    form = NewItemForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if copied is None and request.method == "GET":
        # The retention each unit gives each category follows the officer's choice.
        by_unit = {unit.pk: selectors.retention_by_category(unit) for unit in units}
        form.fields["retention_period"].widget.attrs["data-by-category"] = json.dumps(by_unit)
    kept = kept_uploads.find(user, request.POST.get("kept_file", ""))
    if request.method == "POST" and request.POST.get("drop_kept") and kept:
        kept.discard()
        kept = None
    valid = request.method == "POST" and form.is_valid()
    if valid:
        chosen = form.cleaned_data.get("file")
        upload = None
        try:
            upload = chosen or (kept.open() if kept else None)
            item = create_item(user, first_file=upload, **form.service_fields())
        except OSError:  # the kept file went meanwhile (a second click took it)
            kept = None
            form.add_error("file", _("The file kept from before is gone: choose it again."))
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if kept:
                kept.discard()
            messages.success(request, _("The item was recorded at step 1 of its SOP."))
            return redirect("office:item", pk=item.pk)
        finally:
            if upload is not None and not chosen:
                upload.close()
    elif request.method == "POST" and request.FILES.get("file") and not form.has_error("file"):
        # Another column was wrong: the browser forgets the file, the server keeps it.
        kept = kept_uploads.keep(user, request.FILES["file"]) or kept
    sop = units[0].sop_in_use()
    later = engine.columns_needed_later(sop) if sop else {}
    for name, number in later.items():
        form.fields[name].help_text = _("Needed by step %(number)s of the SOP.") % {
            "number": number
        }
    context = {"form": form, "creating": True, "kept": kept, "copied": copied}
    return render(request, "office/item_form.html", context)


def _int(value: str) -> int | None:
    return int(value) if re.fullmatch(r"[0-9]{1,12}", value) else None


@login_required
def item_edit(request, pk):
    item = _office_item(request, pk)
    if not can_edit(request.user, item):
        messages.error(request, _("You cannot edit this item now."))
        return redirect("office:item", pk=pk)
    try:
        policy.refuse_if_frozen(item)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("office:item", pk=pk)
    # During an update the form edits the proposed version, not the published one.
    target = item.working_copy()
    units = _officer_units(request.user) | Unit.objects.filter(
        pk__in=[item.holding_unit_id, target.holding_unit_id]
    )
    form = ItemForm(request.POST or None, instance=target, units=units.distinct())
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
    return render(
        request,
        "office/item_form.html",
        {"form": form, "item": item, "in_update": item.in_update},
    )


def _missing_beyond_form(item, step) -> list[str]:
    """What the complete form cannot supply: its note and ticks are taken as given,
    because the performer fills them in on the form itself."""
    return engine.missing_requirements(item, step, with_form=False)


def return_targets(item) -> list:
    """The steps the current step may send the item back to: earlier ones, and the step's
    own intake once it has submitted (seed 004: back to the Petugas Layanan)."""
    step = item.current_step
    if step is None:
        return []
    targets = list(item.sop.steps.filter(number__lt=step.number))
    if step.intake_position and not policy.intake_pending(item):
        targets.append(step)
    return targets


def _update_applies_at(item):
    """The step whose completion makes an update public: the publish step, or the last."""
    steps = list(item.sop.steps.all())
    publish = [s for s in steps if s.kind == StepKind.PUBLISH]
    return (publish or steps[-1:] or [None])[0]


def detail_context(request, item, **forms) -> dict:
    """Everything the item page shows; `forms` replaces a blank form with a bound one."""
    user = request.user
    step = item.current_step
    can_act = policy.can_perform(user, item, step)
    mark_opened(item, user)  # a performer (can_act) opening the work: recorded once
    reading = selectors.office_reading(user, item)
    frozen = reading.frozen
    may_edit = can_edit(user, item) and not frozen
    proposed = item.working_copy()
    lock = {"lock_version": item.lock_version}
    earlier = return_targets(item)
    classification = item.classifications.order_by("-decided_on", "-id").first()
    events = list(
        item.events.select_related("actor", "step", "to_step", "unit").order_by("-id")[
            :RECENT_EVENTS
        ]
    )[::-1]
    context = {
        "item": item,
        "due": with_due([item])[0].due,
        "steps": item.sop.steps.all(),
        "can_act": can_act,
        "four_eyes": policy.four_eyes_refusal(user, item, step) if can_act else None,
        "frozen": frozen,
        "may_propose_edit": frozen and can_edit(user, item),
        "missing": _missing_beyond_form(item, step) if can_act else [],
        "check_labels": step.check_labels() if step else [],
        "note_required": step is not None and Check.REVIEW_NOTE in (step.checks or []),
        "can_edit": may_edit,
        "complete_form": CompleteForm(step=step, initial=lock),
        "return_form": ReturnForm(steps=earlier, initial=lock, auto_id="id_return_%s")
        if earlier
        else None,
        "withdraw_form": WithdrawForm(initial=lock) if policy.can_withdraw(user, item) else None,
        "submit_form": SubmitForm(initial=lock) if policy.can_submit(user, item) else None,
        "intake_pending": policy.intake_pending(item),
        "reopen_form": ReopenForm(initial=lock) if policy.can_reopen(user, item) else None,
        "proposed_changes": proposed_changes(item),
        "update_applies_at": _update_applies_at(item) if item.in_update else None,
        "show_classification": proposed.category == Category.EXEMPT or classification is not None,
        "classification": classification,
        "can_classify": can_classify(user, item) and not frozen,
        "hardcopy_form": HardCopyForm(initial=lock)
        if proposed.form_hardcopy and may_edit
        else None,
        "hardcopies": reading.hardcopies,
        "upload_form": UploadForm(),
        "documents": reading.documents,
        "deleted_documents": reading.deleted_documents,
        "can_dispose": policy.can_dispose(user, item),
        "events": annotate_changes(events),
        "event_count": item.events.count(),
        # A recurring entry (a berkala report, each year) is recorded again from this one.
        "may_copy": item.holding_unit_id in {u.pk for u in recording_units(user)},
    }
    context.update(forms)
    return context


@login_required
def item_detail(request, pk):
    item = _office_item(request, pk)
    if request.method == "GET" and not is_prefetch(request):
        mark_seen(request.user, item=item)  # its notifications are read: here it is
    with timezone.override(body_zone(item.holding_unit.body_id)):
        return render(request, "office/item_detail.html", detail_context(request, item))


@login_required
def item_history(request, pk):
    item = _office_item(request, pk)
    events = list(item.events.select_related("actor", "step", "to_step", "unit").order_by("id"))
    return render(
        request,
        "office/item_history.html",
        {"item": item, "events": annotate_changes(events)},
    )


@login_required
def item_classify(request, pk):
    """Penetapan Klasifikasi: record why an item is exempt."""
    item = _office_item(request, pk)
    if not can_classify(request.user, item):
        raise PermissionDenied
    initial = {"lock_version": item.lock_version, **selectors.sheet_classification(item)}
    form = ClassificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_classification(
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
            messages.success(request, _("The classification decision was recorded."))
            return redirect("office:item", pk=pk)
    return render(
        request,
        "office/classification_form.html",
        {
            "form": form,
            "item": item,
            "decisions": item.classifications.order_by("-decided_on", "-id"),
        },
    )


@login_required
def download(request, version_id):
    version = get_object_or_404(office_versions(request.user), pk=version_id)
    response = serve_version(request, version, private=True)
    if counts_as_download(request, response):
        record_download(version, request.user)
    return response


@login_required
def thumbnail(request, version_id):
    version = get_object_or_404(office_versions(request.user), pk=version_id)
    return serve_thumbnail(request, version, private=True)
