"""Public answers built once per register state.

What an anonymous visitor reads at an address depends only on that address, the
language, the Accept header, the site's own address and the register's state
(`selectors.register_state`), and the day. So the answer is kept under those: every
publication, withdrawal or edit changes the state, and with it the key, and shows at
once; nothing is kept for a time alone. Visitors with a session or credentials always
get a fresh answer, and so does every method but GET and HEAD.

Every HTML page carries the language form's CSRF token, which belongs to one visitor:
it is cut out before the answer is kept, and each visitor gets their own put back.
"""

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .selectors import register_state

CACHE = "pages"
# A bigger answer (a long CKAN page, a large sitemap section) is built each time.
MAX_SIZE = 256 * 1024
# The token's hidden input as Django writes it, looked for in HTML answers only, where
# content written by people can never produce it: every quote in a title or summary
# is escaped (in text, attributes and the JSON-LD of a page).
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _anonymous(request: HttpRequest) -> bool:
    """No credentials and no cookie but the CSRF token's and the language's: any
    other (a session, an officer's flash messages) may change what a page shows."""
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return "HTTP_AUTHORIZATION" not in request.META and set(request.COOKIES) <= harmless


def _key(request: HttpRequest) -> str:
    parts = (
        register_state(),
        timezone.localdate(),  # the home page's serta merta banner looks back 30 days
        get_language(),
        request.META.get("HTTP_ACCEPT", ""),
        request.build_absolute_uri(request.get_full_path()),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep `view`'s successful answers to anonymous GET and HEAD requests per register
    state. Only for answers that depend on nothing else (the search index and the
    worker's extractions bump the state too)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not _anonymous(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = caches[CACHE].get(key)
        if kept is not None:
            return _answer(request, *kept)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse (the sitemap)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= MAX_SIZE
        ):
            content = response.content
            html = response.get("Content-Type", "").startswith("text/html")
            with_token = html and bool(_TOKEN.search(content))
            if with_token:
                content = _TOKEN.sub(rb"\1\2", content)
            headers = [
                (name, value)
                for name, value in response.items()
                if name not in ("Set-Cookie", "Content-Length")
            ]
            caches[CACHE].set(key, (content, headers, with_token))
        return response

    return wrapper


def _answer(request: HttpRequest, content: bytes, headers: list, with_token: bool):
    if with_token:
        token = get_token(request).encode()  # the visitor's own (sets the cookie if new)
        content = _TOKEN.sub(lambda match: match[1] + token + match[2], content)
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


class KeptPages(BaseCache):
    """A process's kept answers, bounded by their size in all (OPTIONS["MAX_BYTES"]):
    the answers read least recently make room. A count alone would bound either too
    little (a thousand item pages of 8 KB are 8 MB) or too much (a thousand CKAN pages
    of 256 KB). Answers are kept as they are, not pickled: nothing changes them.
    Nothing expires by time: keys change with the register's state instead."""

    _stores: dict[str, tuple[OrderedDict, list, threading.Lock]] = {}
    _stores_lock = threading.Lock()

    def __init__(self, location: str, params: dict):
        super().__init__(params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 1024 * 1024))
        with self._stores_lock:  # one store per location, shared by the process's threads
            store = self._stores.setdefault(location, (OrderedDict(), [0], threading.Lock()))
        self._kept, self._size, self._lock = store

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key not in self._kept:
                return default
            self._kept.move_to_end(key)
            return self._kept[key][0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        size = _size(value)
        with self._lock:
            self._forget(key)
            if size > self.max_bytes:
                return
            self._kept[key] = (value, size)
            self._size[0] += size
            while self._size[0] > self.max_bytes:
                self._forget(next(iter(self._kept)))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._lock:
            there = self.make_and_validate_key(key, version=version) in self._kept
        if not there:
            self.set(key, value, timeout, version)
        return not there

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.has_key(key, version=version)

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return key in self._kept

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._forget(key)

    def clear(self):
        with self._lock:
            self._kept.clear()
            self._size[0] = 0

    def _forget(self, key) -> bool:
        kept = self._kept.pop(key, None)
        if kept is not None:
            self._size[0] -= kept[1]
        return kept is not None


def _size(value) -> int:
    """About what a kept answer (content, headers, with_token) holds in memory."""
    content, headers, _ = value
    return len(content) + sum(len(name) + len(text) for name, text in headers) + 512
