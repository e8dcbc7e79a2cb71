"""Verbs come from the apps that own them, registered at start-up; the log's table
keeps only the word, so a new verb needs no migration."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.translation import override

from lentera.audit import services as audit
from lentera.audit import verbs
from lentera.audit.models import ActivityEvent
from lentera.deadlines.constants import Verb as DeadlinesVerb
from lentera.sop.constants import Verb


def test_each_app_registered_its_verbs():
    known = {value for value, _label in verbs.choices()}
    assert {v.value for v in Verb} | {v.value for v in DeadlinesVerb} <= known
    with override("id"):
        assert verbs.label(Verb.PUBLISH) == "dipublikasikan"
        assert verbs.label(DeadlinesVerb.CALENDAR) == "kalender kerja dikoreksi"


def test_a_word_registered_twice_with_another_meaning_is_refused():
    class Clash(models.TextChoices):
        PUBLISH = "publish", "threw away"

    with pytest.raises(ImproperlyConfigured):
        verbs.register(Clash)


def test_a_verb_longer_than_the_column_is_refused():
    class Long(models.TextChoices):
        LONG = "a_verb_longer_than_twenty", "too long"

    with pytest.raises(ImproperlyConfigured):
        verbs.register(Long)
    assert not verbs.is_known("a_verb_longer_than_twenty")


@pytest.mark.django_db
def test_an_unregistered_verb_writes_nothing(world):
    before = ActivityEvent.objects.count()
    with pytest.raises(ValueError), transaction.atomic():
        audit.record("shred", actor=world.officer, note="no such verb")
    assert ActivityEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(world):
    with pytest.raises(RuntimeError):
        audit.record(Verb.EDIT, actor=world.officer)
