import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Every test stores its files in its own folder; passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


@pytest.fixture
def world(db):
    from lentera.testing import build_world

    return build_world()


@pytest.fixture
def files_dir(tmp_path):
    return tmp_path / "files"
