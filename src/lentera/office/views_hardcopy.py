"""Hard copies in the office: lend one out, bring it back, move it, print its label."""

import logging
import re

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lentera.documents import hardcopies
from lentera.documents.models import HardCopy
from lentera.documents.services import HARDCOPY_FIELDS
from lentera.errors import ActionRefused
from lentera.pdf import PdfFailed, html_to_pdf

from .forms import DATE_INPUT

logger = logging.getLogger(__name__)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TakeOutForm(forms.Form):
    taken_by = forms.CharField(
        label=gettext_lazy("Taken by"),
        max_length=200,
        help_text=gettext_lazy("The name of the person who takes the hard copy."),
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=300, required=False)
    due_back_on = forms.DateField(
        label=gettext_lazy("Due back on"), required=False, widget=DATE_INPUT
    )
    taken_at = forms.DateTimeField(
        label=gettext_lazy("Taken at"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=gettext_lazy("Leave empty for now."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_out_%s", **kwargs)


class BringBackForm(forms.Form):
    returned_at = forms.DateTimeField(
        label=gettext_lazy("Returned at"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=gettext_lazy("Leave empty for now."),
    )


class LocationForm(forms.ModelForm):
    class Meta:
        model = HardCopy
        fields = HARDCOPY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_location_%s", **kwargs)


def _office_hardcopy(request, hardcopy_id: int) -> HardCopy:
    """A hard copy of an item the user sees in the office; anything else is a 404."""
    return get_object_or_404(hardcopies.office_hardcopies(request.user), pk=hardcopy_id)


def qr_svg(url: str):
    """An inline SVG QR code for `url`, sized by CSS."""
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(border=2, omitsize=True, svgclass="qr"))  # segno's own SVG


def item_url(request, item) -> str:
    return request.build_absolute_uri(reverse("office:item", args=[item.pk]))


@login_required
def hardcopy_label(request, hardcopy_id: int):
    hardcopy = _office_hardcopy(request, hardcopy_id)
    url = item_url(request, hardcopy.item)
    return render(
        request,
        "office/hardcopy_label.html",
        {"hardcopy": hardcopy, "item": hardcopy.item, "item_url": url, "qr_svg": qr_svg(url)},
    )


# A4 holds two columns of four 100 x 70 mm labels; a sheet request names at most this many.
SHEET_COLUMNS, SHEET_ROWS = 2, 4
MAX_SHEET_LABELS = 80


def _labels_pdf(request, hardcopies_, *, sheet: bool, name: str) -> HttpResponse:
    """The labels of `hardcopies_` as a PDF: one 100 x 70 mm page each, or A4 sheets."""
    labels = []
    for hardcopy in hardcopies_:
        url = item_url(request, hardcopy.item)
        labels.append({"hardcopy": hardcopy, "url": url, "qr_svg": qr_svg(url)})
    if sheet:
        per_page = SHEET_COLUMNS * SHEET_ROWS
        pages = []
        for start in range(0, len(labels), per_page):
            chunk = labels[start : start + per_page]
            chunk += [None] * (per_page - len(chunk))
            pages.append([chunk[r : r + SHEET_COLUMNS] for r in range(0, per_page, SHEET_COLUMNS)])
    else:
        pages = [[[label]] for label in labels]
    html = render_to_string(
        "office/hardcopy_labels_pdf.html", {"pages": pages, "sheet": sheet}, request=request
    )
    try:
        pdf = html_to_pdf(html)
    except PdfFailed as exc:
        logger.error("%s", exc)
        return HttpResponse(
            _("The PDF could not be made just now. Try again in a few minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "60", "Cache-Control": "no-store"},
        )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@login_required
def hardcopy_label_pdf(request, hardcopy_id: int):
    """One label, 100 x 70 mm, for a label printer."""
    hardcopy = _office_hardcopy(request, hardcopy_id)
    return _labels_pdf(request, [hardcopy], sheet=False, name=f"label-{hardcopy.pk}.pdf")


@login_required
def hardcopy_labels_sheet(request):
    """The labels of the hard copies named (?nomor=3&nomor=7) on A4 sheets of eight; a
    hard copy the user may not see is not found."""
    numbers = request.GET.getlist("nomor")
    if not numbers or len(numbers) > MAX_SHEET_LABELS:
        raise Http404
    if not all(re.fullmatch(r"[0-9]{1,18}", n) for n in numbers):
        raise Http404
    wanted = list(dict.fromkeys(int(n) for n in numbers))
    found = hardcopies.office_hardcopies(request.user).in_bulk(wanted)
    if len(found) != len(wanted):
        raise Http404
    ordered = [found[pk] for pk in wanted]
    return _labels_pdf(request, ordered, sheet=True, name="labels-a4.pdf")


@login_required
def hardcopy_take_out(request, hardcopy_id: int):
    hardcopy = _office_hardcopy(request, hardcopy_id)
    form = TakeOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hardcopies.take_out(hardcopy, request.user, **form.cleaned_data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The hard copy was recorded as taken out."))
            return redirect("office:item", pk=hardcopy.item_id)
    return render(
        request,
        "office/hardcopy_take_out.html",
        {
            "form": form,
            "hardcopy": hardcopy,
            "item": hardcopy.item,
            "out": hardcopies.open_movement(hardcopy),
        },
    )


@login_required
@require_POST
def hardcopy_bring_back(request, hardcopy_id: int):
    hardcopy = _office_hardcopy(request, hardcopy_id)
    form = BringBackForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            hardcopies.bring_back(
                hardcopy, request.user, returned_at=form.cleaned_data["returned_at"]
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The hard copy was recorded as back in its place."))
    if request.POST.get("from") == "list":
        return redirect("office:hardcopies-out")
    return redirect("office:item", pk=hardcopy.item_id)


@login_required
def hardcopy_edit(request, hardcopy_id: int):
    """Record that a hard copy now lives elsewhere."""
    hardcopy = _office_hardcopy(request, hardcopy_id)
    form = LocationForm(request.POST or None, instance=HardCopy.objects.get(pk=hardcopy.pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in HARDCOPY_FIELDS}
        try:
            hardcopies.update_hardcopy_location(hardcopy, request.user, **fields)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The hard copy location was updated."))
            return redirect("office:item", pk=hardcopy.item_id)
    return render(
        request,
        "office/hardcopy_edit.html",
        {"form": form, "hardcopy": hardcopy, "item": hardcopy.item},
    )


@login_required
def hardcopies_out(request):
    """Hard copies out of their place now, for the user's units; overdue ones first."""
    movements = list(hardcopies.hardcopies_out(request.user)[:500])
    return render(
        request,
        "office/hardcopy_list.html",
        {"movements": movements, "overdue": sum(m.overdue for m in movements)},
    )
