"""Issuing a DIP edition (Penetapan DIP): for the head of a body's PPID Utama and its
administrators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody
from lentera.register import editions
from lentera.register.selectors import filter_register, public_items

from .actions import _refused
from .forms import DATE_INPUT


class EditionForm(forms.Form):
    body = forms.ModelChoiceField(
        label=gettext_lazy("Public body"), queryset=PublicBody.objects.none(), empty_label=None
    )
    decree_number = forms.CharField(
        label=gettext_lazy("Decree number"),
        max_length=120,
        help_text=gettext_lazy("The number of the decree (SK) that decides the list."),
    )
    decided_on = forms.DateField(label=gettext_lazy("Date of decree"), widget=DATE_INPUT)
    signer = forms.CharField(
        label=gettext_lazy("Signed by"),
        max_length=200,
        help_text=gettext_lazy("Name and office of the official who signed the decree."),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


@login_required
def edition_new(request: HttpRequest) -> HttpResponse:
    """Freeze the current public DIP of a body as decided by a decree."""
    bodies = editions.issuing_bodies(request.user)
    if not bodies.exists():
        raise PermissionDenied
    form = EditionForm(
        request.POST or None, bodies=bodies, initial={"decided_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = editions.issue_edition(
                data["body"],
                request.user,
                data["decree_number"],
                data["decided_on"],
                data["signer"],
            )
        except ActionRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The DIP edition was issued."))
            return redirect("portal:edition", pk=edition.pk)
    counts = [(body, filter_register(public_items(), body=body).count()) for body in bodies]
    return render(request, "office/edition_form.html", {"form": form, "counts": counts})
