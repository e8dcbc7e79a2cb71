"""Receiving uploads: streamed to a temporary file and hashed as the bytes arrive."""

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

HEAD_BYTES = 8192  # enough for every magic number the type check reads


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes each uploaded file to disk in chunks, computing its SHA-256 on the way.

    Past the upload limit the bytes are no longer written (the size keeps
    counting), so an oversized file is refused without filling the disk.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._sha = hashlib.sha256()
        self._head = b""
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > settings.LENTERA_MAX_UPLOAD_BYTES:
            return None
        if len(self._head) < HEAD_BYTES:
            self._head += raw_data[: HEAD_BYTES - len(self._head)]
        self._sha.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        upload = super().file_complete(self._received)
        upload.size = self._received
        upload.lentera_digest = (self._sha.hexdigest(), self._received, self._head)
        return upload
