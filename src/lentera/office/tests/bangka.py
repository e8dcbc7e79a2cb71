"""A Kabupaten Bangka world running seed 004, for the office tests."""

from dataclasses import dataclass

from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.sop.presets import PRESET_DIR, load_preset
from lentera.testing import make_user


@dataclass
class Bangka:
    body: PublicBody
    main: Unit  # Dinkominfotik, the PPID
    unit: Unit  # Dinas Kesehatan, a PPID Pelaksana
    ppid: object  # reviewer of the PPID Utama: corrects at step 4
    atasan: object  # approver of the PPID Utama: ratifies and publishes at step 5
    officer: object  # officer of the PPID Pelaksana: steps 1 to 3
    layanan: object  # Petugas Layanan of the PPID: receives, recaps and submits at step 4


def _named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def build_bangka() -> Bangka:
    body = PublicBody.objects.create(name="Pemerintah Kabupaten Bangka", slug="kab-bangka")
    sop, _ = load_preset(PRESET_DIR / "bangka-dinkominfotik-2024.toml")
    body.sop = sop
    body.save()
    main = Unit.objects.create(
        body=body,
        name="Dinas Komunikasi Informatika dan Statistik",
        slug="bangka-dinkominfotik",
        ppid_role=PpidRole.MAIN,
    )
    unit = Unit.objects.create(body=body, parent=main, name="Dinas Kesehatan", slug="bangka-dinkes")
    return Bangka(
        body=body,
        main=main,
        unit=unit,
        ppid=_named(make_user("ppid.bangka", main, Role.REVIEWER), "Rahmat", "Hidayat"),
        atasan=_named(make_user("atasan.ppid.bangka", main, Role.APPROVER), "Ahmad", "Fauzi"),
        officer=_named(make_user("pelaksana.dinkes", unit, Role.OFFICER), "Sri", "Wahyuni"),
        layanan=_layanan(main),
    )


def _layanan(main: Unit):
    user = _named(make_user("layanan.ppid.bangka", main, Role.OFFICER), "Eka Putri", "Lestari")
    Membership.objects.filter(user=user, unit=main).update(position="Petugas Layanan")
    return user
