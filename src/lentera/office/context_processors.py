"""Template context: which office pages the signed-in person's menu links to."""

from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import administered_bodies
from lentera.register import editions
from lentera.sop import policy

# The pages of a body's administration (office.views_body, views_admin).
BODY_PAGES = (
    "office:body-face",
    "office:body-members",
    "office:body-units",
    "office:body-unit-edit",
    "office:body-tokens",
)


def office_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu_import": bool(policy.import_body_ids(user)),
        "menu_edition": editions.issuing_bodies(user).exists(),
        # The bodies the user administers: the menu leads to their administration pages.
        "menu_faces": PublicBody.objects.filter(pk__in=administered_bodies(user)).order_by("name")
        if not user.is_superuser
        else PublicBody.objects.none(),
        "body_pages": BODY_PAGES,
    }
