"""Step timings recorded before they named their body get it from their item's
holding unit when migrated, on SQLite and PostgreSQL alike; the dashboard then counts
them for that body and no other."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lentera.deadlines.models import StepTiming
from lentera.deadlines.selectors import compliance
from lentera.register.workflow import complete_step
from lentera.testing import build_world, new_item

BEFORE = [("deadlines", "0005_step_opening")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_timings_made_before_get_their_items_body():
    world = build_world()
    item = new_item(world)
    complete_step(item, world.officer)
    made = list(StepTiming.objects.order_by("pk").values_list("pk", "left_at"))
    assert len(made) == 2

    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[0]).apps.get_model("deadlines", "StepTiming")
    assert "body" not in {f.name for f in old._meta.get_fields()}
    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())

    body_id = item.holding_unit.body_id
    assert list(StepTiming.objects.order_by("pk").values_list("pk", "left_at", "body_id")) == [
        (pk, left_at, body_id) for pk, left_at in made
    ]
    since = timezone.now() - datetime.timedelta(days=1)
    figures = compliance(item.holding_unit.body, world.officer, since)
    assert sum(step.finished for step in figures.steps) == 1
    assert sum(step.waiting for step in figures.steps) == 1
