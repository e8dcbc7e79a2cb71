"""Server memory across repeated anonymous DIP exports (issue 16).

Starts `lentera serve` (waitress, no worker) on a fresh SQLite register with ROWS
public items, then asks for /dip.pdf and /dip.xlsx REPEAT times each, as one
anonymous visitor would. Prints the server's resident memory (VmRSS) after the first
request of each kind and after the last, and how long the first (built) and the
repeated (cached) answers took: the repeats are served from the export cache. Then
records REBUILDS publications, each followed by a /dip.pdf that is built again, and
prints the RSS after each: WeasyPrint runs in a child process (lentera.pdf), so the
server's memory stays flat.

    python bench/export_memory.py                 # 625 rows, 20 repeats
    python bench/export_memory.py --rows 200 --repeat 10 --rebuilds 3

Linux only (reads /proc). The figures go in bench/README.md.
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PREPARE = """
import datetime
from django.utils import timezone
from lentera.register.models import InformationItem
from lentera.register.constants import Status
from lentera.testing import build_world, item_fields
w = build_world("bench-")
now = timezone.now()
InformationItem.objects.bulk_create(
    InformationItem(
        **item_fields(w.unit, title=f"Laporan Kegiatan Bidang {n:04d}", year=2020 + n % 6),
        sop=w.body.sop, status=Status.PUBLISHED, published_at=now, listed_at=now,
        created_by=w.officer,
    )
    for n in range({rows})
)
from lentera.audit.services import record
from django.db import transaction
with transaction.atomic():
    record("publish", actor=w.approver, item=InformationItem.objects.first())
"""

CHANGE = """
from django.db import transaction
from lentera.audit.services import record
from lentera.register.models import InformationItem
item = InformationItem.objects.first()
with transaction.atomic():
    record("publish", actor=item.created_by, item=item)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc")


def get(port: int, path: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=625)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rebuilds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lentera-bench-") as data:
        env = {
            **os.environ,
            "LENTERA_DATA_DIR": data,
            "DATABASE_URL": f"sqlite:///{data}/lentera.sqlite3",
            "LENTERA_LOG_LEVEL": "WARNING",
        }
        lentera = [sys.executable, "-m", "lentera.cli"]
        subprocess.run([*lentera, "migrate", "-v", "0"], env=env, check=True)
        subprocess.run(
            [*lentera, "shell", "-c", PREPARE.replace("{rows}", str(args.rows))],
            env=env,
            check=True,
        )
        port = free_port()
        server = subprocess.Popen(
            [*lentera, "serve", "--no-worker", "--no-migrate", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            get(port, "/healthz")
            print(f"rows               {args.rows}")
            print(f"idle RSS           {rss_mib(server.pid):.0f} MiB")
            for path in ("/dip.pdf", "/dip.xlsx"):
                status, size, first = get(port, path)
                assert status == 200, (path, status)
                after_first = rss_mib(server.pid)
                times = []
                for _ in range(args.repeat):
                    status, again, seconds = get(port, path)
                    assert status == 200 and again == size
                    times.append(seconds)
                after_all = rss_mib(server.pid)
                print(
                    f"{path:<10} {size / 1024:7.0f} KiB  first {first:6.2f} s  "
                    f"repeat median {sorted(times)[len(times) // 2] * 1000:6.1f} ms  "
                    f"RSS after first {after_first:4.0f} MiB, after {args.repeat} more "
                    f"{after_all:4.0f} MiB"
                )
            # Each publication changes the register state: the next PDF is built again.
            after = []
            for _ in range(args.rebuilds):
                change = [*lentera, "shell", "-c", CHANGE]
                subprocess.run(change, env=env, check=True, stdout=subprocess.DEVNULL)
                status, _size, _seconds = get(port, "/dip.pdf")
                assert status == 200
                after.append(f"{rss_mib(server.pid):.0f}")
            rebuilt = " → ".join(after)
            print(f"/dip.pdf rebuilt after {args.rebuilds} state changes: RSS {rebuilt} MiB")
            print(f"peak RSS           {rss_mib(server.pid, 'VmHWM'):.0f} MiB (VmHWM)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
