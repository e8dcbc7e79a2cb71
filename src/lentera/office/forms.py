from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.accounts.services import MAX_TOKEN_DAYS, TOKEN_DAYS
from lentera.documents.models import HardCopy
from lentera.documents.services import HARDCOPY_FIELDS
from lentera.register.models import ClassificationDecision, InformationItem
from lentera.register.services import CLASSIFICATION_FIELDS, EDITABLE_FIELDS
from lentera.sop.constants import Check

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(forms.ModelForm):
    """The DIP columns an officer fills in."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = InformationItem
        fields = EDITABLE_FIELDS
        widgets = {
            "made_on": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holding_unit"].queryset = units
        self.fields["holding_unit"].empty_label = None
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.lock_version

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class NewItemForm(ItemForm):
    file = forms.FileField(label=_("Soft copy (optional)"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one input: a list of uploads."""

    widget = MultipleFileInput(attrs={"aria-describedby": "id_file_help"})

    def clean(self, data, initial=None):
        # Only "some file was sent": an empty or odd file is the service's to refuse,
        # with its name in the message.
        uploads = [one for one in (data if isinstance(data, list | tuple) else [data]) if one]
        if not uploads:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return uploads


class UploadForm(forms.Form):
    file = MultipleFileField(
        label=_("Files"),
        help_text=_("Choose several at once, or drop them here. Each becomes a document."),
    )
    title = forms.CharField(
        label=_("Document title"),
        max_length=300,
        required=False,
        help_text=_("For a single file; several files keep their own names."),
    )
    # Set when the file is a new version of an existing document.
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ChecklistField(forms.MultipleChoiceField):
    """The ticked checklist items; the engine judges them against the step it completes,
    so a page left open while the item moved on gets the engine's message, not this one."""

    def validate(self, value):
        pass


class CompleteForm(forms.Form):
    ticked = ChecklistField(
        label=_("Checklist"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        if step is not None:
            self.fields["ticked"].choices = [(t, t) for t in step.checklist_items]
            if Check.REVIEW_NOTE in (step.checks or []):
                # The engine refuses an empty note; the browser asks for it first.
                self.fields["note"].label = _("Note (required for this step)")
                self.fields["note"].widget.attrs["required"] = True


def _return_label(step) -> str:
    """A return target; a step with an intake takes the item back through it first
    (seed 004: to the Petugas Layanan)."""
    if step.intake_position:
        to = _("to the %(position)s") % {"position": step.intake_position}
        return f"{step.number}. {to}: {step.activity[:80]}"
    return f"{step.number}. {step.activity[:80]}"


class ReturnForm(forms.Form):
    to_step = forms.TypedChoiceField(label=_("Return to step"), coerce=int)
    note = forms.CharField(
        label=_("What must be corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a note saying what must be corrected.")},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = [(s.number, _return_label(s)) for s in steps]


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the item withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
        error_messages={"required": _("Write a note saying why the item is withdrawn.")},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_withdraw_%s", **kwargs)


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the performer (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_submit_%s", **kwargs)


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("What will be updated (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_reopen_%s", **kwargs)


class ClassificationForm(forms.ModelForm):
    """Penetapan Klasifikasi: the ground from Pasal 17 and the tests behind it."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ClassificationDecision
        fields = CLASSIFICATION_FIELDS
        widgets = {
            "statute": forms.Textarea(attrs={"rows": 2}),
            "consequence_test": forms.Textarea(attrs={"rows": 4}),
            "public_interest_test": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "decided_on": DATE_INPUT,
            "exempt_until": DATE_INPUT,
        }

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CLASSIFICATION_FIELDS}


class HardCopyForm(forms.ModelForm):
    """Where a physical copy is kept."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = HardCopy
        fields = HARDCOPY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_hardcopy_%s", **kwargs)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in HARDCOPY_FIELDS}


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Satu Data sync”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        initial=TOKEN_DAYS,
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
    )
    read_only = forms.BooleanField(label=_("Read only"), required=False)
