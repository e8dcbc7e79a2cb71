"""Officers' write latency while public readers hold keep-alive connections (issue 17).

Prepares a fresh data directory (the demo's three bodies, PUBLISHED more public items
with a PDF each, and OFFICERS officers of one unit, each with an item of their own and
an API token), starts `lentera serve` (waitress, no worker) and runs three phases:

1. baseline: the officers alone for BASELINE seconds;
2. load: 100 public readers, each on one keep-alive connection, read /, /dip/,
   /informasi/<id>/ and /cari/?q=… with a think time between pages, while the officers
   write for SECONDS: each cycle opens a connection, PATCHes its item's summary (with
   the lock_version read) and uploads a small PDF;
3. idle: 500 connections are opened and send nothing; /healthz is timed on a fresh
   connection, before and while they are open.

Every request's latency and status are recorded (`--csv` writes them). Prints the
figures beside their ceilings (officers' p95 under load ≤ 1 s, no errors, /healthz
with 500 idle connections ≤ 1 s) and exits 1 when one is missed; also the server's
CPU (share of one core, from /proc), its open sockets with the idle connections, and
how often waitress queued a request because all its threads were busy.

    .venv/bin/python bench/load.py                        # SQLite, 60 s
    .venv/bin/python bench/load.py --seconds 10 --baseline 5
    .venv/bin/python bench/load.py --public-think 10 --officer-think 5
    .venv/bin/python bench/load.py --database-url postgres://root@127.0.0.1:5432/lentera_load

`--database-url` names an empty database (it is migrated and filled, never dropped).
Linux only (/proc; the server is told to stop when this script dies). Figures:
bench/README.md.
"""

import argparse
import csv
import ctypes
import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

P95_CEILING = 1.0  # seconds: officers' p95 under load
HEALTHZ_CEILING = 1.0  # seconds: /healthz with the idle connections open
TIMEOUT = 30  # seconds a client waits for an answer before counting an error

PREPARE = """
import json
from pathlib import Path
from lentera.accounts.services import issue_token
from lentera.core.demo import load_demo
from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.register.selectors import public_items
from lentera.register.services import create_item
from lentera.testing import build_world, item_fields, make_user, new_item, pdf_upload, publish_item
load_demo()
w = build_world("bench-")
kinds = ["Laporan Keuangan", "Rencana Strategis", "Daftar Penerima Bantuan Sosial",
         "Profil Kesehatan", "Laporan Kinerja", "Rencana Kerja", "Data Stunting per Kecamatan",
         "Laporan Realisasi Anggaran"]
for n in range({published}):
    title = f"{kinds[n % len(kinds)]} Biro Kesejahteraan Rakyat Tahun {2018 + n % 8}"
    item = new_item(w, title=title, year=2018 + n % 8, form_hardcopy=False)
    add_document(item, w.officer, pdf_upload(f"berkas-{n}.pdf", f"{title} (salinan {n})"))
    publish_item(w, item)
officers = []
for n in range(1, {officers} + 1):
    user = make_user(f"bench-petugas.{n:02d}", w.unit, Role.OFFICER)
    item = create_item(user, **item_fields(w.unit, title=f"Catatan Kerja Petugas {n:02d}"))
    _, token = issue_token(user, name="bench/load.py")
    officers.append({"item": item.pk, "lock_version": item.lock_version, "token": token})
Path("{out}").write_text(json.dumps({
    "public": list(public_items().values_list("pk", flat=True)),
    "officers": officers,
    "pdf": pdf_upload("lampiran.pdf", "Lampiran catatan kerja").read().hex(),
}))
"""

QUERIES = (
    "laporan keuangan",
    "kesehatan",
    "bantuan sosial",
    "rencana strategis",
    "anggaran 2025",
    "stunting",
    "pendidikan",
    "kinerja",
    "rkpd",
    "jembatan gantung",
)


@dataclass
class Sample:
    phase: str
    who: str
    kind: str
    at: float  # seconds since the bench started
    seconds: float
    status: int  # 0: no answer (refused, reset or timed out)
    ok: bool


@dataclass
class Observed:
    """What the server did besides answering."""

    cpu: dict[str, tuple[float, float]]  # phase: (server, bench) share of one core
    sockets: int  # the server's open sockets with the idle connections open
    queued: list[int]  # depths of the queue waitress warned of (every thread busy)


class Clock:
    """Samples from every client thread (list.append is atomic) and the bench's start."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.samples: list[Sample] = []

    def timed(self, phase, who, kind, conn, method, path, *, body=None, headers=None, expect=200):
        """Send one request on `conn`; record it; the answer's JSON (or None)."""
        started = time.perf_counter()
        status, data = 0, b""
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            status, data = response.status, response.read()
        except (OSError, http.client.HTTPException):
            conn.close()  # the next request on it reconnects
        seconds = time.perf_counter() - started
        ok = status == expect
        self.samples.append(Sample(phase, who, kind, started - self.start, seconds, status, ok))
        if ok and data[:1] == b"{":
            return json.loads(data)
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's process: SIGTERM when the bench dies, even by SIGKILL."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(env: dict, port: int, args, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "lentera.cli", "serve", "--no-worker", "--no-migrate"]
    command += ["--port", str(port), "--processes", str(args.processes)]
    command += ["--threads", str(args.threads)] if args.threads else []
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent
    )
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped at start (exit {server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not listen within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# What a visitor reads, and how often: an item page most, then the register and search.
PAGE_WEIGHTS = {"home": 1, "dip": 2, "item": 4, "search": 2}


def public_pages(public_ids: list[int]) -> dict[str, list[str]]:
    return {
        "home": ["/"],
        "dip": ["/dip/"],
        "item": [f"/informasi/{pk}/" for pk in public_ids],
        "search": ["/cari/?q=" + query.replace(" ", "+") for query in QUERIES],
    }


def public_reader(clock, phase, port, pages, think, until, who, rng) -> None:
    """One visitor on one keep-alive connection, reading pages with a pause between.
    `phase` is read at each request: "ramp" while the readers arrive, then "load"."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    kinds, weights = list(PAGE_WEIGHTS), list(PAGE_WEIGHTS.values())
    time.sleep(rng.uniform(0, think))  # visitors do not arrive in step
    while time.perf_counter() < until:
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(pages[kind])
        headers = {"Accept-Language": "id"}
        clock.timed(phase[0], who, kind, conn, "GET", path, headers=headers)
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))
    conn.close()


def officer(clock, phase, port, spec, pdf, think, until, who, rng) -> None:
    """Write cycles on the officer's own item: PATCH its summary, then upload a PDF.
    Each cycle opens a fresh connection, as a browser whose connection was closed."""
    auth = {"Authorization": f"Bearer {spec['token']}"}
    path = f"/api/v1/items/{spec['item']}"
    cycle = 0
    time.sleep(rng.uniform(0, think))
    while time.perf_counter() < until:
        cycle += 1
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        patch = {
            "lock_version": spec["lock_version"],
            "summary": f"Catatan kerja {who}, perubahan {phase} {cycle}: {uuid.uuid4().hex}",
        }
        headers = {**auth, "Content-Type": "application/json"}
        answer = clock.timed(
            phase, who, "PATCH", conn, "PATCH", path, body=json.dumps(patch), headers=headers
        )
        if answer is None:  # re-read the lock_version (not timed) and go on
            answer = clock.timed("reread", who, "GET", conn, "GET", path, headers=auth) or {}
        spec["lock_version"] = answer.get("lock_version", spec["lock_version"])
        body, content_type = multipart(pdf + f"\n% {who} {phase} {cycle}\n".encode())
        headers = {**auth, "Content-Type": content_type}
        created = clock.timed(
            phase, who, "upload", conn, "POST", f"{path}/documents",
            body=body, headers=headers, expect=201,
        )  # fmt: skip
        if created is not None:
            spec["lock_version"] += 1  # an upload moves the item's lock_version on
        conn.close()
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def multipart(pdf: bytes) -> tuple[bytes, str]:
    """A multipart body with `pdf` as its `file`; bytes after %%EOF keep it a PDF."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="lampiran.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    body = head + pdf + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def officers(clock, phase, port, prepared, think, seconds, rng) -> list[threading.Thread]:
    until = time.perf_counter() + seconds
    pdf = bytes.fromhex(prepared["pdf"])
    return [
        threading.Thread(
            target=officer,
            args=(clock, phase, port, spec, pdf, think, until, f"officer-{n:02d}"),
            kwargs={"rng": random.Random(rng.random())},
            daemon=True,  # a stopped bench does not wait for them
        )
        for n, spec in enumerate(prepared["officers"], 1)
    ]


def run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def probe_healthz(clock, phase, port, tries: int = 5) -> None:
    """GET /healthz `tries` times, each on a fresh connection."""
    for _ in range(tries):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        clock.timed(phase, "probe", "healthz", conn, "GET", "/healthz")
        conn.close()
        time.sleep(0.2)


def serving(pid: int) -> list[int]:
    """The server's process and, with --processes, the serving processes it forked."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return [pid] + [
        int(child) for task in tasks for child in (task / "children").read_text().split()
    ]


def open_sockets(pid: int) -> int:
    """Sockets the server holds: the listening ones and every accepted connection."""
    fds = [fd for process in serving(pid) for fd in Path(f"/proc/{process}/fd").iterdir()]
    return sum(os.readlink(fd).startswith("socket:") for fd in fds)


def idle_connections(port: int, count: int) -> list[socket.socket]:
    """`count` connections that send nothing, given a second so the server accepts them."""
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(count)]
    time.sleep(1)
    return sockets


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def line(label: str, samples: list[Sample], seconds: float | None = None, ceiling="") -> str:
    times = [s.seconds * 1000 for s in samples]
    errors = sum(not s.ok for s in samples)
    rate = f"{len(samples) / seconds:6.1f}" if seconds else f"{'-':>6}"
    figures = [quantile(times, q) for q in (0.5, 0.95, 0.99)] + [max(times, default=float("nan"))]
    shown = "  ".join(f"{figure:7.1f}" if times else f"{'-':>7}" for figure in figures)
    return f"{label:<28} {len(samples):6d} {rate} {errors:6d}  {shown}  {ceiling}"


def report(clock: Clock, args, seen: Observed) -> bool:
    """Print the figures beside their ceilings; True when every ceiling holds."""

    def of(phase: str, who: str = "", kind: str = "") -> list[Sample]:
        return [
            s
            for s in clock.samples
            if s.phase == phase and s.who.startswith(who) and s.kind.startswith(kind)
        ]

    loaded, idle = of("load", "officer"), of("idle")
    p95 = quantile([s.seconds for s in loaded], 0.95)
    errors = [s for s in clock.samples if not s.ok]
    idle_max = max((s.seconds for s in idle), default=float("inf"))
    held = {
        "p95": p95 <= P95_CEILING,
        "errors": not errors,
        "healthz": idle_max <= HEALTHZ_CEILING and all(s.ok for s in idle),
    }
    verdict = {True: "ok", False: "MISSED"}
    heads = ("requests", "req/s", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms")
    print(f"\n{'':<28} {heads[0]:>6} {heads[1]:>6} {heads[2]:>6}  "
          + "  ".join(f"{head:>7}" for head in heads[3:]) + "  ceiling")  # fmt: skip
    print(line("officers alone (baseline)", of("baseline", "officer"), args.baseline))
    ceiling = f"p95 ≤ {P95_CEILING * 1000:.0f} ms: {verdict[held['p95']]}"
    print(line(f"officers, {args.public} readers", loaded, args.seconds, ceiling))
    for kind in ("PATCH", "upload"):
        print(line(f"  {kind}", of("load", "officer", kind), args.seconds))
    print(line(f"public readers ({args.public})", of("load", "public"), args.seconds))
    for kind in PAGE_WEIGHTS:
        print(line(f"  {kind}", of("load", "public", kind), args.seconds))
    print(line("readers arriving (ramp)", of("ramp", "public")))
    print(line("/healthz, no idle", of("quiet")))
    ceiling = f"max ≤ {HEALTHZ_CEILING * 1000:.0f} ms: {verdict[held['healthz']]}"
    print(line(f"/healthz, {args.idle} idle conns", idle, None, ceiling))
    uploaded = [s for s in clock.samples if s.kind == "upload" and s.ok]
    print(f"files on each officer's item at the end: {len(uploaded) / args.officers:.0f} "
          "(the PATCH answer lists them all)")  # fmt: skip
    print(f"server sockets with the {args.idle} idle connections open: {seen.sockets}")
    print("CPU, share of one core: "
          + "; ".join(f"{phase} server {used[0]:.0%}, bench {used[1]:.0%}"
                      for phase, used in seen.cpu.items()))  # fmt: skip
    print(f"waitress queued requests (all threads busy): {len(seen.queued)} warnings, "
          f"deepest {max(seen.queued, default=0)}")  # fmt: skip
    print(f"errors, all phases: {len(errors)} (ceiling 0): {verdict[held['errors']]}")
    for sample in errors[:10]:
        print(f"  {sample.phase} {sample.who} {sample.kind}: status {sample.status} "
              f"after {sample.seconds:.2f} s, {sample.at:.1f} s into the run")  # fmt: skip
    return all(held.values())


def server_queue(log: Path) -> list[int]:
    """The depths waitress logged ("Task queue depth is N": every thread busy); its other
    lines are printed."""
    depths = []
    for text in log.read_text(errors="replace").splitlines():
        if "Task queue depth is " in text:
            depths.append(int(text.rsplit(" ", 1)[1]))
        elif text.strip() and not text.startswith("Lentera: http") and "Serving on" not in text:
            print(f"server: {text}")
    return depths


def write_csv(path: Path, samples: list[Sample]) -> None:
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["phase", "who", "kind", "at", "seconds", "status", "ok"])
        for s in samples:
            row = [s.phase, s.who, s.kind, f"{s.at:.3f}", f"{s.seconds:.4f}", s.status, s.ok]
            writer.writerow(row)


def prepare(env: dict, args, temp: Path) -> dict:
    """Migrate and fill the database; the public item ids, officers and PDF bytes."""
    lentera = [sys.executable, "-m", "lentera.cli"]
    subprocess.run([*lentera, "migrate", "-v", "0"], env=env, check=True)
    out = temp / "prepared.json"
    script = (
        PREPARE.replace("{published}", str(args.published))
        .replace("{officers}", str(args.officers))
        .replace("{out}", str(out))
    )
    subprocess.run(
        [*lentera, "shell", "-c", script], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return json.loads(out.read_text())


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server so far (all its threads and processes)."""
    total = 0
    for process in serving(pid):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Usage:
    """Share of one core used by the server and by this bench over a phase."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.start = (cpu_seconds(pid), time.process_time(), time.perf_counter())

    def stop(self) -> tuple[float, float]:
        server, bench, wall = (cpu_seconds(self.pid), time.process_time(), time.perf_counter())
        elapsed = wall - self.start[2]
        return (server - self.start[0]) / elapsed, (bench - self.start[1]) / elapsed


def measure(clock: Clock, server: int, port: int, prepared: dict, args) -> tuple[dict, int]:
    """The three phases against a running server (pid `server`): the CPU the baseline
    and the load used, and the sockets the server held with the idle connections."""
    rng = random.Random(args.seed)
    pages = public_pages(prepared["public"])
    for kind in PAGE_WEIGHTS:  # fill the caches and compile the templates
        for path in pages[kind]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            clock.timed("warm", "warm", kind, conn, "GET", path)
            conn.close()
    probe_healthz(clock, "quiet", port)
    cpu = {"baseline": Usage(server)}
    run(officers(clock, "baseline", port, prepared, args.officer_think, args.baseline, rng))
    cpu["baseline"] = cpu["baseline"].stop()

    phase = ["ramp"]
    until = time.perf_counter() + args.public_think + args.seconds
    readers = [
        threading.Thread(
            target=public_reader,
            args=(clock, phase, port, pages, args.public_think, until, f"public-{n:03d}"),
            kwargs={"rng": random.Random(rng.random())},
            daemon=True,  # a stopped bench does not wait for them
        )
        for n in range(args.public)
    ]
    for thread in readers:
        thread.start()
    time.sleep(args.public_think)  # every reader has arrived and holds its connection
    phase[0] = "load"
    cpu["load"] = Usage(server)
    run(officers(clock, "load", port, prepared, args.officer_think, args.seconds, rng))
    cpu["load"] = cpu["load"].stop()
    for thread in readers:
        thread.join()

    idle = idle_connections(port, args.idle)
    try:
        held = open_sockets(server)
        probe_healthz(clock, "idle", port)
    finally:
        for sock in idle:
            sock.close()
    return cpu, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--seconds", type=float, default=60, help="officers writing beside the readers (60)")
    add("--baseline", type=float, default=20, help="seconds of officers alone first (20)")
    add("--public", type=int, default=100, help="public readers (100)")
    add("--officers", type=int, default=10, help="officers writing (10)")
    add("--idle", type=int, default=500, help="idle connections for /healthz (500)")
    add("--public-think", type=float, default=5, help="mean seconds a reader stays on a page (5)")
    add("--officer-think", type=float, default=2, help="mean seconds between write cycles (2)")
    add("--published", type=int, default=40, help="public items added to the demo's 13 (40)")
    add("--threads", type=int, help="the server's --threads per process (default: its own, 8)")
    add("--processes", type=int, default=1, help="the server's --processes (1)")
    add("--data", type=Path, help="data directory, kept (default: a temporary one)")
    add("--database-url", help="an empty database to fill (default: SQLite in the data dir)")
    add("--csv", type=Path, help="write every request (phase, who, kind, latency, status)")
    add("--seed", type=int, default=17, help="random seed of the clients' choices (17)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the idle connections

    with tempfile.TemporaryDirectory(prefix="lentera-load-") as temp:
        data_dir = (args.data or Path(temp)).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        database = args.database_url or f"sqlite:///{data_dir}/lentera.sqlite3"
        env = {
            **os.environ,
            "LENTERA_DATA_DIR": str(data_dir),
            "DATABASE_URL": database,
            "LENTERA_LOG_LEVEL": "WARNING",
        }
        started = time.perf_counter()
        prepared = prepare(env, args, Path(temp))
        print(f"prepared in {time.perf_counter() - started:.0f} s: "
              f"{len(prepared['public'])} public items, {len(prepared['officers'])} officers; "
              f"database {database.rsplit('@', 1)[-1]}")  # fmt: skip
        clock = Clock()
        with open(data_dir / "server.log", "ab") as log:
            port = free_port()
            server = start_server(env, port, args, log)
            try:
                cpu, sockets = measure(clock, server.pid, port, prepared, args)
            finally:
                stop_server(server)
        if args.csv:
            write_csv(args.csv, clock.samples)
        queued = server_queue(data_dir / "server.log")
        passed = report(clock, args, Observed(cpu, sockets, queued))
        sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
