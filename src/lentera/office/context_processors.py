"""Template context: which office pages the signed-in person's menu links to."""

from lentera.register import editions
from lentera.sop import policy


def office_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu_import": bool(policy.import_body_ids(user)),
        "menu_edition": editions.issuing_bodies(user).exists(),
    }
