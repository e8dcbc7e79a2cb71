"""Public pages at 100,000 items, side by side with a hello-world view on the same server.

Generates a register with bench/search.py's generator (or reuses one kept by
`--keep`), starts `lentera serve` on it and a second `lentera serve` whose only view
answers "Hello" through the same settings and middleware (bench/hello_site.py), then
drives each with wrk (8 connections, keep-alive) for a few seconds per page and
prints requests/s, p50/p99 latency and the share of the hello-world figure.

Each page is asked at many addresses in turn (item pages of 2,000 items, 100 DIP
pages, every search query...): first each address once, one request at a time, as
the first visitor after a change of the register (the "first answer" column: the
page is built), then under load for `--seconds`, where pages the register's state
keeps (register/page_cache.py) are served from memory.

    .venv/bin/python bench/pages.py                        # SQLite, 100,000 items
    .venv/bin/python bench/pages.py --items 20000 --keep   # keep the data, print where
    .venv/bin/python bench/pages.py --reuse /tmp/lentera-bench-xyz
    .venv/bin/python bench/pages.py --postgres postgres://postgres@127.0.0.1:5432/postgres --keep
    .venv/bin/python bench/pages.py --reuse postgres://postgres@127.0.0.1:5432/lentera_bench_123

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import search as generator  # noqa: E402  (bench/search.py: the register's generator)
from load import free_port  # noqa: E402
from load import stop_server as stop  # noqa: E402

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
headers = {["Accept-Language"] = "id"}
"""


def start(env: dict, args, log) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "lentera.cli", "serve", "--no-worker", "--no-migrate"]
    command += ["--port", str(port), "--threads", str(args.threads)]
    command += ["--processes", str(args.processes)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped at start (exit {server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not listen within 60 s")


def wrk(port: int, paths: list[str], args) -> dict:
    """Drive the paths in turn for args.seconds; requests/s, latencies and errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{path}"' for path in paths))
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(2, args.connections)}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", output)
    return {
        "addresses": len(paths),
        "rate": rate,
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output)[1]),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output)[1]),
        "errors": int(errors[1]) if errors else 0,
        "timeouts": int(timeouts[1]) if timeouts else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def pages(rng: random.Random) -> dict[str, list[str]]:
    """Every page of the issue's table, each at many addresses."""
    from lentera.register.selectors import public_items

    ids = list(public_items().order_by().values_list("pk", flat=True))
    sample = rng.sample(ids, min(2000, len(ids)))
    queries = [q.replace('"', "%22").replace(" ", "+") for q in generator.QUERIES]
    last_page = max(1, len(ids) // 50)
    dip_pages = sorted({1, 2, last_page, *(rng.randint(1, last_page) for _ in range(97))})
    return {
        "/informasi/<id>/, 500 items": [f"/informasi/{pk}/" for pk in sample[:500]],
        # More addresses than the cache keeps (1,000 answers): nearly every one is built.
        "/informasi/<id>/, 2,000 items": [f"/informasi/{pk}/" for pk in sample],
        "/cari/?q=…": [f"/cari/?q={q}" for q in queries],
        "CKAN package_search?q=…": [f"/api/3/action/package_search?q={q}" for q in queries],
        "/sitemap.xml": ["/sitemap.xml"],
        "/dip/": [f"/dip/?halaman={page}" for page in dip_pages],
        "/api/v1/items": [f"/api/v1/items?offset={100 * page}" for page in range(100)],
        "/feed/": ["/feed/", "/feed/?kategori=berkala", "/feed/?kategori=setiap_saat"],
    }


def first_answers(port: int, addresses: list[str]) -> float:
    """Ask every address once, one at a time, as the first visitor after a change of
    the register does; each must answer 200 (a fast 404 proves nothing). The mean
    time in ms."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    for path in addresses:
        connection.request("GET", path, headers={"Accept-Language": "id"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    connection.close()
    return (time.perf_counter() - started) * 1000 / len(addresses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL maintenance URL")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--reuse", metavar="DIR_OR_URL", help="a database kept by --keep")
    parser.add_argument("--seconds", type=int, default=10, help="per page (10)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="the server's threads (8)")
    parser.add_argument("--processes", type=int, default=1, help="the server's processes (1)")
    parser.add_argument("--only", help="measure only pages whose name contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    database_url, data_dir = None, None
    if args.reuse:
        if "://" in args.reuse:
            database_url = args.reuse
        else:
            data_dir = args.reuse
    elif args.postgres:
        import psycopg

        name = f"lentera_bench_{os.getpid()}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        database_url = args.postgres.rsplit("/", 1)[0] + "/" + name
    kept_pages_mb = os.environ.get("LENTERA_PAGE_CACHE_MB")
    generator.setup_django(database_url, data_dir)
    data_dir = os.environ["LENTERA_DATA_DIR"]
    if not args.reuse:
        generate(args.items)

    from django.db import connection, connections

    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine = f"PostgreSQL {connection.pg_version // 10000}"
    paths = pages(random.Random(20))
    connections.close_all()
    env = {**os.environ, "LENTERA_DATA_DIR": data_dir, "LENTERA_LOG_LEVEL": "WARNING"}
    # The server keeps pages as configured (setup_django turned keeping off for this
    # process's own timings).
    env.pop("LENTERA_PAGE_CACHE_MB")
    if kept_pages_mb is not None:
        env["LENTERA_PAGE_CACHE_MB"] = kept_pages_mb
    if database_url:
        env["DATABASE_URL"] = database_url
    hello_env = {**env, "DJANGO_SETTINGS_MODULE": "hello_site", "PYTHONPATH": str(BENCH)}

    results = {}
    with open(Path(data_dir) / "bench-pages.log", "ab") as log:
        server, port = start(hello_env, args, log)
        try:
            first = first_answers(port, ["/"])
            results["hello world"] = {**wrk(port, ["/"], args), "first": first}
        finally:
            stop(server)
        server, port = start(env, args, log)
        try:
            for name, addresses in paths.items():
                if args.only and args.only not in name:
                    continue
                first = first_answers(port, addresses)
                results[name] = {**wrk(port, addresses, args), "first": first}
                print(f"  {name}: {results[name]['rate']:.1f} requests/s", file=sys.stderr)
        finally:
            stop(server)
    report(results, engine, args)
    if args.keep and not args.reuse:
        print(f"  kept: --reuse {database_url or data_dir}", file=sys.stderr)


def generate(items: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from lentera.search import index

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generator.generate(items, random.Random(2026))
    index.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  generated and indexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def report(results: dict, engine: str, args) -> None:
    hello = results["hello world"]["rate"]
    print(f"{time.strftime('%Y-%m-%d')}, {engine}, {args.threads} threads, "
          f"{args.processes} process(es), wrk {args.connections} connections, "
          f"{args.seconds} s per page")  # fmt: skip
    print("| page | addresses | first answer, mean | requests/s | share of hello-world "
          "| p50 | p99 | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, figures in results.items():
        print(
            f"| {name} | {figures['addresses']:,} | {figures['first']:.1f} ms "
            f"| {figures['rate']:,.1f} | {figures['rate'] / hello:.1%} | "
            f"{figures['p50']:.1f} ms | {figures['p99']:.1f} ms | "
            f"{figures['errors'] + figures['timeouts']} |"
        )


if __name__ == "__main__":
    main()
