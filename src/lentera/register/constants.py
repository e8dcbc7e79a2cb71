from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """UU 14/2008 Pasal 9, 10, 11 and 17."""

    PERIODIC = "berkala", _("Periodic (berkala)")
    IMMEDIATE = "serta_merta", _("Immediate (serta merta)")
    ON_DEMAND = "setiap_saat", _("Available at any time (setiap saat)")
    EXEMPT = "dikecualikan", _("Exempt (dikecualikan)")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DOCUMENTED = "documented", _("Documented")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses whose metadata the public DIP lists.
LISTED_STATUSES = (Status.DOCUMENTED, Status.PUBLISHED)


class ExemptionGround(models.TextChoices):
    """UU 14/2008 Pasal 17, letters a to j."""

    LAW_ENFORCEMENT = "a", _("a. would obstruct law enforcement")
    INTELLECTUAL_PROPERTY = (
        "b",
        _("b. would harm intellectual property rights or protection from unfair competition"),
    )
    DEFENCE = "c", _("c. would endanger national defence and security")
    NATURAL_WEALTH = "d", _("d. would reveal Indonesia's natural wealth")
    ECONOMY = "e", _("e. would harm national economic resilience")
    FOREIGN_RELATIONS = "f", _("f. would harm foreign relations")
    PRIVATE_DEEDS = "g", _("g. would reveal private authentic deeds or a person's last will")
    PRIVACY = "h", _("h. would reveal personal secrets")
    INTERNAL_MEMORANDA = (
        "i",
        _(
            "i. memoranda or letters between or within public bodies "
            "that are confidential by nature"
        ),
    )
    STATUTE = "j", _("j. may not be disclosed under a statute")


# The columns of an item a person fills in; the rest belong to the engine. They are
# also what an approval covers (register.fingerprint).
EDITABLE_FIELDS = (
    "title",
    "summary",
    "holding_unit",
    "responsible_official",
    "made_on",
    "made_place",
    "form_softcopy",
    "form_hardcopy",
    "retention_period",
    "category",
    "legal_basis",
    "year",
    "update_interval_months",
)
# What an imported exempt row's creation records besides its columns: the Pasal 17
# ground its sheet names and the cell as written, with which the Penetapan Klasifikasi
# form opens (register.selectors.sheet_classification).
EXEMPTION_GROUND = "exemption_ground"
EXEMPTION_STATUTE = "exemption_statute"


class Disposition(models.TextChoices):
    DESTROY = "destroy", _("destroy (musnah)")
    PERMANENT = "permanent", _("keep permanently (permanen)")
    REVIEW = "review", _("review again (dinilai kembali)")


class DisposalChoice(models.TextChoices):
    DESTROY = "destroy", _("destroy")
    PERMANENT = "permanent", _("keep permanently")
    EXTEND = "extend", _("keep longer and review again")


MAX_UPDATE_INTERVAL_MONTHS = 120  # the longest update interval an item may have
