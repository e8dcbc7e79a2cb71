"""Highlighted snippets, cut from the public text a SearchEntry holds."""

import html
import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import fold, stem

BEFORE, AFTER = 80, 220  # characters of context around the first match
SCAN_LIMIT = 300_000  # characters of file text searched for a snippet
LONGEST_WORD = 64  # letters looked back for a word's start (no real word is longer)


@lru_cache(maxsize=256)
def _parts(stems: frozenset[str], ignore_case: bool) -> re.Pattern:
    # The Indonesian stemmer only strips affixes and may change a stem's first letter
    # (meN- + pukul = memukul), so every form of a word contains its stem minus the
    # first letter: a search for those parts (a fast scan in C) finds the words worth
    # stemming.
    parts = sorted({re.escape(s if len(s) <= 3 else s[1:]) for s in stems}, key=len)
    return re.compile("|".join(reversed(parts)), re.IGNORECASE if ignore_case else 0)


_WORD_REST = re.compile(r"[^\W_]*")  # letters and digits, as text.WORD_RE


def _searched_words(text: str, stems: frozenset[str], end: int):
    """(start, end) of each word before `end` whose stem was searched for, in order."""
    # The parts are looked for in the lower-cased text, four times faster than
    # ignoring case, where each character stays one character (nearly always).
    lowered = text.lower()
    ignore_case = len(lowered) != len(text)
    haystack, parts, position = text if ignore_case else lowered, _parts(stems, ignore_case), 0
    while found := parts.search(haystack, position, end):
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
        # The standard library's escape, as Django's does, without its lazy-text check.
        out.append(html.escape(text[last:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        last = end
    out.append(html.escape(text[last:]))
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
