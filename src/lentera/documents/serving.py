"""Streaming stored files to a browser: ETag, conditional requests and byte ranges.

The bytes are read in chunks straight from the storage (a seek on the
filesystem, a ranged GET on S3), never held whole in memory.
"""

import logging
import re
from collections.abc import Iterator

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from .models import DocumentVersion

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024
PRIVATE = "private, no-store"
# Public files may be withdrawn: caches keep them but ask again (ETag → 304).
PUBLIC = "public, no-cache"

_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")  # 18 digits: past any file size


class StoredBytes:
    """`length` bytes (None: to the end) of an open stored file, iterated in chunks."""

    def __init__(self, raw, length: int | None = None):
        self.raw = raw
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        remaining = self.length
        while remaining is None or remaining > 0:
            chunk = self.raw.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.raw.close()


def _s3_storage(storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


def open_stored(storage, name: str, start: int = 0, length: int | None = None) -> StoredBytes:
    """Open `length` bytes of stored file `name` from `start`; FileNotFoundError if it is gone."""
    if _s3_storage(storage):
        from botocore.exceptions import ClientError
        from storages.utils import clean_name

        params = {}
        if start or length is not None:
            end = "" if length is None else start + length - 1
            params["Range"] = f"bytes={start}-{end}"
        key = storage._normalize_name(clean_name(name))
        try:
            body = storage.bucket.Object(key).get(**params)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(name) from exc
            raise
        return StoredBytes(body, length)
    handle = storage.open(name, "rb")
    if start:
        handle.seek(start)
    return StoredBytes(handle, length)


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of a single `bytes=` range; None to ignore it; False if unsatisfiable."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # several ranges, another unit or bad syntax: send it all
    first, last = match.groups()
    if not first:  # bytes=-n: the last n bytes
        suffix = int(last)
        return (max(size - suffix, 0), size - 1) if suffix and size else False
    first = int(first)
    if last and int(last) < first:
        return None  # bytes=5-2 is invalid, not unsatisfiable
    if first >= size:
        return False
    return first, min(int(last), size - 1) if last else size - 1


def _if_range_matches(request, etag: str, last_modified: int | None) -> bool:
    if_range = request.headers.get("If-Range")
    if not if_range:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return if_range == etag  # strong comparison: a weak tag never matches
    date = parse_http_date_safe(if_range)
    return date is not None and last_modified is not None and date == last_modified


def stream_file(
    request,
    name: str,
    *,
    storage,
    etag: str,
    content_type: str,
    disposition: str,
    cache_control: str,
    last_modified: int | None = None,
) -> HttpResponse:
    """Respond with stored file `name`: 200, 206 for a single range, 304 or 416."""
    try:
        size = storage.size(name)
    except FileNotFoundError as exc:
        logger.error("Stored file %s is missing", name)
        raise Http404 from exc

    headers = {"ETag": etag, "Cache-Control": cache_control}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:  # 304 Not Modified or 412 Precondition Failed
        for header, value in headers.items():
            conditional[header] = value
        return conditional

    wanted = request.headers.get("Range")
    span = None
    if wanted and request.method == "GET" and _if_range_matches(request, etag, last_modified):
        span = _byte_range(wanted, size)
    if span is False:
        return HttpResponse(
            status=416,
            content_type="text/plain",
            headers={**headers, "Accept-Ranges": "bytes", "Content-Range": f"bytes */{size}"},
        )

    first, last = span or (0, size - 1)
    try:
        body = open_stored(storage, name, first, last - first + 1 if span else None)
    except FileNotFoundError as exc:
        logger.error("Stored file %s is missing", name)
        raise Http404 from exc
    headers |= {
        "Content-Type": content_type,
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
    }
    response = StreamingHttpResponse(body, status=206 if span else 200, headers=headers)
    response["Content-Length"] = str(last - first + 1)
    if span:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response


def serve_version(request, version: DocumentVersion, *, private: bool) -> HttpResponse:
    """Stream a version's bytes as a download, for the portal (public) or the office."""
    return stream_file(
        request,
        version.file.name,
        storage=version.file.storage,
        etag=f'"{version.sha256}"',
        content_type=version.content_type,
        disposition=content_disposition_header(True, version.original_name),
        cache_control=PRIVATE if private else PUBLIC,
        last_modified=int(version.uploaded_at.timestamp()),
    )


def serve_thumbnail(request, version: DocumentVersion, *, private: bool) -> HttpResponse:
    """Stream a version's first-page preview (PNG); 404 when it has none."""
    if not version.thumbnail:
        raise Http404
    return stream_file(
        request,
        version.thumbnail.name,
        storage=version.thumbnail.storage,
        etag=f'"{version.sha256}-png"',
        content_type="image/png",
        disposition="inline",
        cache_control=PRIVATE if private else PUBLIC,
    )


def counts_as_download(request, response: HttpResponse) -> bool:
    """Whether serving `response` is one download to record: a GET answered with the
    whole file or its first range, not a HEAD, a 304 or 416, nor each later range a
    PDF viewer asks for."""
    first = response.status_code == 200 or (
        response.status_code == 206 and response["Content-Range"].startswith("bytes 0-")
    )
    return request.method == "GET" and first
