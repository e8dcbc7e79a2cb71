"""The Django admin opens every model, and items and files are read-only there."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lentera.documents.services import add_document
from lentera.testing import new_item, pdf_upload

MODELS = [
    ("organizations", "publicbody"),
    ("organizations", "unit"),
    ("organizations", "membership"),
    ("register", "informationitem"),
    ("documents", "document"),
    ("register", "classificationdecision"),
    ("documents", "hardcopy"),
    ("sop", "sop"),
    ("audit", "activityevent"),
    ("accounts", "apitoken"),
    ("axes", "accessattempt"),
]


@pytest.fixture
def admin_client(client, world):
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    admin = get_user_model().objects.create_superuser("root", "root@example.go.id", "x")
    client.force_login(admin)
    client.item = item
    return client


@pytest.mark.parametrize("app,model", MODELS)
def test_admin_lists_every_model(admin_client, app, model):
    assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200


def test_items_cannot_be_changed_past_the_activity_log(admin_client):
    item = admin_client.item
    url = reverse("admin:register_informationitem_change", args=[item.pk])
    assert admin_client.get(url).status_code == 200  # view only
    admin_client.post(url, {"title": "Diubah lewat admin"})
    item.refresh_from_db()
    assert item.title != "Diubah lewat admin"
    delete = reverse("admin:register_informationitem_delete", args=[item.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_a_unit_takes_other_names_for_imports_in_the_admin(admin_client, world):
    page = admin_client.get(reverse("admin:organizations_unit_change", args=[world.unit.pk]))
    assert page.status_code == 200 and "aliases-TOTAL_FORMS" in page.content.decode()
