"""Clients and builders shared by the API tests."""

from django.test import Client

from lentera.accounts.services import issue_token
from lentera.documents.services import add_document
from lentera.register.models import InformationItem
from lentera.register.workflow import complete_step
from lentera.testing import BIRO_KESRA, item_fields, new_item, pdf_upload, use_preset

ITEMS = "/api/v1/items"
# Step 1 of seed 002 (Biro Kesra): the performer ticks this and records the hard copy.
KESRA_CHECKLIST = "Data ter update dan telah terverifikasi"


def client_for(user) -> Client:
    """A client that sends `user`'s API token with every request, asking for English."""
    _, token = issue_token(user, name="tes")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def anonymous() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def payload(unit, **overrides) -> dict:
    fields = item_fields(unit, **overrides)
    fields["holding_unit"] = fields["holding_unit"].slug
    fields["made_on"] = fields["made_on"].isoformat()
    fields["category"] = str(fields["category"])
    return fields


def post_json(client: Client, url: str, data=None):
    if data is None:
        # No body at all, as `curl -X POST` sends it.
        return client.generic("POST", url)
    return client.post(url, data, content_type="application/json")


def stored_files(files_dir) -> list:
    return [p for p in files_dir.rglob("*") if p.is_file()] if files_dir.exists() else []


def use_biro_kesra_sop(world) -> None:
    """New items of the world's body follow seed 002: a checklist and a hard copy at step 1."""
    use_preset(world, BIRO_KESRA)


def finished_item(world, **overrides) -> InformationItem:
    """An item with one PDF, walked through every step of seed 003."""
    item = new_item(world, **overrides)
    add_document(item, world.officer, pdf_upload())
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    complete_step(item, world.approver)
    complete_step(item, world.main_officer)
    item.refresh_from_db()
    assert item.current_step is None
    return item


def walk_to_approval(world) -> InformationItem:
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    item.refresh_from_db()
    assert item.current_step.number == 3
    return item


def listed_ids(client: Client, query: str = "") -> list[int]:
    response = client.get(f"{ITEMS}{query}")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["items"]]
