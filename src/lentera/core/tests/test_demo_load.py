"""`lentera demo`'s loading: all or nothing, and what the command prints."""

from io import StringIO

import pytest
from django.core.management import call_command

from lentera.core import demo
from lentera.core.demo import DEMO_PASSWORD, load_demo
from lentera.core.demo_data import DemoItem

from .test_demo import counts


def test_a_failed_load_leaves_no_record_and_no_file(db, files_dir, monkeypatch):
    # Sekretariat Daerah has no officer, so this item stops the load half-way.
    orphan = DemoItem(
        "kalbar-setda",
        "Rencana Kerja Sekretariat Daerah Tahun 2027",
        "Program dan kegiatan.",
        "Sekretaris Daerah",
        demo.ITEMS[0].made_on,
        "10 tahun",
        "-",
        2027,
    )
    monkeypatch.setattr(demo, "ITEMS", (*demo.ITEMS, orphan))
    with pytest.raises(RuntimeError, match="has no officer"):
        load_demo()
    assert set(counts().values()) == {0}
    assert not list(files_dir.rglob("*.pdf"))


def test_demo_command_prints_the_portal_and_the_logins(db):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    output = out.getvalue()
    assert "/dip/" in output
    assert DEMO_PASSWORD in output
    for username in (
        "admin",
        "petugas.dinsos.ptk",
        "penelaah.ppid.ptk",
        "kepala.ppid.kalbar",
        "dokumentasi.kesra.kalbar",
        "petugas.ppid.bangka",
        "kepala.ppid.bangka",
    ):
        assert f"  {username} " in output
    assert "Atasan PPID, Dinkominfotik Kab. Bangka (PPID Utama)" in output
    assert "Petugas Dokumentasi, Biro Kesra Prov. Kalbar" in output
    assert "Pemerintah Kabupaten Bangka" in output
