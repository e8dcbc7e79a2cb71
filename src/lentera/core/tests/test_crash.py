"""`lentera serve` killed with SIGKILL of its process group, again and again, while API
clients upload files and move items through their SOP, loses nothing it acknowledged:
every upload and step move it answered 2xx is in the database, the activity log's
chain holds, and what the kills left in storage (bytes stored, record never committed)
is swept into quarantine, after which fixity is clean.

Real processes on the suite's engine (a PostgreSQL database of the test's own, or a
SQLite file). LENTERA_CRASH_KILLS sets the number of kills (10; scripts/crashtest runs
50) and LENTERA_CRASH_SEED the seed that draws the moments of the kills.
"""

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from lentera.conftest import free_port, wait_until_answering
from lentera.testing import pdf_upload

KILLS = int(os.environ.get("LENTERA_CRASH_KILLS", "10"))
SEED = int(os.environ.get("LENTERA_CRASH_SEED", "17"))
UPLOADERS = 2  # clients, each uploading to an item of its own
MOVERS = 2  # clients, each moving an item of its own round steps 1 → 2 → 3 → 1
RUNNING = (0.5, 3.0)  # seconds the clients run before the kill, drawn at random
WAIT = 30  # seconds, for any one thing to happen
LENTERA = [sys.executable, "-m", "lentera.cli"]
ITEMS = "/api/v1/items"
RETURN_NOTE = "Kolom ringkasan perlu diperbaiki."

# Items (id: lock_version) for the clients; write tokens of their unit's officer and approver.
SETUP = """
import json, sys, django
django.setup()
from lentera.accounts.services import issue_token
from lentera.testing import build_world, new_item
world = build_world()
items = [new_item(world, title=f"Laporan Kinerja {n}") for n in range(int(sys.argv[1]))]
print(json.dumps({
    "items": {item.pk: item.lock_version for item in items},
    "officer": issue_token(world.officer, name="crash")[1],
    "approver": issue_token(world.approver, name="crash")[1],
}))
"""

# What the database holds: every version's item and SHA-256, every step move per item.
STORED = """
import json, django
django.setup()
from lentera.audit.models import ActivityEvent
from lentera.documents.models import DocumentVersion
versions = {
    v.pk: [v.document.item_id, v.sha256]
    for v in DocumentVersion.objects.select_related("document")
}
moves = {}
events = ActivityEvent.objects.filter(verb__in=["complete", "return"])
for e in events.select_related("step", "to_step").order_by("pk"):
    moves.setdefault(e.item_id, []).append([e.verb, e.step.number, e.to_step.number])
print(json.dumps({"versions": versions, "moves": moves}))
"""


@dataclass
class Acknowledged:
    """What the clients sent and the server answered, over every life of the server."""

    uploads: list = field(default_factory=list)  # (item, version id, SHA-256 sent, answered)
    moves: list = field(default_factory=list)  # (item, verb, from step, to step, lock_version)
    refused: list = field(default_factory=list)  # (path, status, body): none expected
    busy: dict = field(default_factory=dict)  # client -> what it is sending, or None


class Site:
    """One data directory and database; its commands and its server."""

    def __init__(self, root: Path, env: dict):
        self.root = root
        self.env = env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=WAIT * 2)
        assert not check or done.returncode == 0, done.stdout + done.stderr
        return done

    def lentera(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(*LENTERA, *args, check=check)

    @contextmanager
    def server(self, life: int):
        """`lentera serve` in a process group of its own, for the block; killed after it."""
        port = free_port()
        log = self.root / f"serve-{life}.log"
        command = [*LENTERA, "serve", "--no-worker", "--no-migrate", "--port", str(port)]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, env=self.env, stdout=output, stderr=output, start_new_session=True
            )
            try:
                wait_until_answering(f"http://127.0.0.1:{port}", process, log)
                yield f"http://127.0.0.1:{port}", process
            finally:
                kill_group(process)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the server's whole process group, as a power cut or the OOM killer."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=WAIT)


def upload_until_killed(url: str, item: int, token: str, seen: Acknowledged, name: str) -> None:
    """Attach new PDFs to `item` until the server is gone."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    while True:
        marker = uuid.uuid4().hex  # no two files alike: a twin would be refused
        pdf = pdf_upload(f"{marker}.pdf", f"Laporan {marker}\n" * (1 + int(marker[:2], 16))).read()
        seen.busy[name] = "upload"
        try:
            response = requests.post(
                f"{url}{ITEMS}/{item}/documents",
                headers=headers,
                files={"file": (f"laporan-{marker}.pdf", pdf, "application/pdf")},
                data={"title": f"Laporan {marker}"},
                timeout=WAIT,
            )
        except requests.RequestException:
            return
        finally:
            seen.busy[name] = None
        if response.status_code != 201:
            seen.refused.append((response.request.path_url, response.status_code, response.text))
            return
        sent = hashlib.sha256(pdf).hexdigest()
        seen.uploads.append((item, response.json()["id"], sent, response.json()["sha256"]))


def move_until_killed(url: str, item: int, tokens: dict, seen: Acknowledged, name: str) -> None:
    """The officer completes steps 1 and 2, the approver returns the item from step 3 to
    step 1, round and round, from wherever the item stands, until the server is gone."""

    def call(method: str, path: str, token: str, payload=None) -> dict | None:
        headers = {"Authorization": f"Bearer {tokens[token]}", "Accept-Language": "en"}
        response = requests.request(
            method, f"{url}{ITEMS}/{item}{path}", headers=headers, json=payload, timeout=WAIT
        )
        if response.status_code != 200:
            seen.refused.append((response.request.path_url, response.status_code, response.text))
            return None
        return response.json()

    try:
        state = call("GET", "", "officer")  # a move may have committed unanswered
        while state is not None:
            step, version = state["current_step"]["number"], state["lock_version"]
            seen.busy[name] = "move"
            if step < 3:
                verb, path, token, payload = "complete", "/complete", "officer", {}
            else:
                verb, path, token = "return", "/return", "approver"
                payload = {"to_step": 1, "note": RETURN_NOTE}
            state = call("POST", path, token, {**payload, "lock_version": version})
            seen.busy[name] = None
            if state is not None:
                moved_to = state["current_step"]["number"]
                seen.moves.append((item, verb, step, moved_to, state["lock_version"]))
    except requests.RequestException:
        return
    finally:
        seen.busy[name] = None


def live_and_kill(site: Site, life: int, setup: dict, seen: Acknowledged, rng) -> dict:
    """Start the server, let the clients work on it, kill its process group at a random
    moment; what the clients were sending at that moment."""
    with site.server(life) as (url, process):
        clients = [
            threading.Thread(
                target=upload_until_killed,
                args=(url, item, setup["officer"], seen, f"uploader {n}"),
                daemon=True,
            )
            for n, item in enumerate(list(setup["items"])[:UPLOADERS])
        ] + [
            threading.Thread(
                target=move_until_killed,
                args=(url, item, setup, seen, f"mover {n}"),
                daemon=True,
            )
            for n, item in enumerate(list(setup["items"])[UPLOADERS:])
        ]
        for client in clients:
            client.start()
        time.sleep(rng.uniform(*RUNNING))
        in_flight = dict(seen.busy)
        kill_group(process)
        assert process.returncode == -signal.SIGKILL
        for client in clients:
            client.join(timeout=WAIT)
        assert not any(client.is_alive() for client in clients), "a client hangs"
    return in_flight


def age_stored_files(files: Path, seconds: int) -> None:
    """Make every stored file look `seconds` old: the sweep leaves younger orphans alone."""
    then = time.time() - seconds
    for path in files.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_a_server_killed_again_and_again_loses_no_acknowledged_upload_or_step_move(
    tmp_path, process_env
):
    rng = random.Random(SEED)
    site = Site(tmp_path, process_env("crash"))
    site.lentera("migrate", "-v", "0")
    setup = json.loads(site.run(sys.executable, "-c", SETUP, str(UPLOADERS + MOVERS)).stdout)
    setup["items"] = {int(item): version for item, version in setup["items"].items()}
    seen = Acknowledged()
    killed_while = {"upload": 0, "move": 0}
    for life in range(KILLS):
        for doing in live_and_kill(site, life, setup, seen, rng).values():
            if doing:
                killed_while[doing] += 1
    figures = f"crash test figures ({site.env['DATABASE_URL'].split(':', 1)[0]}, seed {SEED}):"
    print(
        f"\n{figures} {KILLS} kills (in flight at them: {killed_while['upload']} uploads, "
        f"{killed_while['move']} step moves); acknowledged: {len(seen.uploads)} uploads, "
        f"{len(seen.moves)} step moves, {len(seen.refused)} refusals"
    )

    assert not seen.refused, seen.refused[:5]
    stored = json.loads(site.run(sys.executable, "-c", STORED).stdout)
    for item, version, sent, answered in seen.uploads:
        assert sent == answered
        assert stored["versions"].get(str(version)) == [item, sent], f"version {version}"
    for item, verb, step, moved_to, lock_version in seen.moves:
        # Only moves change these items' lock_version, one each: the move that made
        # lock_version L is the (L - start)th in the log.
        nth = lock_version - setup["items"][item]
        logged = stored["moves"].get(str(item), [])
        assert len(logged) >= nth, f"item {item}: move {nth} lost"
        assert logged[nth - 1] == [verb, step, moved_to], f"item {item}: move {nth}"

    site.lentera("audit", "verify")
    files = Path(site.env["LENTERA_DATA_DIR"]) / "files"
    age_stored_files(files, 120)  # the server is dead: no upload is still committing
    swept = site.lentera("fixity", "--no-progress", "--sweep", "--older-than", "1", check=False)
    orphans = [path for path in (files / "quarantine").rglob("*") if path.is_file()]
    versions = len(stored["versions"])
    print(f"{figures} {len(orphans)} orphan files quarantined, {versions} versions stored")
    assert swept.returncode == 0, swept.stdout + swept.stderr
    site.lentera("fixity", "--no-progress")  # exits 1 on anything missing, corrupt or orphan
    assert len(orphans) <= KILLS * UPLOADERS  # at most one upload per uploader and kill
    assert all(path.read_bytes().startswith(b"%PDF") for path in orphans)
    assert seen.uploads and seen.moves
