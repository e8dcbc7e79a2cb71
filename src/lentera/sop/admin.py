from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import versions
from .constants import Check
from .models import Sop, SopStep


class SopStepForm(forms.ModelForm):
    checks = forms.MultipleChoiceField(
        label=_("checked requirements"),
        choices=Check.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What the application checks before the step can be completed."),
    )

    class Meta:
        model = SopStep
        fields = [
            "number",
            "activity",
            "kind",
            "performer_label",
            "performer_role",
            "performer_scope",
            "performer_position",
            "performer_inferred",
            "intake_position",
            "separate_from_submitter",
            "also_marked",
            "requirements",
            "checks",
            "checklist",
            "time_amount",
            "time_unit",
            "output",
            "remarks",
        ]
        widgets = {
            "activity": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 2}),
            "checklist": forms.Textarea(attrs={"rows": 2}),
            "also_marked": forms.Textarea(attrs={"rows": 2}),
        }


class SopStepInline(admin.StackedInline):
    model = SopStep
    form = SopStepForm
    extra = 0

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.in_use

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Sop)
class SopAdmin(admin.ModelAdmin):
    """An SOP version that items follow is frozen; "Create a new version" revises it."""

    list_display = ["name", "number", "version", "body", "preset_key", "in_use"]
    list_filter = ["body"]
    search_fields = ["name", "number", "preset_key"]
    readonly_fields = ["version", "revised_from", "created_at"]
    inlines = [SopStepInline]
    actions = ["make_new_version", "put_in_use"]

    @admin.display(boolean=True, description=_("followed by items"))
    def in_use(self, obj):
        return obj.in_use

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_use:
            return [f.name for f in Sop._meta.concrete_fields if f.name != "id"]
        return super().get_readonly_fields(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.in_use and request.method == "GET":
            messages.info(
                request,
                _(
                    "Items follow this version, so it cannot change. Select it in the list "
                    "and choose “Create a new version” to revise it."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        versions.ensure_key(obj)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Create a new version"))
    def make_new_version(self, request, queryset):
        for sop in queryset:
            new = versions.revise(sop, actor=request.user)
            self.message_user(
                request,
                _("Version %(version)s of “%(name)s” was created; edit it, then put it into use.")
                % {"version": new.version, "name": new.name},
                messages.SUCCESS,
            )

    @admin.action(description=_("Put into use (replaces its other versions)"))
    def put_in_use(self, request, queryset):
        for sop in queryset:
            count = versions.put_in_use(sop, actor=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d body or unit now uses “%(name)s” version %(version)s.",
                    "%(count)d bodies and units now use “%(name)s” version %(version)s.",
                    count,
                )
                % {"count": count, "name": sop.name, "version": sop.version},
                messages.SUCCESS,
            )
