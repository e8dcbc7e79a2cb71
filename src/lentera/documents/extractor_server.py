"""The extraction server: imports the readers once, then runs each job in a forked
copy of itself, so that a file costs its reading, not a new interpreter and half a
second of imports.

    python -m lentera.documents.extractor_server

Started by lentera.documents.extraction.Server; each copy runs extractor.main() on
its job under the job's limits. Like the extractor, it does not load Django.
"""

import gc
import importlib
import json
import os
import select
import signal
import sys
import traceback

from lentera.documents import extractor, pagereader

# Imported by the server before it forks a copy per job.
READERS = (
    "pypdfium2",
    "pypdfium2.raw",
    "PIL.Image",
    "PIL.ImageSequence",
    "PIL.PngImagePlugin",
    "docx",
    "openpyxl",
    "pptx",
    "odf.opendocument",
)


def serve() -> int:
    """Run jobs for the parent (lentera.documents.extraction.Server) until stdin ends.

    Each job is one JSON line {"argv": [...], "workdir": ..., "env": {...}}. A forked
    copy of this process runs it in its own session (its tesseract too) and in
    `workdir`, under the limits main() sets. The answers are JSON lines too: {"pid"}
    when the copy starts, {"status"} when it is done (main()'s exit status, or minus
    the signal that ended the copy). The parent kills a copy's session when time is up.

    The copy for the next job is forked, and warms itself up, once the current job has
    ended: while it runs, the job and its PageReader have the machine's two cores to
    themselves (forked during the job, the copy's warm-up slowed a 10-page PDF by a
    third). A worker takes 10-20 ms between two jobs to save one and fetch the next, so
    the copy is ready before its job comes. A job that comes sooner waits for the fork
    (a few ms), and the copy skips its warm-up when the job is there before it starts
    (else the job waits for that too). Finished copies are reaped at the next job once
    they have gone."""
    for name in READERS:
        importlib.import_module(name)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl+C is the parent's
    warm_up()
    gc.freeze()  # the copies' collections leave the imported objects (and their pages) alone
    ready = _Copy()
    ending: list[_Copy] = []  # done, still freeing their memory
    for line in sys.stdin.buffer:
        running = ready.start(line)
        _answer({"pid": running.pid})
        running.finish()
        ready = _Copy()
        ending = [copy for copy in ending if not copy.reap(wait=False)] + [running]
    for copy in ending:
        copy.reap()
    os.close(ready.jobs)  # no job: the waiting copy ends
    os.waitpid(ready.pid, 0)
    return 0


def _answer(answer: dict) -> None:
    sys.stdout.buffer.write(json.dumps(answer).encode() + b"\n")
    sys.stdout.buffer.flush()


class _Copy:
    """A forked copy of the server waiting in its own session for one job."""

    def __init__(self) -> None:
        job_out, self.jobs = os.pipe()
        self.done, done_in = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.jobs)
            os.close(self.done)
            _run_copy(job_out, done_in)
        os.close(job_out)
        os.close(done_in)
        self.reaped = False

    def start(self, job: bytes) -> "_Copy":
        os.write(self.jobs, job)
        os.close(self.jobs)
        return self

    def finish(self) -> None:
        """Answer the copy's status as soon as it is done."""
        said = os.read(self.done, 16)
        os.close(self.done)
        if said:  # main() returned: its files are written; the copy ends on its own
            _answer({"status": int(said)})
        else:  # it died (a limit, a signal) before main() returned
            self.reap()
            _answer({"status": os.waitstatus_to_exitcode(self.status)})

    def reap(self, wait: bool = True) -> bool:
        """Whether the copy has gone (freeing its memory takes a millisecond or two)."""
        if not self.reaped:
            pid, self.status = os.waitpid(self.pid, 0 if wait else os.WNOHANG)
            self.reaped = pid != 0
        return self.reaped


def _run_copy(job_out: int, done_in: int) -> None:
    """The forked copy: prepares itself, runs the one job written to `job_out` and
    tells `done_in` main()'s exit status. Never returns."""
    code = 70
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        nothing = os.open(os.devnull, os.O_RDWR)
        os.dup2(nothing, 0)
        os.dup2(nothing, 1)  # the answers' pipe is the server's alone
        extractor.prepare_reader()  # before the warm-up, which then makes its pages the copy's own
        if not select.select([job_out], [], [], 0)[0]:  # unless the job is here already
            warm_up()
        with os.fdopen(job_out, "rb") as pipe:
            line = pipe.read()
        if not line:  # the server is done
            extractor.end_reader()
            os._exit(0)
        job = json.loads(line)
        os.chdir(job["workdir"])
        errors = os.open("stderr.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(errors, 2)
        os.environ.update(job["env"])
        code = extractor.main(job["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os.write(done_in, str(code).encode())
        extractor.end_reader()
        os._exit(code)


# A one-page PDF with a line in a standard font (pdfium repairs the missing xref).
WARM_UP_PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R"
    b" /Resources <</Font <</F1 4 0 R>>>>>> endobj\n"
    b"4 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj\n"
    b"5 0 obj <</Length 43>> stream\nBT /F1 12 Tf 50 700 Td (anggaran 2025) Tj ET\n"
    b"endstream endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


def warm_up() -> None:
    """Read and draw a small PDF as a job would. In the server, once: pdfium's lazy
    set-up (the system fonts that stand in for standard ones) is then done for every
    copy. In each copy, while it waits: its first writes to the memory it shares with
    the server (copy-on-write) then happen before its job, not during it."""
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(WARM_UP_PDF) as document:
        page = document[0]
        assert "anggaran" in pagereader.page_text(page)
        extractor.page_preview(page)
        page.close()
    # What a job runs before its file: parsing its line and its arguments.
    job = json.loads(json.dumps({"argv": ["warm-up.pdf", "application/pdf", "out"]}))
    extractor.parse_arguments(
        [*job["argv"], "--memory-mb=1024", "--seconds=60", "--ocr-languages="]
    )


if __name__ == "__main__":
    sys.exit(serve())
