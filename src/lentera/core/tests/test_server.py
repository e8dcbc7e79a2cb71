"""`lentera serve` holds its connections: idle keep-alive clients, however many up to
the connection limit, do not keep officers or `/healthz` waiting."""

import http.client
import os
import resource
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from lentera.conftest import free_port


@contextmanager
def server(data, *options, **environment):
    port = free_port()
    env = {
        **os.environ,
        "LENTERA_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'lentera.sqlite3'}",
        **environment,
    }
    command = [sys.executable, "-m", "lentera.cli", "serve", "--no-worker", "--port", str(port)]
    process = subprocess.Popen([*command, *options], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "the server stopped"
                time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def idle_connections(port: int, count: int) -> list[socket.socket]:
    """Clients that connect and say nothing, as keep-alive browsers between pages."""
    return [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]


def health_within(port: int, seconds: float) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (TimeoutError, OSError):
        return False
    finally:
        connection.close()


def test_1100_idle_connections_leave_healthz_answering_at_once(tmp_path):
    # Past 1,024 open descriptors select() fails: the server must poll.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    try:
        with server(tmp_path, "--connection-limit", "1500") as (port, process):
            idle = idle_connections(port, 1100)
            try:
                started = time.monotonic()
                assert health_within(port, 5)
                assert time.monotonic() - started < 5
                assert process.poll() is None
            finally:
                for sock in idle:
                    sock.close()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_past_the_connection_limit_the_server_stops_accepting(tmp_path):
    # Waitress's own default (100) is what blocked officers: the limit is what counts.
    with server(tmp_path, "--connection-limit", "50") as (port, _):
        idle = idle_connections(port, 60)
        try:
            assert not health_within(port, 3)
        finally:
            for sock in idle:
                sock.close()


def open_files_in(pid: int, directory: Path) -> list[str]:
    """The files process `pid` holds open in `directory`, deleted ones included."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(f"{directory}/"):
            found.append(target)
    return found


def test_a_large_request_body_spools_to_the_upload_temp_dir_not_the_system_temp(tmp_path):
    """Waitress buffers a body over 512 KB in a temporary file before Django runs: with
    a small, full system /tmp that reset the connection even when
    LENTERA_UPLOAD_TEMP_DIR had room."""
    system_temp, upload_temp, data = (tmp_path / name for name in ("tmp", "uploads", "data"))
    for directory in (system_temp, upload_temp, data):
        directory.mkdir()
    with server(data, TMPDIR=str(system_temp), LENTERA_UPLOAD_TEMP_DIR=str(upload_temp)) as (
        port,
        process,
    ):
        pid = process.pid
        sending = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            sending.sendall(
                b"POST /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/octet-stream\r\nContent-Length: 4000000\r\n\r\n"
            )
            sending.sendall(b"x" * 2_000_000)  # half the body: the server is buffering it
            deadline = time.monotonic() + 30
            while not open_files_in(pid, upload_temp) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert open_files_in(pid, upload_temp)
            assert not open_files_in(pid, system_temp)
        finally:
            sending.close()


def test_at_start_the_server_quarantines_old_stored_files_without_a_record(tmp_path):
    """What a server killed between storing a file and committing its record left;
    a young one may be an upload still committing and stays."""
    documents = tmp_path / "files" / "documents" / "2026" / "11"
    documents.mkdir(parents=True)
    old, young = documents / "lost.pdf", documents / "committing.pdf"
    old.write_bytes(b"%PDF-1.4 lost")
    young.write_bytes(b"%PDF-1.4 committing")
    an_hour_ago = time.time() - 3601
    os.utime(old, (an_hour_ago, an_hour_ago))
    with server(tmp_path):
        deadline = time.monotonic() + 30
        while old.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    (kept,) = (tmp_path / "files" / "quarantine").rglob("lost.pdf")
    assert kept.read_bytes() == b"%PDF-1.4 lost" and not old.exists()
    assert young.exists()


def get(port: int, path: str, headers: dict) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_behind_a_tls_proxy_the_visitors_https_reaches_the_pages(tmp_path):
    # Waitress drops X-Forwarded-* unless told otherwise: with it, the redirect would
    # loop forever and no page would know it was served over HTTPS.
    tls = {"LENTERA_HTTPS_REDIRECT": "1", "LENTERA_HSTS_SECONDS": "3600"}
    with server(tmp_path, LENTERA_PROXY_COUNT="1", **tls) as (port, _):
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        page = get(port, "/feed/", proxied)
        assert page.status == 200
        assert page.getheader("Strict-Transport-Security").startswith("max-age=3600")
        assert b'href="https://127.0.0.1' in page.body and b"http://127.0.0.1" not in page.body
        plain = get(port, "/feed/", {"X-Forwarded-Proto": "http"})
        assert plain.status == 301
        assert plain.getheader("Location").startswith("https://")


def test_with_no_proxy_a_visitor_cannot_claim_https(tmp_path):
    tls = {"LENTERA_HTTPS_REDIRECT": "1"}
    with server(tmp_path, **tls) as (port, _):
        claimed = get(port, "/feed/", {"X-Forwarded-Proto": "https"})
        assert claimed.status == 301
        assert claimed.getheader("Location").startswith("https://")


def children_of(pid: int) -> set[int]:
    return {
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    }


def test_several_serving_processes_share_the_port_and_stop_together(tmp_path):
    with server(tmp_path, "--processes", "2") as (port, process):
        # The port answers once it is bound, a moment before the copies are forked.
        deadline = time.monotonic() + 30
        while len(serving := children_of(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(serving) == 2
        assert all(health_within(port, 5) for _ in range(10))
        # One of them lost (out of memory, kill -9): the rest stop, and systemd
        # restarts the whole server rather than run on half its processes.
        os.kill(serving.pop(), 9)
        assert process.wait(timeout=30) == 1
        assert not any(Path(f"/proc/{pid}").exists() for pid in serving)


def test_sigterm_stops_every_serving_process(tmp_path):
    with server(tmp_path, "--processes", "2") as (port, process):
        serving = children_of(process.pid)
        assert health_within(port, 5)
        process.terminate()
        assert process.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in serving)


def test_the_code_loaded_at_start_is_left_out_of_garbage_collections(monkeypatch, settings):
    """A full collection over the imported code took 40 ms; the serving must not pay it."""
    import gc
    import tempfile

    from lentera.core import server as serving

    frozen = []
    monkeypatch.setattr(serving, "_waitress", lambda *a, **o: frozen.append(gc.get_freeze_count()))
    monkeypatch.setattr(serving, "start_sweep", lambda: None)
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)  # serve() points it elsewhere
    settings.LENTERA_PROCESSES = 1
    try:
        serving.serve("127.0.0.1", free_port(), with_worker=False)
    finally:
        gc.unfreeze()
    assert frozen and frozen[0] > 10_000
