"""Django's admin as a superuser reads it: Lentera's name, Indonesian by default, and no
English-only pages of the task runner."""

import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db
def test_the_admin_is_lenteras_in_indonesian(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.go.id", "x")
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert "Administrasi Lentera" in page and "Administrasi Django" not in page
    assert "Task" not in page and "TASKS DATABASE BACKEND" not in page.upper()
    assert client.get("/admin/django_tasks_db/dbtaskresult/").status_code == 404
