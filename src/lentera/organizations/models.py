from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import PpidRole, Role
from .licences import DEFAULT_LICENCE, LICENCE_CHOICES, LICENCE_HELP, LICENCES, Licence


def fold_name(text: str) -> str:
    """A unit's name as names are compared: case and spacing aside."""
    return " ".join(text.casefold().split())


class PublicBody(models.Model):
    """A Badan Publik: a government body that runs a PPID."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    licence = models.CharField(
        _("licence"),
        max_length=20,
        choices=LICENCE_CHOICES,
        default=DEFAULT_LICENCE,
        help_text=LICENCE_HELP,
    )
    # The body's face on the portal and in the DIP PDF, kept by its administrators
    # (office.views_body): how the public reaches its PPID.
    logo = models.FileField(_("logo"), upload_to="badan/logo/", blank=True)
    ppid_email = models.EmailField(_("PPID e-mail"), blank=True)
    ppid_phone = models.CharField(_("PPID telephone"), max_length=40, blank=True)
    ppid_whatsapp = models.CharField(
        _("PPID WhatsApp"), max_length=20, blank=True, help_text=_("Digits only: 6281234567890.")
    )
    service_hours = models.TextField(
        _("service hours"), blank=True, help_text=_("For example: Senin–Jumat 08.00–16.00 WIB.")
    )
    service_notice = models.TextField(
        _("service notice (maklumat pelayanan)"),
        blank=True,
        help_text=_("The PPID's public promise of service, as the body announced it."),
    )
    social_links = models.TextField(
        _("social media"), blank=True, help_text=_("One address per line (https://…).")
    )
    sop = models.ForeignKey(
        "sop.Sop",
        verbose_name=_("SOP in use"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The documentation SOP that new items of this body follow."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("public body")
        verbose_name_plural = _("public bodies")

    def __str__(self) -> str:
        return self.name

    @property
    def licence_terms(self) -> Licence:
        """The body's licence: its title, address and whether it is open."""
        return LICENCES.get(self.licence, LICENCES["notspecified"])

    @property
    def social_addresses(self) -> list[str]:
        return [line.strip() for line in self.social_links.splitlines() if line.strip()]

    @property
    def whatsapp_link(self) -> str:
        return f"https://wa.me/{self.ppid_whatsapp}" if self.ppid_whatsapp else ""

    @property
    def has_face(self) -> bool:
        """Whether the body told the public how to reach its PPID."""
        return any((self.ppid_email, self.ppid_phone, self.ppid_whatsapp, self.service_hours,
                    self.address, self.service_notice))  # fmt: skip

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.ppid_whatsapp and not (
            self.ppid_whatsapp.isdigit() and 8 <= len(self.ppid_whatsapp) <= 15
        ):
            errors["ppid_whatsapp"] = _("Write the number in digits only, with the country code.")
        if any(
            not line.startswith("https://") or len(line) > 300 or " " in line
            for line in self.social_addresses
        ):
            errors["social_links"] = _("Each line must be one https:// address.")
        if errors:
            raise ValidationError(errors)

    @property
    def main_unit(self) -> "Unit | None":
        return self.units.filter(ppid_role=PpidRole.MAIN).first()


class Unit(models.Model):
    """A unit (OPD, SKPD, bagian) of a public body; units form a tree."""

    body = models.ForeignKey(
        PublicBody, verbose_name=_("public body"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    ppid_role = models.CharField(
        _("PPID role"), max_length=20, choices=PpidRole.choices, default=PpidRole.IMPLEMENTING
    )
    sop = models.ForeignKey(
        "sop.Sop",
        verbose_name=_("SOP in use"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The documentation SOP that new items of this unit follow. "
            "Leave empty to use the parent unit's or the body's."
        ),
    )

    class Meta:
        ordering = ["body__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="unit_name_unique_in_body"),
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(ppid_role=PpidRole.MAIN),
                name="one_main_unit_per_body",
                violation_error_message=_("A public body has exactly one PPID Utama."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_main(self) -> bool:
        return self.ppid_role == PpidRole.MAIN

    def names_of_others(self) -> set[str]:
        """The names, short names and other names of the body's other units, folded: a
        name in it could not tell this unit from another (in an imported DIP, say)."""
        others = Unit.objects.filter(body_id=self.body_id).exclude(pk=self.pk)
        return {
            fold_name(text)
            for text in [
                *others.values_list("name", flat=True),
                *others.exclude(short_name="").values_list("short_name", flat=True),
                *UnitAlias.objects.filter(unit__in=others).values_list("name", flat=True),
            ]
        }

    def sop_in_use(self):
        """The SOP new items of this unit follow: its own, an ancestor's, or the body's."""
        unit, seen = self, set()
        while unit is not None and unit.pk not in seen:
            if unit.sop_id:
                return unit.sop
            seen.add(unit.pk)
            unit = unit.parent
        return self.body.sop


class UnitAlias(models.Model):
    """Another name a unit goes by in the body's own papers (a former name, an
    abbreviation): an imported DIP may name the unit so."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("other name of a unit")
        verbose_name_plural = _("other names of units")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="unit_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """An other name names one unit of its body: not another unit's name, short name
        or other name (an imported DIP could not tell them apart)."""
        if not self.unit_id or not self.name:
            return
        if fold_name(self.name) in self.unit.names_of_others():
            raise ValidationError(
                {"name": _("Another unit of this body already goes by this name.")}
            )


class Membership(models.Model):
    """A person's role in a unit; a person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Where an SOP gives two columns of one unit to one role (seed 002: PPID Pelaksana
    # and Petugas Dokumentasi are both officers of the bagian), a step names the
    # position it needs and only its holders perform it.
    position = models.CharField(
        _("position (jabatan)"),
        max_length=120,
        blank=True,
        help_text=_("As an SOP's performer column names it, e.g. “Petugas Dokumentasi”."),
    )

    class Meta:
        ordering = ["unit__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class ProposedRole(models.Model):
    """A role that checks or administers (reviewer, approver, administrator), proposed by
    one administrator and waiting for a second person (another administrator, the head
    of the PPID Utama or a superuser) to confirm it: nobody makes an account of theirs
    the reviewer or approver of their own work alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="proposed_roles",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="proposed_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.CharField(_("position (jabatan)"), max_length=120, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        ordering = ["proposed_at"]
        verbose_name = _("proposed role")
        verbose_name_plural = _("proposed roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="proposed_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
