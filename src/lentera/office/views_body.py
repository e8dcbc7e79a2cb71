"""A body's face, kept by its administrators in the office: logo, PPID contact, service
hours, maklumat pelayanan and social links, shown on the portal and in the DIP PDF."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.accounts import faces
from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody
from lentera.sop import policy


class FaceForm(forms.ModelForm):
    website = forms.URLField(
        label=PublicBody._meta.get_field("website").verbose_name,
        required=False,
        assume_scheme="https",
    )
    new_logo = forms.FileField(
        label=gettext_lazy("New logo"),
        required=False,
        help_text=gettext_lazy("PNG or JPEG, up to 1 MB and 2,000 pixels a side."),
    )
    drop_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    class Meta:
        model = PublicBody
        fields = faces.FACE_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "service_hours": forms.Textarea(attrs={"rows": 2}),
            "service_notice": forms.Textarea(attrs={"rows": 5}),
            "social_links": forms.Textarea(attrs={"rows": 3}),
        }


@login_required
def body_face(request, slug: str):
    body = get_object_or_404(PublicBody, slug=slug)
    if not policy.may_administer(request.user, body):
        raise PermissionDenied
    form = FaceForm(request.POST or None, request.FILES or None, instance=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in faces.FACE_FIELDS}
        try:
            faces.keep_face(
                body,
                request.user,
                logo=data["new_logo"],
                drop_logo=data["drop_logo"],
                **fields,
            )
        except ValidationError as exc:  # the logo's, or a column's (named in it)
            form.add_error(None if hasattr(exc, "error_dict") else "new_logo", exc)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The body's public details were saved."))
            return redirect("office:body-face", slug=body.slug)
    return render(request, "office/body_face.html", {"form": form, "body": body})
