"""`lentera backup` while uploads are being committed, `lentera restore` into an empty
installation: real processes on the suite's database engine (a SQLite file, or new
PostgreSQL databases through pg_dump and pg_restore)."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from lentera.conftest import s3_client

LENTERA = [sys.executable, "-m", "lentera.cli"]

SETUP = """
import django
django.setup()
from lentera.testing import build_world, new_item
world = build_world()
print(new_item(world).pk)
"""

# Uploads one file after another, each committed, while the backup runs beside it.
UPLOADS = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from lentera.documents.services import add_document
from lentera.register.models import InformationItem
from lentera.testing import pdf_upload
item = InformationItem.objects.get(pk=int(sys.argv[1]))
officer = get_user_model().objects.get(username="petugas.kesra")
for n in range(int(sys.argv[2])):
    add_document(item, officer, pdf_upload(f"laporan-{n}.pdf", f"Laporan bulan {n}"))
    print(n, flush=True)
"""

COUNT = """
import django
django.setup()
from lentera.documents.models import DocumentVersion
print(DocumentVersion.objects.count())
"""


def run(args, env, check=True):
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert not check or done.returncode == 0, done.stdout + done.stderr
    return done


def installation(process_env, name):
    env = process_env(name)
    run([*LENTERA, "migrate", "-v", "0"], env)
    return env


def test_a_backup_taken_during_uploads_restores_into_an_empty_installation_and_verifies(
    process_env, tmp_path
):
    live = installation(process_env, "live")
    item = run([sys.executable, "-c", SETUP], live).stdout.split()[-1]
    dest = tmp_path / "backup"

    uploads = subprocess.Popen(
        [sys.executable, "-c", UPLOADS, item, "12"], env=live, stdout=subprocess.PIPE, text=True
    )
    try:
        assert uploads.stdout.readline().strip() == "0"  # the first is committed
        run([*LENTERA, "backup", str(dest)], live)
        assert uploads.wait(timeout=240) == 0
    finally:
        uploads.kill()
    copies = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in dest.rglob("*.pdf")}
    run([*LENTERA, "backup", str(dest)], live)
    old, new = sorted(p for p in dest.iterdir() if p.name != "files")
    manifest = json.loads((old / "manifest.json").read_text())
    assert 1 <= len(manifest["files"]) <= 12 and manifest["missing"] == []
    assert len(copies) == len(manifest["files"])
    # Incremental: the second backup copied only what the first did not have.
    assert len(json.loads((new / "manifest.json").read_text())["files"]) == 12
    assert len(list(dest.rglob("*.pdf"))) == 12
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in copies} == copies

    # The first snapshot, taken in the middle of the uploads, restores whole.
    empty = process_env("restored")
    run([*LENTERA, "restore", str(old)], empty)  # exits 1 unless everything verifies
    assert int(run([sys.executable, "-c", COUNT], empty).stdout) == len(manifest["files"])
    # The restored installation works as the live one: the log and the files verify.
    assert run([*LENTERA, "audit", "verify"], empty).returncode == 0
    assert run([*LENTERA, "fixity", "--no-progress"], empty).returncode == 0

    # Newest by default; into a database that is no longer empty it refuses.
    again = run([*LENTERA, "restore", str(dest)], empty, check=False)
    assert again.returncode == 1 and "LENTERA_DATA_DIR" in again.stderr


def test_a_backup_changed_after_it_was_taken_is_refused_and_restores_nothing(process_env, tmp_path):
    live = installation(process_env, "live")
    item = run([sys.executable, "-c", SETUP], live).stdout.split()[-1]
    run([sys.executable, "-c", UPLOADS, item, "2"], live)
    dest = tmp_path / "backup"
    run([*LENTERA, "backup", str(dest)], live)
    (stored, *_) = sorted((dest / "files").rglob("*.pdf"))
    data = bytearray(stored.read_bytes())
    data[200] ^= 0x01  # one bit flipped on the backup disk
    stored.write_bytes(bytes(data))

    empty = process_env("restored")
    refused = run([*LENTERA, "restore", str(dest)], empty, check=False)
    assert refused.returncode == 1
    assert str(stored.relative_to(dest / "files")) in refused.stderr
    assert not list(Path(empty["LENTERA_DATA_DIR"]).rglob("*.pdf"))
    # Nothing was written to the database: it can still be migrated from scratch.
    assert "No migrations to apply" not in run([*LENTERA, "migrate"], empty).stdout


def test_with_s3_the_manifest_names_every_key_with_its_hash_and_restores_into_a_new_bucket(
    process_env, s3_bucket, tmp_path
):
    bucket = s3_bucket()
    live = {**installation(process_env, "live"), **bucket}
    item = run([sys.executable, "-c", SETUP], live).stdout.split()[-1]
    run([sys.executable, "-c", UPLOADS, item, "3"], live)
    client, name = s3_client(bucket), bucket["LENTERA_S3_BUCKET"]

    # A large bucket is kept by versioning: the backup only names its keys and hashes.
    listed = tmp_path / "listed"
    run([*LENTERA, "backup", str(listed), "--no-files"], live)
    (snapshot,) = (p for p in listed.iterdir() if p.name != "files")
    files = json.loads((snapshot / "manifest.json").read_text())["files"]
    assert len(files) >= 3 and not list(listed.rglob("*.pdf"))
    for key, entry in files.items():
        body = client.get_object(Bucket=name, Key=key)["Body"].read()
        assert entry == {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}

    # A full backup copies the objects out, and restores into a new, empty bucket.
    full = tmp_path / "full"
    run([*LENTERA, "backup", str(full)], live)
    new_bucket = s3_bucket()
    restored = {**process_env("restored"), **new_bucket}
    run([*LENTERA, "restore", str(full)], restored)
    for key in files:
        copy = s3_client(new_bucket).get_object(Bucket=new_bucket["LENTERA_S3_BUCKET"], Key=key)
        assert hashlib.sha256(copy["Body"].read()).hexdigest() == files[key]["sha256"]
    assert run([*LENTERA, "fixity", "--no-progress"], restored).returncode == 0
