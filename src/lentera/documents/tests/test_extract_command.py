"""`lentera extract` queues extraction again for failed or stuck files."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from lentera.documents.constants import TextStatus
from lentera.documents.models import DocumentVersion
from lentera.documents.services import add_document
from lentera.testing import build_world, new_item, pdf_upload


@pytest.mark.django_db(transaction=True)  # the worker closes its connection on PostgreSQL
def test_failed_and_stuck_files_are_queued_again_and_extracted(run_worker):
    world = build_world()
    item = new_item(world)
    failed = add_document(item, world.officer, pdf_upload("a.pdf", "Rencana Kerja Dinas"))
    stuck = add_document(item, world.officer, pdf_upload("b.pdf", "Laporan Keuangan Daerah"))
    fresh = add_document(item, world.officer, pdf_upload("c.pdf", "Profil Badan Publik"))
    run_worker()
    long_ago = timezone.now() - timedelta(days=1)
    DocumentVersion.objects.filter(pk=failed.pk).update(
        text_status=TextStatus.FAILED, text="", text_error="OCR tidak tersedia"
    )
    DocumentVersion.objects.filter(pk=stuck.pk).update(
        text_status=TextStatus.RUNNING, text="", text_at=None, uploaded_at=long_ago
    )
    DocumentVersion.objects.filter(pk=fresh.pk).update(text_status=TextStatus.RUNNING, text="")

    out = StringIO()
    call_command("extract", "--failed", stdout=out)
    assert out.getvalue().startswith("1 file(s)")
    call_command("extract", "--stuck", stdout=out)
    assert "1 file(s)" in out.getvalue().splitlines()[-1]
    run_worker()

    failed.refresh_from_db(), stuck.refresh_from_db(), fresh.refresh_from_db()
    assert failed.text_status == TextStatus.DONE and "Rencana Kerja" in failed.text
    assert stuck.text_status == TextStatus.DONE and "Laporan Keuangan" in stuck.text
    assert fresh.text_status == TextStatus.RUNNING  # not stuck yet: left alone
