"""Highlighted snippets, cut from the public text a SearchEntry holds."""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import fold, stem

BEFORE, AFTER = 80, 220  # characters of context around the first match
SCAN_LIMIT = 300_000  # characters of file text searched for a snippet


@lru_cache(maxsize=256)
def _candidates(stems: frozenset[str]) -> re.Pattern:
    # The Indonesian stemmer only strips affixes and may change a stem's first letter
    # (meN- + pukul = memukul), so every form of a word contains its stem minus the
    # first letter: a cheap regular expression finds the words worth stemming.
    parts = sorted({re.escape(s if len(s) <= 3 else s[1:]) for s in stems}, key=len)
    letters = r"[^\W_]"  # as text.WORD_RE
    return re.compile(
        rf"(?<!{letters}){letters}*?(?:" + "|".join(parts) + rf"){letters}*", re.IGNORECASE
    )


def _matches(word: str, stems: frozenset[str]) -> bool:
    return stem(fold(word)) in stems


def mark(text: str, stems: frozenset[str]) -> SafeString:
    """`text` escaped, with <mark> around every word whose stem was searched for."""
    if not stems:
        return escape(text)
    out, last = [], 0
    for match in _candidates(stems).finditer(text):
        if _matches(match.group(), stems):
            out.append(escape(text[last : match.start()]))
            out.append("<mark>" + escape(match.group()) + "</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def first_match(text: str, stems: frozenset[str]) -> int | None:
    if not stems:
        return None
    for match in _candidates(stems).finditer(text, 0, SCAN_LIMIT):
        if _matches(match.group(), stems):
            return match.start()
    return None


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
