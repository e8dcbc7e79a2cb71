"""The public SOP pages: SOPs are public information, shown as the seeds print them."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst

from lentera.organizations.models import PublicBody
from lentera.register.selectors import waiting_counts
from lentera.sop.diagram import flow_svg, flow_svg_narrow
from lentera.sop.models import Sop, SopStep
from lentera.sop.selectors import public_versions, sop_listing

# The header block of every seed, in its order; list fields print one entry per line.
HEADER_FIELDS = ("number", "made_on", "revised_on", "effective_on", "approved_by", "name")
LIST_FIELDS = (
    ("legal_basis", "qualifications"),
    ("related", "equipment"),
    ("warning", "records"),
)


@dataclass
class HeaderField:
    label: str
    value: str

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.value.splitlines() if line.strip()]


@dataclass
class Row:
    step: SopStep
    # (performer column, marked on this row, the mark inferred from the activity text)
    marks: list[tuple[str, bool, bool]]
    waiting: int | None  # items waiting at the step now; None for the public


def _field(sop: Sop, name: str) -> HeaderField:
    return HeaderField(capfirst(Sop._meta.get_field(name).verbose_name), getattr(sop, name))


def sop_list(request):
    body = None
    if slug := request.GET.get("badan"):
        body = get_object_or_404(PublicBody, slug=slug)
    return render(
        request,
        "portal/sop_list.html",
        {
            "families": sop_listing(body),
            "body": body,
            "bodies": PublicBody.objects.order_by("name"),
        },
    )


def sop_detail(request, pk):
    sop = get_object_or_404(Sop.objects.select_related("body"), pk=pk)
    versions = public_versions(sop)
    if sop not in versions:
        raise Http404
    steps = list(sop.steps.all())
    columns = sop.columns(steps)
    counts = waiting_counts(sop, steps, request.user)
    rows = [
        Row(
            step,
            [
                (
                    c,
                    c in (step.performer_label, step.intake_position) or c in step.marked_also,
                    (c == step.performer_label and step.performer_inferred)
                    or c == step.intake_position,
                )
                for c in columns
            ],
            None if counts is None else counts.get(step.pk, 0),
        )
        for step in steps
    ]
    return render(
        request,
        "portal/sop_detail.html",
        {
            "sop": sop,
            "versions": versions,
            "latest": versions[-1],
            "header": [_field(sop, name) for name in HEADER_FIELDS],
            "header_lists": [(_field(sop, a), _field(sop, b)) for a, b in LIST_FIELDS],
            "columns": columns,
            "rows": rows,
            "show_remarks": any(step.remarks for step in steps),
            "any_inferred": any(step.performer_inferred or step.intake_position for step in steps),
            "show_counts": counts is not None,
            "diagram": flow_svg(sop, steps),
            "diagram_narrow": flow_svg_narrow(sop, steps),
            "print_view": "cetak" in request.GET,
        },
    )
