"""The activity log moved from the SOP app to the audit app with no row copied. A
database made by the previous main (events written by its model, in its table) is
migrated forward: every event is still there, each still chained to the one before,
and the log goes on from where it was; on SQLite and on PostgreSQL alike."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lentera.audit import services as audit
from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.register.workflow import complete_step
from lentera.sop.constants import Verb
from lentera.testing import build_world, new_item

# The previous main: the log was sop's, in the table sop_activityevent.
PREVIOUS = [("audit", None), ("sop", "0008_step_intake")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_events_written_before_the_move_keep_their_chain():
    world = build_world()
    item = new_item(world)
    complete_step(item, world.officer)  # 1 collect
    made_now = list(ActivityEvent.objects.order_by("id").values_list("id", "hash"))
    assert len(made_now) >= 2

    executor = _migrate(PREVIOUS)
    assert "sop_activityevent" in _tables() and "audit_activityevent" not in _tables()
    old = executor.loader.project_state(PREVIOUS[1]).apps.get_model("sop", "ActivityEvent")
    assert list(old.objects.order_by("id").values_list("id", "hash")) == made_now
    # The previous main goes on writing its log: one more event, chained by its rules.
    last = old.objects.order_by("-id").first()
    written = old(
        item_id=item.pk,
        actor_id=world.officer.pk,
        unit_id=item.holding_unit_id,
        step_id=last.step_id,
        verb="edit",
        note="Sebelum pemindahan.",
        changes={"title": ["A", "B"]},
        created_at=last.created_at + datetime.timedelta(seconds=1),
        prev_hash=last.hash,
    )
    written.hash = audit.event_digest(written.prev_hash, written)
    written.save()

    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert "audit_activityevent" in _tables() and "sop_activityevent" not in _tables()
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
    moved = list(ActivityEvent.objects.order_by("id").values_list("id", "hash"))
    assert moved == [*made_now, (written.pk, written.hash)]
    assert verify_chain() == (len(moved), None)
    assert item.events.get(pk=written.pk).verb_label == str(Verb.EDIT.label)
    assert ContentType.objects.get_for_model(ActivityEvent).app_label == "audit"
    assert not ContentType.objects.filter(app_label="sop", model="activityevent").exists()

    # The log goes on after the move, in the same chain.
    complete_step(item, world.officer)  # 2 input
    assert verify_chain() == (len(moved) + 1, None)
