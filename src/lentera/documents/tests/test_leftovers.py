"""Temporary folders and upload spools a killed process left are removed at the next
start, once they are old enough not to belong to anyone still at work."""

import os
import tempfile
import time

from lentera.documents.leftovers import clean_temp


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_old_leftovers_go_and_young_ones_and_strangers_stay(tmp_path, settings, monkeypatch):
    system_temp = tmp_path / "tmp"
    spools = tmp_path / "spools"
    system_temp.mkdir()
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    settings.FILE_UPLOAD_TEMP_DIR = str(spools)

    old_job = system_temp / "lentera-extract-abc123"
    (old_job / "out").mkdir(parents=True)
    (old_job / "source.pdf").write_bytes(b"%PDF-1.4")
    _age(old_job, 3)
    young_job = system_temp / "lentera-extract-def456"
    young_job.mkdir()
    old_spool = spools / "tmpa1b2c3d4.upload.pdf"
    old_spool.write_bytes(b"%PDF-1.4 half an upload")
    _age(old_spool, 3)
    young_spool = spools / "tmpe5f6g7h8.upload.xlsx"
    young_spool.write_bytes(b"PK")
    stranger = system_temp / "someone-else.txt"
    stranger.write_text("not ours")
    _age(stranger, 30)

    removed = clean_temp()
    assert sorted(p.name for p in removed) == ["lentera-extract-abc123", "tmpa1b2c3d4.upload.pdf"]
    assert not old_job.exists() and not old_spool.exists()
    assert young_job.exists() and young_spool.exists() and stranger.exists()
