"""Running Lentera: a production WSGI server (waitress) beside a background worker."""

import atexit
import contextlib
import gc
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def start_worker(quiet: bool = False) -> subprocess.Popen:
    """The django-tasks database worker, in its own process (its system checks ran in
    this one). `quiet`: it logs only warnings and errors of its tasks."""
    command = [sys.executable, "-m", "lentera.cli", "worker", "--interval", "2", "--skip-checks"]
    proc = subprocess.Popen(command + (["--quiet"] if quiet else []))

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    atexit.register(stop)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return proc


def start_deadlines_clock(interval: float) -> threading.Thread:
    """Run `lentera deadlines run` every `interval` seconds beside the server (it is
    safe to run from several servers at once); cron or a systemd timer can do it instead."""

    def loop() -> None:
        from django.core.management import call_command
        from django.db import close_old_connections

        while True:
            try:
                call_command("deadlines", "run", verbosity=0)
            except Exception:  # noqa: BLE001 - a failed run is logged and retried later
                logger.exception("lentera deadlines run failed")
            finally:
                close_old_connections()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="lentera-deadlines", daemon=True)
    thread.start()
    return thread


def start_sweep() -> threading.Thread:
    """Move the stored files older than an hour that no record names into quarantine,
    beside the server: walking a large storage must not delay the first request."""

    def sweep() -> None:
        from django.db import close_old_connections

        from lentera.documents.fixity import sweep_orphans

        try:
            sweep_orphans()
        except Exception:  # noqa: BLE001 - `lentera fixity --sweep` can do it later
            logger.exception("sweeping orphan files at start failed")
        finally:
            close_old_connections()

    thread = threading.Thread(target=sweep, name="lentera-sweep", daemon=True)
    thread.start()
    return thread


def _more_open_files() -> None:
    """Raise the soft limit of open files to the hard one: every connection is one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def serve(
    host: str,
    port: int,
    threads: int | None = None,
    with_worker: bool = True,
    *,
    connection_limit: int | None = None,
    channel_timeout: int | None = None,
    processes: int | None = None,
    quiet_worker: bool = False,
) -> None:
    """Serve until stopped: waitress in this process, or in `processes` forked copies
    sharing one listening socket (each with its own threads and connection limit), so
    that the request work uses every core; Python runs one thread at a time per process."""
    from lentera.documents.leftovers import clean_temp
    from lentera.wsgi import application

    # The objects of the imported code live as long as the process: left out of the
    # collector's full passes (40 ms each, every few thousand requests, now 4) and of
    # its writes, which would copy the forked processes' shared pages.
    gc.freeze()
    clean_temp()  # what a killed server or worker left in the temp directories
    _more_open_files()
    if settings.FILE_UPLOAD_TEMP_DIR:
        # Waitress spools request bodies over 512 KB to tempfile's directory, before
        # Django sees them: they belong with the uploads, not in a small system /tmp.
        tempfile.tempdir = settings.FILE_UPLOAD_TEMP_DIR
    options = {
        "threads": threads or settings.LENTERA_THREADS,
        "connection_limit": connection_limit or settings.LENTERA_CONNECTION_LIMIT,
        "channel_timeout": channel_timeout or settings.LENTERA_CHANNEL_TIMEOUT,
        "max_request_body_size": settings.LENTERA_MAX_UPLOAD_BYTES + 1024 * 1024,
        # poll(), not select(): select() fails outright past 1,024 open descriptors.
        "asyncore_use_poll": True,
        # Behind LENTERA_PROXY_COUNT proxies their X-Forwarded-* headers reach Django,
        # which reads them (settings: SECURE_PROXY_SSL_HEADER, client_address); with no
        # proxy waitress drops them, so a visitor cannot claim HTTPS or an address.
        "clear_untrusted_proxy_headers": not settings.LENTERA_PROXY_COUNT,
        "ident": "Lentera",
    }
    processes = processes or settings.LENTERA_PROCESSES
    children = set()
    if processes > 1:
        # Fork before any thread or child process starts: only the serving is copied.
        listener = socket.create_server(
            (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET, backlog=1024
        )
        connections.close_all()
        children = {_fork_server(application, listener, options) for _ in range(processes)}
        listener.close()
    start_sweep()  # stored files a killed server left without their record
    if with_worker:
        start_worker(quiet=quiet_worker)
        if settings.LENTERA_DEADLINES_INTERVAL_MINUTES > 0:
            start_deadlines_clock(settings.LENTERA_DEADLINES_INTERVAL_MINUTES * 60)
    if children:
        _supervise(children)
    else:
        _waitress(application, host=host, port=port, **options)


def _waitress(application, **options) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(application, **options)


def _fork_server(application, listener: socket.socket, options: dict) -> int:
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        _waitress(application, sockets=[listener], **options)
        status = 0
    except KeyboardInterrupt:
        status = 0
    except BaseException:  # noqa: BLE001 - logged; the parent stops the rest
        logger.exception("server process %s failed", os.getpid())
    finally:
        os._exit(status)


def _supervise(children: set[int]) -> None:
    """Wait on the serving processes; SIGTERM or SIGINT stops them all, and so does one
    of them ending by itself (systemd then restarts the whole server)."""
    stopping = False

    def stop(*_) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = False
    while children:
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                if not stopping:
                    logger.error("server process %s ended (status %s): stopping", pid, status)
                    failed = True
                    stop()
        time.sleep(0.2)
    sys.exit(1 if failed else 0)


def add_server_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument("--threads", type=int, help="request threads (LENTERA_THREADS, default 8)")
    parser.add_argument(
        "--processes",
        type=int,
        help="serving processes, one per core (LENTERA_PROCESSES, default 1)",
    )
    parser.add_argument(
        "--connection-limit",
        type=int,
        help="open connections accepted (LENTERA_CONNECTION_LIMIT, default 1000)",
    )
    parser.add_argument(
        "--channel-timeout",
        type=int,
        help="seconds an idle connection is kept (LENTERA_CHANNEL_TIMEOUT, default 60)",
    )
    parser.add_argument(
        "--no-worker", action="store_true", help="do not start the background worker"
    )
