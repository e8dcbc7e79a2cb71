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
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def detect_content_type(head: bytes, name: str) -> str:
    """The content type of a file from its first bytes; refused if not allowed."""
    ext = _extension(name)
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "application/x-ole-storage" or mime == "application/x-cfb":
            mime = _OLE_TYPES.get(ext, mime)
        if mime in ALLOWED_TYPES:
            return mime
    elif ext in _TEXT_TYPES and _looks_like_text(head):
        return _TEXT_TYPES[ext]
    elif head.startswith(b"\xd0\xcf\x11\xe0") and ext in _OLE_TYPES:
        return _OLE_TYPES[ext]
    raise ActionRefused(
        _(
            "“%(name)s” is not a file type Lentera accepts (PDF, Word, Excel, PowerPoint, "
            "OpenDocument, JPG, PNG, TIFF, CSV or plain text)."
        )
        % {"name": name}
    )
