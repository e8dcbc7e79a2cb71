"""A server killed (SIGKILL) in the middle of an upload leaves the stored bytes without
their record; `lentera fixity --sweep` moves them aside and fixity is clean again.

Real processes on SQLite as deployed (a file): the uploading process is killed while
its transaction waits for the item's row lock, after the bytes were stored.
"""

import os
import signal
import subprocess
import sys
import time

SETUP = """
import django
django.setup()
from lentera.testing import build_world, new_item
world = build_world()
print(new_item(world).pk)
"""

# Stores a PDF through add_document and stops where the row lock is taken, inside the
# transaction, so the parent can kill it there.
UPLOAD = """
import sys, time, django
django.setup()
from lentera.documents import services
from lentera.register.models import InformationItem
from lentera.testing import build_world, pdf_upload
from django.contrib.auth import get_user_model

real_lock = services.lock_item

def stalled_lock(item, expected):
    print("STORED", flush=True)
    time.sleep(120)
    return real_lock(item, expected)

services.lock_item = stalled_lock
item = InformationItem.objects.get(pk=int(sys.argv[1]))
officer = get_user_model().objects.get(username="petugas.kesra")
services.add_document(item, officer, pdf_upload("renstra.pdf", "Renstra 2025-2029"))
"""


def test_a_kill_during_an_upload_leaves_an_orphan_that_the_sweep_quarantines(tmp_path):
    data = tmp_path / "data"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lentera.settings",
        "LENTERA_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'lentera.sqlite3'}",
    }
    lentera = [sys.executable, "-m", "lentera.cli"]

    def run(args, check=True):
        return subprocess.run(
            args, env=env, check=check, capture_output=True, text=True, timeout=300
        )

    run([*lentera, "migrate", "-v", "0"])
    item_id = run([sys.executable, "-c", SETUP]).stdout.split()[-1]

    upload = subprocess.Popen(
        [sys.executable, "-c", UPLOAD, item_id], env=env, stdout=subprocess.PIPE, text=True
    )
    assert upload.stdout.readline().strip() == "STORED"
    os.kill(upload.pid, signal.SIGKILL)
    upload.wait(timeout=30)
    assert upload.returncode == -signal.SIGKILL

    stored = [p for p in (data / "files" / "documents").rglob("*") if p.is_file()]
    assert len(stored) == 1  # bytes without a record
    found = run([*lentera, "fixity", "--no-progress"], check=False)
    assert found.returncode == 1 and stored[0].name in found.stdout
    # Too young to sweep: it might be an upload still committing.
    young = run([*lentera, "fixity", "--no-progress", "--sweep"], check=False)
    assert young.returncode == 1 and stored[0].exists()

    an_hour_ago = time.time() - 3601
    os.utime(stored[0], (an_hour_ago, an_hour_ago))
    swept = run([*lentera, "fixity", "--no-progress", "--sweep"])
    assert stored[0].name in swept.stdout and not stored[0].exists()
    quarantined = list((data / "files" / "quarantine").rglob("*.pdf"))
    assert len(quarantined) == 1 and quarantined[0].read_bytes().startswith(b"%PDF")
    assert run([*lentera, "fixity", "--no-progress"]).returncode == 0
    assert run([*lentera, "audit", "verify"]).returncode == 0
