"""A second reader of a long PDF's text, for the extraction job (see extractor.Job.pdf).

Part of the extraction child program: it loads neither Django nor anything of
Lentera's, and pypdfium2 only when it reads.
"""

import contextlib
import ctypes
import fcntl
import json
import mmap
import os
import resource
import signal
import struct
from pathlib import Path


class PageReader:
    """A forked copy of the job's process that reads a PDF's pages from the last one
    backwards, on another core, while the job draws the preview and reads them from
    the first one on. They meet wherever their speeds take them: the job takes the
    copy's text of a page when it is there and reads the page itself when it is not,
    so a slow or failed copy (a busy machine, a crash, its memory limit) costs the job
    nothing but time, and a page read twice costs a page.

    The extraction server's copy makes one before its warm-up (see
    extractor_server._run_copy), so the job does not wait for the fork and, when the
    copy had time to warm up, not for the first writes to the memory they share
    either (the reader's own happen while the job draws the preview). Before the job
    opens its file it takes on half the job's limits (a PDF read by both takes at most
    one and a half times a job's memory); it runs in the job's session and dies with
    it. What it sends is checked: a wrong answer ends its part, as a crash would."""

    def __init__(self) -> None:
        orders, self.orders = os.pipe()
        self.answers, answers = os.pipe()
        # Shared with the copy: the job has taken the pages before this index.
        self.front = mmap.mmap(-1, 8)
        job = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.orders)
            os.close(self.answers)
            _read_pages(orders, answers, self.front, job)
        os.close(orders)
        os.close(answers)
        os.set_blocking(self.answers, False)
        with contextlib.suppress(OSError):  # room for long pages: the copy reads on
            fcntl.fcntl(self.answers, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.received = bytearray()
        self.texts: dict[int, str] = {}
        self.pages = 0
        self.started = self.stopped = False

    def limit(self, memory_mb: int, seconds: int) -> None:
        """The job's limits (see extractor.limit_resources): it sets half of them on
        itself."""
        self._tell(json.dumps([max(1, memory_mb // 2), max(1, seconds // 2)]).encode() + b"\n")

    def start(self, source: Path, pages: int, max_chars: int) -> None:
        """Read the text of `source`'s pages, from the last one backwards, until it has
        sent `max_chars` characters (the job keeps no more)."""
        order = {"source": str(source), "pages": pages, "max_chars": max_chars}
        self._tell(json.dumps(order).encode())
        os.close(self.orders)
        self.pages = pages
        self.started = True

    def _tell(self, order: bytes) -> None:
        with contextlib.suppress(BrokenPipeError):  # it died: the job reads every page
            os.write(self.orders, order)

    def text(self, index: int) -> str | None:
        """Page `index`'s text if the copy has read it by now. If not (None), the job
        reads the page, and the copy stops before it."""
        if not self.stopped:
            self._receive()
        text = self.texts.pop(index, None)
        if text is None:
            struct.pack_into("q", self.front, 0, index + 1)
        return text

    def _receive(self) -> None:
        while True:
            try:
                chunk = os.read(self.answers, PIPE_BYTES)
            except BlockingIOError:
                return
            if not chunk:
                return
            self.received += chunk
            if b"\n" not in chunk:  # a long page still arriving
                continue
            *lines, rest = self.received.split(b"\n")
            self.received = bytearray(rest)
            for line in lines:
                try:
                    index, text = json.loads(line)
                except ValueError:
                    index = text = None
                if not (type(index) is int and 0 < index < self.pages and type(text) is str):
                    self.stop()  # not what a reader sends: the job reads the rest
                    return
                self.texts[index] = text

    def stop(self) -> None:
        """Stop the copy's reading (the job has all its pages, or failed)."""
        if not self.stopped:
            os.kill(self.pid, signal.SIGKILL)
            self.stopped = True

    def close(self) -> None:
        """Stop the copy and wait for it to go (which takes a millisecond or two)."""
        self.stop()
        os.waitpid(self.pid, 0)
        if not self.started:
            os.close(self.orders)
        os.close(self.answers)
        self.front.close()


def spare_core() -> bool:
    """Whether the machine's load (its last minute, the asking process included)
    leaves a CPU idle for a PageReader. On a busy machine it would only cost its fork."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return cores - os.getloadavg()[0] > 0.5


PIPE_BYTES = 1 << 20  # Linux's default most for a pipe without privileges


def page_text(page) -> str:
    """The text layer of a pypdfium2 page."""
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()


def set_limits(memory_mb: int, seconds: int) -> None:
    """Memory and CPU limits for this process and those it starts; no core dumps."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read_pages(orders: int, answers: int, front: mmap.mmap, job: int) -> None:
    """The forked copy of PageReader: takes its limits and then its order from `orders`,
    and writes each page's text to `answers` as a JSON line [index, text], from the
    last page back to the job's front (page 0 is the job's). Never returns. It prints
    nothing: what goes wrong here goes wrong again in the job, which tells."""
    code = 70
    try:
        _die_with(job)
        _close_all_but(orders, answers)
        os.nice(19)  # it takes only CPU time that nothing else wants, the job's least
        with os.fdopen(orders, "rb") as pipe:
            limits = pipe.readline()
            if not limits:  # no job came
                os._exit(0)
            set_limits(*json.loads(limits))
            order = pipe.read()
        if not order:  # not needed
            os._exit(0)
        order = json.loads(order)
        import pypdfium2 as pdfium

        sent = 0
        # Its own document: a file offset shared with the job's would mix their reads.
        with pdfium.PdfDocument(order["source"]) as pdf, os.fdopen(answers, "wb") as out:
            for index in range(order["pages"] - 1, 0, -1):
                if struct.unpack_from("q", front)[0] > index:  # the job got here first
                    break
                page = pdf[index]
                text = page_text(page)
                page.close()
                out.write(json.dumps([index, text], ensure_ascii=False).encode() + b"\n")
                out.flush()
                sent += len(text)
                if sent >= order["max_chars"]:  # the job reads the rest if it wants it
                    break
        code = 0
    finally:
        os._exit(code)


def _close_all_but(*kept: int) -> None:
    """Close the descriptors the copy inherited (its job's pipes among them: a server
    waits for their end) but standard input, output, error and `kept`."""
    for fd in sorted(map(int, os.listdir("/proc/self/fd"))):
        if fd > 2 and fd not in kept:
            with contextlib.suppress(OSError):  # the listing's own, closed already
                os.close(fd)


PR_SET_PDEATHSIG = 1  # prctl(2)


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent ends, however that ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:  # it ended before that
        os.kill(os.getpid(), signal.SIGKILL)
