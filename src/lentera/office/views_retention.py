"""Retention pages: an item's JRA code, and disposal decisions on items past retention."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lentera.errors import ActionRefused
from lentera.register import retention
from lentera.register.constants import DisposalChoice
from lentera.register.models import RetentionRule
from lentera.sop import policy

from .actions import _form_errors, _refused
from .forms import DATE_INPUT
from .views import _office_item


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rule):
        return f"{rule.code} · {rule.record_type} — {retention.retention_text(rule)}"


class RetentionCodeForm(forms.Form):
    rule = RuleChoiceField(
        label=gettext_lazy("Retention schedule code (JRA)"),
        queryset=RetentionRule.objects.none(),
        empty_label=None,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = RetentionRule.objects.filter(body=body)


class ProposalForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Proposed decision"), choices=DisposalChoice)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Say why you propose this decision.")},
    )
    review_on = forms.DateField(
        label=gettext_lazy("Review again on (when keeping longer)"),
        required=False,
        widget=DATE_INPUT,
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (required when rejecting)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def retention_list(request):
    """Items past their retention, and the proposals waiting for a decision."""
    user = request.user
    due = retention.items_due_for_disposal(user, timezone.localdate())
    for item in due:
        if policy.can_propose(user, item):
            item.propose_form = ProposalForm(auto_id=f"id_propose_{item.pk}_%s")
    proposals = list(retention.open_proposals(user))
    for proposal in proposals:
        proposal.may_decide = (
            policy.can_decide(user, proposal.item) and proposal.proposed_by_id != user.pk
        )
        if proposal.may_decide:
            proposal.form = DecisionForm(auto_id=f"id_decide_{proposal.pk}_%s")
    return render(request, "office/retention_list.html", {"due": due, "proposals": proposals})


@login_required
@require_POST
def retention_propose(request, pk):
    item = _office_item(request, pk)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("office:retention")
    try:
        retention.propose_disposal(item, request.user, **form.cleaned_data)
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The proposal was recorded; an approver decides on it."))
    return redirect("office:retention")


@login_required
@require_POST
def retention_decide(request, pk):
    proposal = get_object_or_404(retention.open_proposals(request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()  # a single optional field: always valid
    approve = "approve" in request.POST
    try:
        retention.decide_disposal(
            proposal, request.user, approve=approve, note=form.cleaned_data["note"]
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("The proposal was approved.") if approve else _("The proposal was rejected."),
        )
    return redirect("office:retention")


@login_required
def item_retention(request, pk):
    """Pick the item's JRA code; its DIP retention column follows."""
    item = _office_item(request, pk)
    may_edit = policy.can_edit(request.user, item)
    form = RetentionCodeForm(
        request.POST or None,
        body=item.holding_unit.body,
        initial={"rule": item.retention_rule_id, "lock_version": item.lock_version},
    )
    if request.method == "POST":
        if not may_edit:
            messages.error(request, _("You cannot edit this item now."))
            return redirect("office:item", pk=pk)
        if form.is_valid():
            try:
                retention.set_retention(
                    item,
                    request.user,
                    form.cleaned_data["rule"],
                    expected_version=form.cleaned_data["lock_version"],
                )
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The retention schedule code was set."))
                return redirect("office:item", pk=pk)
    return render(
        request,
        "office/retention_item.html",
        {
            "item": item,
            "form": form if may_edit else None,
            "has_rules": form.fields["rule"].queryset.exists(),
            "due_on": retention.retention_due_on(item),
            "decisions": item.disposal_decisions.select_related(
                "rule", "proposed_by", "decided_by"
            ),
        },
    )
