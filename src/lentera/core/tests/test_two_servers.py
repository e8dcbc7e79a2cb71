"""Scale-out as deployed: two `lentera serve --no-worker` processes and one `lentera
worker`, each with its own data directory, sharing one database and one S3 bucket.

The database is the suite's engine: a SQLite file here, or a fresh PostgreSQL database
of this test's own on the suite's server (dropped at the end).
"""

import hashlib
import json
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

from lentera.conftest import free_port, s3_client, wait_until_answering
from lentera.testing import PASSWORD, pdf_upload

LENTERA = [sys.executable, "-m", "lentera.cli"]
OFFICER = "petugas.kesra"  # build_world()'s officer of the item's unit
TEXT = "Rencana Strategis Biro Kesejahteraan Rakyat 2025-2029. " * 20
WAIT = 30  # seconds, for any one thing to happen

SETUP = """
import django
django.setup()
from lentera.testing import build_world, new_item
print(new_item(build_world()).pk)
"""

# What the worker left behind for one version: its text and every extraction job for it.
REPORT = """
import json, sys, django
django.setup()
from django_tasks_db.models import DBTaskResult
from lentera.documents.models import DocumentVersion
version = DocumentVersion.objects.get(pk=int(sys.argv[1]))
jobs = DBTaskResult.objects.filter(task_path="lentera.documents.tasks.extract_text")
print(json.dumps({
    "file": version.file.name,
    "text": version.text,
    "jobs": [
        {"status": job.status, "workers": job.worker_ids, "returned": job.return_value}
        for job in jobs
        if job.args_kwargs["args"] == [version.pk]
    ],
}))
"""


@contextmanager
def running(args: list[str], env: dict, log: Path):
    """A process for the length of the block; stopped (then killed) whatever happens."""
    with log.open("wb") as output:
        process = subprocess.Popen(args, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


class Machines:
    """Processes of one site, each with its own data directory as on its own machine."""

    def __init__(self, root: Path, environment: dict, processes: ExitStack):
        self.root, self.environment, self.processes = root, environment, processes

    def env(self, name: str) -> dict:
        (self.root / name).mkdir(exist_ok=True)
        return {**self.environment, "LENTERA_DATA_DIR": str(self.root / name)}

    def run(self, *args: str) -> str:
        done = subprocess.run(
            args, env=self.env("admin"), capture_output=True, text=True, timeout=WAIT * 2
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def start(self, name: str, *args: str) -> tuple[subprocess.Popen, Path]:
        log = self.root / f"{name}.log"
        return self.processes.enter_context(running(list(args), self.env(name), log)), log

    def serve(self, *names: str) -> list[str]:
        """Start one server per name, together; their addresses once all answer."""
        started = []
        for name in names:
            port = free_port()
            command = [*LENTERA, "serve", "--no-worker", "--port", str(port)]
            started.append((f"http://127.0.0.1:{port}", *self.start(name, *command)))
        for url, process, log in started:
            wait_until_answering(url, process, log)
        return [url for url, _, _ in started]


def signed_in(server: str, username: str) -> requests.Session:
    """A browser session signed in to the office through `server`'s login form."""
    browser = requests.Session()
    browser.get(f"{server}/kantor/masuk/", timeout=WAIT).raise_for_status()
    response = browser.post(
        f"{server}/kantor/masuk/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=WAIT,
    )
    assert response.status_code == 302, response.text
    return browser


def wait_for_text(server: str, item_id: str, headers: dict) -> str:
    """The text status of the item's only file once the worker is done with it."""
    deadline = time.monotonic() + WAIT
    while True:
        response = requests.get(f"{server}/api/v1/items/{item_id}", headers=headers, timeout=WAIT)
        status = response.json()["documents"][0]["text_status"]
        if status not in ("pending", "running") or time.monotonic() > deadline:
            return status
        time.sleep(0.3)


def test_a_file_uploaded_through_one_server_downloads_through_another_and_is_extracted_once(
    tmp_path, s3_bucket, process_env
):
    bucket = s3_bucket()
    with ExitStack() as processes:
        environment = {
            **process_env("shared"),
            **bucket,
            "LENTERA_SECRET_KEY": secrets.token_urlsafe(50),  # one site, several machines
        }
        site = Machines(tmp_path, environment, processes)
        site.run(*LENTERA, "migrate", "-v", "0")
        item_id = site.run(sys.executable, "-c", SETUP).split()[-1]
        bearer = {"Authorization": f"Bearer {site.run(*LENTERA, 'apitoken', OFFICER)}"}
        site.start("worker", *LENTERA, "worker")
        a, b = site.serve("server-a", "server-b")

        pdf = pdf_upload("renstra-2025-2029.pdf", TEXT).read()
        uploaded = requests.post(
            f"{a}/api/v1/items/{item_id}/documents",
            headers=bearer,
            files={"file": ("renstra-2025-2029.pdf", pdf, "application/pdf")},
            timeout=WAIT,
        )
        assert uploaded.status_code == 201, uploaded.text
        version = uploaded.json()
        assert version["sha256"] == hashlib.sha256(pdf).hexdigest()

        detail = requests.get(f"{b}/api/v1/items/{item_id}", headers=bearer, timeout=WAIT)
        assert detail.status_code == 200, detail.text
        (listed,) = detail.json()["documents"]
        assert listed["id"] == version["id"] and listed["sha256"] == version["sha256"]
        assert listed["download_url"] == f"{b}/api/v1/files/{version['id']}"
        downloaded = requests.get(listed["download_url"], headers=bearer, timeout=WAIT)
        assert downloaded.status_code == 200
        assert hashlib.sha256(downloaded.content).hexdigest() == version["sha256"]
        # Signed in on A, downloading through B's office: no sticky sessions needed.
        office = f"{b}/kantor/berkas/{version['id']}/"
        downloaded = signed_in(a, OFFICER).get(office, timeout=WAIT)
        assert downloaded.status_code == 200
        assert hashlib.sha256(downloaded.content).hexdigest() == version["sha256"]

        assert wait_for_text(b, item_id, bearer) == "done"
        report = json.loads(site.run(sys.executable, "-c", REPORT, str(version["id"])))
        assert "Rencana Strategis Biro Kesejahteraan Rakyat" in report["text"]
        (job,) = report["jobs"]  # one job, not queued again
        assert job["status"] == "SUCCESSFUL" and job["returned"] == "done"
        assert len(job["workers"]) == 1  # each claim of a job adds the claiming worker
        stored = s3_client(bucket).get_object(
            Bucket=bucket["LENTERA_S3_BUCKET"], Key=report["file"]
        )
        assert hashlib.sha256(stored["Body"].read()).hexdigest() == version["sha256"]
        # Neither the file nor its thumbnail touched any machine's disk.
        assert not [p for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".png")]
        for server in (a, b):
            assert requests.get(f"{server}/healthz", timeout=WAIT).json()["storage"] == "ok"
        site.run(*LENTERA, "audit", "verify")  # upload on A, download on B: one chain
