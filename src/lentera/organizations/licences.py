"""The licences a public body can publish its register under: CKAN's own licence ids
(so that harvesting portals match them), with their titles and addresses."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str
    is_open: bool


LICENCES = {
    licence.id: licence
    for licence in (
        Licence(
            "cc-by",
            "Creative Commons Attribution 4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            True,
        ),
        Licence(
            "cc-by-sa",
            "Creative Commons Attribution Share-Alike 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            True,
        ),
        Licence(
            "cc-zero",
            "Creative Commons CCZero",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            True,
        ),
        Licence(
            "odc-by",
            "Open Data Commons Attribution License 1.0",
            "https://opendatacommons.org/licenses/by/1-0/",
            True,
        ),
        Licence(
            "odc-odbl",
            "Open Data Commons Open Database License (ODbL) 1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            True,
        ),
        Licence("other-open", "Other (Open)", "", True),
        Licence("notspecified", "License not specified", "", False),
    )
}
DEFAULT_LICENCE = "cc-by"
LICENCE_CHOICES = [(licence.id, licence.title) for licence in LICENCES.values()]
LICENCE_HELP = _(
    "The licence under which the public may reuse this body's public information; "
    "portals that harvest the register show it."
)
