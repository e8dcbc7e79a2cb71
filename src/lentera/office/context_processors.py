"""Template context: which office pages the signed-in person's menu links to."""

from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import administered_bodies
from lentera.register import editions
from lentera.sop import policy


def office_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu_import": bool(policy.import_body_ids(user)),
        "menu_edition": editions.issuing_bodies(user).exists(),
        # The bodies whose public details the user keeps (their administrators).
        "menu_faces": PublicBody.objects.filter(pk__in=administered_bodies(user)).order_by("name")
        if not user.is_superuser
        else PublicBody.objects.none(),
    }
