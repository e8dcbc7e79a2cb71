"""From what a person typed to the words and phrases an engine looks for."""

import re
from dataclasses import dataclass

from .text import stem, words

PHRASE_RE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Terms:
    words: tuple[str, ...]  # single words (folded, no stop words), all required
    phrases: tuple[tuple[str, ...], ...]  # quoted phrases, each word in order

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def stems(self) -> frozenset[str]:
        every = list(self.words) + [w for phrase in self.phrases for w in phrase]
        return frozenset(stem(w) for w in every)


MAX_WORDS = 16  # a pasted paragraph is cut, not run as a giant query


def parse(text: str) -> Terms:
    text = (text or "")[:500]
    phrases = []
    for match in PHRASE_RE.findall(text):
        phrase = tuple(words(match))
        if len(phrase) > 1:
            phrases.append(phrase[:MAX_WORDS])
        elif phrase:
            text += " " + phrase[0]
    loose = tuple(dict.fromkeys(words(PHRASE_RE.sub(" ", text).replace('"', " "))))
    return Terms(words=loose[:MAX_WORDS], phrases=tuple(phrases[:4]))
