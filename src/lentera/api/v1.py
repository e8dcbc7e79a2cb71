"""The JSON API, version 1: /api/v1/, with its OpenAPI document and docs."""

from ninja import NinjaAPI

from . import errors, items, records

DESCRIPTION = """\
Lentera's register of public information (Daftar Informasi Publik) and its SOP.

**Authentication.** Send `Authorization: Bearer <token>` with a token from
`lentera apitoken USERNAME`, or use a signed-in session (unsafe methods then need
the CSRF token). Reads work without credentials and show only the public DIP;
writes need credentials. Anything you may not see answers 404. Office records
(an item's history and classification decisions, its current step and unpublished
changes) are for members who see the item in the office only.

**Units** are named by their slug everywhere: the `unit` filter and the
`holding_unit` of a new item.

**Errors** are JSON: `{"detail": "...", "missing": [...]}` for a refused action
(400, 403, 409) and `{"detail": "...", "errors": {"field": ["..."]}}` for invalid
data (422). Messages follow the request's language (Accept-Language: id, en).
"""

api = NinjaAPI(
    title="Lentera API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
)
errors.install(api)
api.add_router("", items.router)
api.add_router("", records.router)
