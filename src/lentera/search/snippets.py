"""Highlighted snippets, cut from the public text a SearchEntry holds."""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import fold, stem

BEFORE, AFTER = 80, 220  # characters of context around the first match
SCAN_LIMIT = 300_000  # characters of file text searched for a snippet
LONGEST_WORD = 64  # letters looked back for a word's start (no real word is longer)


@lru_cache(maxsize=256)
def _parts(stems: frozenset[str]) -> re.Pattern:
    # The Indonesian stemmer only strips affixes and may change a stem's first letter
    # (meN- + pukul = memukul), so every form of a word contains its stem minus the
    # first letter: a search for those parts (a fast scan in C) finds the words worth
    # stemming.
    parts = sorted({re.escape(s if len(s) <= 3 else s[1:]) for s in stems}, key=len)
    return re.compile("|".join(reversed(parts)), re.IGNORECASE)


_WORD_REST = re.compile(r"[^\W_]*")  # letters and digits, as text.WORD_RE


def _searched_words(text: str, stems: frozenset[str], end: int):
    """(start, end) of each word before `end` whose stem was searched for, in order."""
    parts, position = _parts(stems), 0
    while found := parts.search(text, position, end):
        start = found.start()
        floor = max(0, start - LONGEST_WORD)
        while start > floor and text[start - 1].isalnum():
            start -= 1
        position = _WORD_REST.match(text, found.end()).end()
        if stem(fold(text[start:position])) in stems:
            yield start, position


def mark(text: str, stems: frozenset[str]) -> SafeString:
    """`text` escaped, with <mark> around every word whose stem was searched for."""
    if not stems:
        return escape(text)
    out, last = [], 0
    for start, end in _searched_words(text, stems, len(text)):
        out.append(escape(text[last:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def first_match(text: str, stems: frozenset[str]) -> int | None:
    if not stems:
        return None
    return next((start for start, _ in _searched_words(text, stems, SCAN_LIMIT)), None)


def window(text: str, position: int) -> tuple[str, bool, bool]:
    start = max(0, position - BEFORE)
    end = min(len(text), position + AFTER)
    if start > 0:  # begin and end on whole words
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < position else start
    if end < len(text):
        space = text.rfind(" ", position, end)
        end = space if space > position else end
    return text[start:end], start > 0, end < len(text)


def snippet(texts: list[str], stems: frozenset[str]) -> SafeString:
    """A highlighted extract of the first of `texts` that holds a searched word;
    without one, the beginning of the first text."""
    for text in texts:
        position = first_match(text, stems)
        if position is not None:
            part, cut_before, cut_after = window(text, position)
            return _ellipses(mark(part, stems), cut_before, cut_after)
    first = next((t for t in texts if t), "")
    part, _, cut_after = window(first, 0)
    return _ellipses(escape(part), False, cut_after)


def _ellipses(html: str, before: bool, after: bool) -> SafeString:
    return mark_safe(("… " if before else "") + html + (" …" if after else ""))
