"""The verbs the activity log knows. Each app registers its own at start-up (in its
AppConfig.ready()); the log's table stores the bare word, so a new verb needs no
migration. Recording an unknown verb is a programming error."""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import TextChoices

VERB_LENGTH = 20  # ActivityEvent.verb's column
_labels: dict[str, object] = {}


def register(choices: type[TextChoices]) -> None:
    """Make each of `choices` a verb of the log; registering the same word twice with
    another meaning is refused."""
    for value, label in choices.choices:
        if len(value) > VERB_LENGTH:
            raise ImproperlyConfigured(f"Activity verb {value!r} is longer than {VERB_LENGTH}.")
        known = _labels.get(value)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"Activity verb {value!r} registered twice.")
        _labels[value] = label


def is_known(value: str) -> bool:
    return value in _labels


def label(value: str) -> str:
    """The verb as people read it, in the active language (the word itself if unknown)."""
    return str(_labels.get(value, value))


def choices() -> list[tuple[str, str]]:
    """(word, label) of every registered verb, for filters and forms."""
    return sorted(((value, str(text)) for value, text in _labels.items()), key=lambda c: c[1])
