"""The files that come with an imported DIP: a folder or a ZIP archive, each file
matched to its row by a file-name column or by the row's number ("8.pdf",
"8-laporan.pdf" for row 8). An archive is read only if every name is a plain relative
path, nothing is a link, and nothing unpacks to far more than it weighs or to more
than an upload may be; a folder's links are refused too."""

import lzma
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused

from .sheets import unpacks_too_far

_NUMBERED = re.compile(r"^(\d{1,6})(?:[-_ .].*)?$")


@dataclass(frozen=True)
class Entry:
    name: str  # base name, as written
    where: str  # path in the folder, or member name in the archive
    size: int
    identity: tuple = ()  # a folder's file: (device, inode) when it was read


def key(name: str) -> str:
    """How names are compared: one Unicode form, any case ("Laporan.PDF" is
    "laporan.pdf", an "é" written as e + accent is "é")."""
    return unicodedata.normalize("NFC", name).casefold()


# What reading a damaged or hostile archive raises (ValueError: a name that is not the
# UTF-8 its flag claims).
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
)
MAX_MEMBERS = 10_000  # files in one archive: far more than a DIP has rows with files
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


class Source:
    """Files by lower-case base name; `open()` gives one as a Django File."""

    def __init__(self, path: str, label: str = ""):
        """`label` names the files in messages (an uploaded archive's own name)."""
        self.path = Path(path)
        self.label = label or path
        self.archive: zipfile.ZipFile | None = None
        self.entries: dict[str, list[Entry]] = {}
        if self.path.is_dir():
            self._read_folder()
        elif zipfile.is_zipfile(self.path):
            self._read_archive()
        else:
            raise ActionRefused(
                _("%(path)s is neither a folder nor a ZIP archive.") % {"path": self.label}
            )

    def _add(self, entry: Entry) -> None:
        self.entries.setdefault(key(entry.name), []).append(entry)

    def _read_folder(self) -> None:
        root = self.path.resolve()
        for folder, dirs, names in os.walk(root, followlinks=False):
            for name in dirs + names:
                if os.path.islink(os.path.join(folder, name)):
                    raise ActionRefused(
                        _("%(name)s in the files is a link; links are not followed.")
                        % {"name": name}
                    )
            for name in names:
                where = os.path.join(folder, name)
                found = os.lstat(where)
                if not stat.S_ISREG(found.st_mode):
                    raise ActionRefused(
                        _("%(name)s in the files is not an ordinary file.") % {"name": name}
                    )
                self._add(Entry(name, where, found.st_size, (found.st_dev, found.st_ino)))

    def _read_archive(self) -> None:
        label = Path(self.label).name
        damaged = ActionRefused(_("%(path)s is a damaged archive.") % {"path": label})
        too_many = ActionRefused(
            _("%(path)s holds more than %(count)s files; import them in parts.")
            % {"path": label, "count": f"{MAX_MEMBERS:,}"}
        )
        try:
            # The count its end record declares, before zipfile builds an object for
            # each member (300,000 one-byte members would take half a gigabyte).
            with self.path.open("rb") as handle:
                end = zipfile._EndRecData(handle)  # noqa: SLF001 - no public reader of it
            if end and end[zipfile._ECD_ENTRIES_TOTAL] > MAX_MEMBERS:  # noqa: SLF001
                raise too_many
            self.archive = zipfile.ZipFile(self.path)
            members = self.archive.infolist()
        except _DAMAGED as exc:
            raise damaged from exc
        if len(members) > MAX_MEMBERS:
            raise too_many
        limit = settings.LENTERA_MAX_UPLOAD_BYTES
        seen = set()
        for member in members:
            name = member.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if member.flag_bits & 0x1 or member.compress_type not in _METHODS:
                raise ActionRefused(
                    _("%(name)s in the archive is encrypted or packed in a way not read.")
                    % {"name": name}
                )
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                raise ActionRefused(
                    _("The archive names a file outside itself (%(name)s) and was not read.")
                    % {"name": name}
                )
            if stat.S_ISLNK(member.external_attr >> 16):
                raise ActionRefused(
                    _("%(name)s in the archive is a link; the archive was not read.")
                    % {"name": name}
                )
            if member.is_dir():
                continue
            if not parts or parts[-1] in ("", ".") or key(parts[-1]) in seen:
                raise ActionRefused(
                    _("The archive holds two files named %(name)s, or one without a name.")
                    % {"name": name}
                )
            seen.add(key(parts[-1]))
            if member.file_size > limit or unpacks_too_far(member):
                raise ActionRefused(
                    _(
                        "%(name)s in the archive unpacks to far more than it weighs or than an "
                        "upload may be; the archive was not read."
                    )  # fmt: skip
                    % {"name": name}
                )
            self._add(Entry(parts[-1], name, member.file_size, (member,)))

    def numbered(self) -> dict[int, list[Entry]]:
        """Files whose name starts with a row number, by that number."""
        found: dict[int, list[Entry]] = {}
        for entries in self.entries.values():
            for entry in entries:
                if match := _NUMBERED.match(entry.name):
                    found.setdefault(int(match.group(1)), []).append(entry)
        return found

    def open(self, entry: Entry) -> File:
        """The file's bytes as a Django File: a folder's file as it was read (no link or
        other file swapped in since), an archive member copied to a temporary file."""
        damaged = ActionRefused(_("%(name)s is damaged or changed.") % {"name": entry.name})
        if self.archive is None:
            try:
                handle = os.open(entry.where, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError as exc:
                raise damaged from exc
            found = os.fstat(handle)
            if not stat.S_ISREG(found.st_mode) or (found.st_dev, found.st_ino) != entry.identity:
                os.close(handle)
                raise damaged
            return File(os.fdopen(handle, "rb"), name=entry.name)
        copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the File
        try:
            with self.archive.open(entry.identity[0]) as member:
                shutil.copyfileobj(member, copy, 1024 * 1024)
        except _DAMAGED as exc:
            copy.close()
            raise damaged from exc
        copy.seek(0)
        return File(copy, name=entry.name)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
