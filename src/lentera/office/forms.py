from django import forms
from django.utils.translation import gettext_lazy as _

from lentera.register.models import InformationItem
from lentera.register.services import EDITABLE_FIELDS


class ItemForm(forms.ModelForm):
    """The DIP columns an officer fills in."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = InformationItem
        fields = EDITABLE_FIELDS
        widgets = {
            "made_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Document title"), max_length=300, required=False)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


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
        self.fields["to_step"].choices = [
            (s.number, f"{s.number}. {s.activity[:80]}") for s in steps
        ]
