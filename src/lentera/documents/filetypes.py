"""Deciding a file's type from its content, never from its name."""

import filetype
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused

# Content types accepted as soft copies.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
    "text/csv": "csv",
    "text/plain": "txt",
}
_OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
_TEXT_TYPES = {"csv": "text/csv", "txt": "text/plain"}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like_text(head: bytes) -> bool:
    """Plain text: UTF-8, or the Windows-1252/Latin-1 that Excel and old editors save.

    Any byte sequence decodes as Latin-1, so what tells text from binary is the
    absence of NUL bytes and of more than a few control characters.
    """
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 0x20 and b not in b"\t\n\r\f\x1a")
    return controls <= len(head) // 100


# Extensions a file of each type may carry; a name with another one is refused.
EXTENSIONS = {mime: {ext} for mime, ext in ALLOWED_TYPES.items()}
EXTENSIONS["image/jpeg"] |= {"jpeg", "jpe"}
EXTENSIONS["image/tiff"] |= {"tiff"}
EXTENSIONS["text/plain"] |= {"text"}

# Markup a browser would run, hidden inside a binary file (a polyglot).
_ACTIVE_MARKUP = (b"<script", b"<html", b"<!doctype html", b"<svg", b"<iframe", b"javascript:")


def _refuse_type(name: str):
    return ActionRefused(
        _(
            "“%(name)s” is not a file type Lentera accepts (PDF, Word, Excel, PowerPoint, "
            "OpenDocument, JPG, PNG, TIFF, CSV or plain text)."
        )
        % {"name": name}
    )


def _sniff(head: bytes, ext: str) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime in ("application/x-ole-storage", "application/x-cfb"):
            mime = _OLE_TYPES.get(ext, mime)
        return mime if mime in ALLOWED_TYPES else None
    if head.startswith(b"\xd0\xcf\x11\xe0") and ext in _OLE_TYPES:
        return _OLE_TYPES[ext]
    if ext in _TEXT_TYPES and _looks_like_text(head):
        return _TEXT_TYPES[ext]
    return None


def detect_content_type(head: bytes, name: str) -> str:
    """The content type of a file from its first bytes; refused if not allowed.

    The name's extension must agree with the content: a PDF called .docx, or
    a spreadsheet called .jpg, is refused rather than stored under a false name.
    """
    ext = _extension(name)
    mime = _sniff(head, ext)
    if mime is None:
        raise _refuse_type(name)
    if ext and ext not in EXTENSIONS[mime]:
        raise ActionRefused(
            _(
                "“%(name)s” is named as a .%(ext)s file but its content is %(kind)s. "
                "Rename it to its real type or upload the right file."
            )
            % {"name": name, "ext": ext, "kind": ALLOWED_TYPES[mime].upper()}
        )
    if not mime.startswith("text/") and any(m in head.lower() for m in _ACTIVE_MARKUP):
        raise ActionRefused(
            _("“%(name)s” contains web page code hidden in a %(kind)s file and is refused.")
            % {"name": name, "kind": ALLOWED_TYPES[mime].upper()}
        )
    return mime
