"""A renamed unit or body is found by its new name once the worker has run."""

import pytest

from lentera.search import SearchQuery, search

# The worker closes its connection on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


def found(text: str) -> list[str]:
    return [hit.title for hit in search(SearchQuery(text=text)).hits]


def test_renaming_a_unit_or_its_body_refreshes_their_entries(world, listed, run_worker):
    listed(title="Laporan Perjalanan Dinas", summary="Rekap perjalanan.")
    other = listed(title="Profil Pejabat", summary="Riwayat jabatan.")
    assert found("perjalanan") == ["Laporan Perjalanan Dinas"]

    world.unit.name = "Dinas Perikanan dan Kelautan"
    world.unit.save()
    assert found("kelautan") == []  # not until the job runs
    run_worker()
    assert found("kelautan") == ["Profil Pejabat", "Laporan Perjalanan Dinas"]

    world.body.name = "Pemerintah Kabupaten Sambas"
    world.body.save()
    run_worker()
    assert len(found("sambas")) == 2 and found("kelautan sambas")[0] == other.title


def test_saving_without_a_change_queues_nothing(world, listed):
    from django_tasks_db.models import DBTaskResult

    listed(title="Laporan Kinerja Tahunan")
    before = DBTaskResult.objects.count()
    world.unit.save()
    world.body.save()
    assert DBTaskResult.objects.count() == before
