"""HTML to PDF with WeasyPrint, in a child process.

A WeasyPrint layout keeps some 200 MiB in the process that ran it (fonts, Pango and
its caches), and the server would carry them from its first export on. The child
returns them when it exits: the server's memory stays flat however many exports it
builds. The child fetches nothing: the pages carry their styles inline (and a body's
logo as a data: image), and officers' text never makes WeasyPrint read a file or a URL.

    python -m lentera.pdf < page.html > page.pdf
"""

import subprocess
import sys

# A 200-row DIP, laid out while the visitor waits, takes some 8 s on a small server;
# a 10,000-row one, laid out by the worker, some 7 minutes (docs/exports.md).
TIMEOUT_SECONDS = 300
BACKGROUND_TIMEOUT_SECONDS = 1800


class PdfFailed(RuntimeError):
    """The child could not lay out the page."""


def html_to_pdf(html: str, timeout: float | None = None) -> bytes:
    """The PDF of `html` (a whole page), laid out by WeasyPrint in a child process
    within `timeout` seconds (TIMEOUT_SECONDS when not given)."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "lentera.pdf"],
            input=html.encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfFailed(f"WeasyPrint took longer than {timeout:.0f} s") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        problem = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise PdfFailed(f"WeasyPrint failed (exit {done.returncode}): {problem[0]}")
    return done.stdout


def _fetch_nothing(url: str, *args, **kwargs):
    """Nothing from a file or the network; only an image inside the page (a body's
    logo, a PNG or JPEG checked when uploaded)."""
    if url.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")):
        from weasyprint import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"not fetched: {url[:80]}")


def _main() -> None:
    from weasyprint import HTML

    html = sys.stdin.buffer.read().decode()
    sys.stdout.buffer.write(HTML(string=html, url_fetcher=_fetch_nothing).write_pdf())


if __name__ == "__main__":
    _main()
