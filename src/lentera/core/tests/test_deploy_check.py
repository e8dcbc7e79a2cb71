"""`lentera check --deploy` is clean under the production settings docs/security.md
gives (read from the document itself), and the headers they produce are sent."""

import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[4] / "docs" / "security.md"


def production_env() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"## Production settings.*?```sh\n(.*?)```", text, re.S)[1]
    values = dict(line.split("=", 1) for line in block.strip().splitlines())
    values["LENTERA_SECRET_KEY"] = "k" + "x7Qp2" * 12  # stands in for the random one
    return values


def run(code: str, env: dict, tmp_path) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("LENTERA_")
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' setup
    environment.update(env, DJANGO_SETTINGS_MODULE="lentera.settings")
    environment["LENTERA_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_the_documented_production_settings(tmp_path):
    done = run(
        "import django; from django.core.management import call_command; django.setup();"
        "call_command('check', deploy=True, fail_level='WARNING')",
        production_env(),
        tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # And without them Django does warn: the check is not silenced.
    bare = run(
        "import django; from django.core.management import call_command; django.setup();"
        "call_command('check', deploy=True, fail_level='WARNING')",
        {},
        tmp_path,
    )
    assert bare.returncode != 0 and "W004" in bare.stderr and "W008" in bare.stderr


def test_the_production_settings_send_https_headers_behind_the_proxy(tmp_path):
    code = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
plain = Client().get("/dip/", HTTP_HOST="ppid.example.go.id")
print(plain.status_code, plain["Location"])
https = Client().get("/dip/", HTTP_HOST="ppid.example.go.id", HTTP_X_FORWARDED_PROTO="https")
print(https.status_code, https["Strict-Transport-Security"])
print(https["Permissions-Policy"])
print(https["Content-Security-Policy"])
health = Client().get("/healthz", HTTP_HOST="ppid.example.go.id")
print(health.status_code)
"""
    done = run(code, production_env(), tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "301 https://ppid.example.go.id/dip/"
    assert lines[1] == "200 max-age=31536000; includeSubDomains; preload"
    assert "camera=()" in lines[2]
    assert "script-src 'self'" in lines[3] and "unsafe-inline" not in lines[3]
    assert lines[4] == "200"
