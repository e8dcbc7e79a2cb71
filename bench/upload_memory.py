"""Peak memory of the server while it receives one large upload.

Starts `lentera serve` (waitress, no worker) on a fresh data directory with the
upload limit raised, streams a multipart upload of SIZE MiB to the API from
this process, and reads the server's peak resident memory (VmHWM) from /proc.

    python bench/upload_memory.py            # 1024 MiB
    python bench/upload_memory.py --mib 200

Linux only (reads /proc). The figures go in bench/README.md.
"""

import argparse
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 1024 * 1024
BOUNDARY = "lentera-bench-boundary"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def prepare(env: dict) -> tuple[int, str]:
    """Migrate, create a body with an item, and issue an API token for its officer."""
    script = (
        "from lentera.testing import build_world, new_item\n"
        "from lentera.accounts.services import issue_token\n"
        "w = build_world('bench-')\n"
        "item = new_item(w)\n"
        "_, token = issue_token(w.officer, name='bench')\n"
        "print(item.pk, token)\n"
    )
    lentera = [sys.executable, "-m", "lentera.cli"]
    subprocess.run([*lentera, "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run(
        [*lentera, "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    )
    item_id, token = out.stdout.split()[-2:]
    return int(item_id), token


def body_parts(size: int):
    """A PDF-looking file of `size` bytes, as multipart parts, and the file's SHA-256."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="arsip-besar.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    block = hashlib.sha256(b"lentera").digest() * (CHUNK // 32)
    first = b"%PDF-1.4\n%" + block[10:]
    sha = hashlib.sha256()

    def chunks():
        yield head
        sent = 0
        while sent < size:
            chunk = (first if sent == 0 else block)[: size - sent]
            sha.update(chunk)
            sent += len(chunk)
            yield chunk
        yield tail

    return len(head) + size + len(tail), chunks, sha


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="upload size in MiB (1024)")
    args = parser.parse_args()
    size = args.mib * CHUNK

    with tempfile.TemporaryDirectory(prefix="lentera-bench-") as data:
        env = {
            **os.environ,
            "LENTERA_DATA_DIR": data,
            "LENTERA_MAX_UPLOAD_MB": str(args.mib + 16),
            "LENTERA_UPLOAD_TEMP_DIR": data,
            "DATABASE_URL": f"sqlite:///{data}/lentera.sqlite3",
        }
        item_id, token = prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lentera.cli",
                "serve",
                "--no-worker",
                "--no-migrate",
                "--port",
                str(port),
            ],
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
            idle = peak_rss_mib(server.pid)
            length, chunks, sha = body_parts(size)
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            conn.putrequest("POST", f"/api/v1/items/{item_id}/documents")
            conn.putheader("Authorization", f"Bearer {token}")
            conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            for chunk in chunks():
                conn.send(chunk)
            response = conn.getresponse()
            answer = response.read()
            seconds = time.perf_counter() - started
            peak = peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if response.status != 201:
            sys.exit(f"upload failed: {response.status} {answer[:500]!r}")
        stored = json.loads(answer)
        assert stored["sha256"] == sha.hexdigest(), "stored hash differs from the sent bytes"
        assert stored["size"] == size
        print(f"upload size        {args.mib} MiB")
        print(f"server idle RSS    {idle:.0f} MiB")
        print(f"server peak RSS    {peak:.0f} MiB  (VmHWM, whole run)")
        print(f"elapsed            {seconds:.1f} s  ({args.mib / seconds:.0f} MiB/s)")
        print(f"sha256             {stored['sha256']} (matches)")


if __name__ == "__main__":
    main()
