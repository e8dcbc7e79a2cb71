"""PDFs are laid out by WeasyPrint in a child process (lentera.pdf): the server never
loads it, the child fetches nothing an officer's text could point at, and a child that
fails or hangs gives a clear answer and leaves nothing cached."""

import http.server
import io
import os
import subprocess
import sys
import threading

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lentera import pdf
from lentera.documents.services import add_document
from lentera.testing import new_item, pdf_upload, publish_item


class _Recorder(http.server.BaseHTTPRequestHandler):
    asked: list = []

    def do_GET(self):  # noqa: N802 - the http.server name
        self.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.asked = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.asked
    server.shutdown()
    server.server_close()


def test_the_child_fetches_no_url_and_no_file(recorder, tmp_path):
    port, asked = recorder
    secret = tmp_path / "rahasia.txt"
    secret.write_text("RAHASIA-NEGARA")
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/gaya.css">'
        f"</head><body><p>Laporan</p>"
        f'<img src="http://127.0.0.1:{port}/gambar.png">'
        f'<object data="file://{secret}"></object>'
        f'<iframe src="file://{secret}"></iframe></body></html>'
    )
    made = pdf.html_to_pdf(html)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(made)).pages)
    assert "Laporan" in text and "RAHASIA" not in text
    assert asked == []
    # The server does answer: WeasyPrint left to itself would have asked it.
    from weasyprint import HTML

    HTML(string=html).write_pdf()
    assert "/gaya.css" in asked


def test_the_server_process_never_loads_weasyprint(tmp_path):
    code = (
        "import sys, django; django.setup()\n"
        "from lentera.register.dip_table import render_pdf\n"
        "made = render_pdf([])\n"
        "print(made[:5].decode(), 'weasyprint' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lentera.settings"}
    env.setdefault("LENTERA_DATA_DIR", str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["%PDF-", "False"]


@pytest.mark.django_db
def test_a_pdf_that_cannot_be_made_in_time_is_a_503_and_is_not_cached(client, world, monkeypatch):
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    publish_item(world, item)
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 0.01)
    late = client.get(url)
    assert late.status_code == 503
    assert "PDF tidak dapat dibuat" in late.content.decode()
    assert "no-cache" in late["Cache-Control"]
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 120)
    made = client.get(url)
    assert made.status_code == 200 and made.content.startswith(b"%PDF")
