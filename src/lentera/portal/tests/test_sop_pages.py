"""The public SOP pages: every seed renders as its table, its header and its flow diagram."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from lentera.organizations.models import PublicBody
from lentera.sop.constants import CHECKING_KINDS, StepKind
from lentera.sop.diagram import NARROW_BOX_W, SVG_NS, flow_svg, flow_svg_narrow
from lentera.sop.models import Sop, SopStep
from lentera.sop.presets import load_presets
from lentera.testing import new_item

PRESETS = [
    "kota-pontianak-2023",
    "kalbar-biro-kesra-2021",
    "kalbar-diskominfo-2024",
    "bangka-dinkominfotik-2024",
]
LIST_FIELDS = ("legal_basis", "qualifications", "related", "equipment", "warning", "records")
HEADER_FIELDS = ("number", "made_on", "revised_on", "effective_on", "approved_by", "name")
HEADER_FIELDS += LIST_FIELDS


class TableParser(HTMLParser):
    """The text of every cell of one table, row by row, per section."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.section, self.cell = table_id, False, None, None
        self.rows: dict[str, list[list[str]]] = {"thead": [], "tbody": []}

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif not self.inside:
            return
        if tag in self.rows:
            self.section = tag
        elif tag == "tr":
            self.rows[self.section].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[self.section][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self.cell.append(data)


def sop_table(html: str) -> dict[str, list[list[str]]]:
    parser = TableParser("sop-table")
    parser.feed(html)
    return parser.rows


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def sops(world):
    """The four presets, each used by a body or a unit."""
    pontianak = PublicBody.objects.create(name="Pemerintah Kota Pontianak", slug="pontianak")
    bangka = PublicBody.objects.create(name="Pemerintah Kabupaten Bangka", slug="bangka")
    loaded = {sop.preset_key: sop for sop, _ in load_presets()}
    pontianak.sop = loaded["kota-pontianak-2023"]
    pontianak.save()
    bangka.sop = loaded["bangka-dinkominfotik-2024"]
    bangka.save()
    world.other_unit.sop = loaded["kalbar-biro-kesra-2021"]
    world.other_unit.save()
    assert world.body.sop == loaded["kalbar-diskominfo-2024"]
    return loaded


def detail(client, sop, query=None, **headers):
    response = client.get(reverse("portal:sop", args=[sop.pk]), query, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("key", PRESETS)
def test_each_preset_renders_as_its_sop_table(client, sops, key):
    sop = sops[key]
    steps = list(sop.steps.all())
    columns = sop.columns(steps)
    table = sop_table(detail(client, sop))
    with translation.override("id"):
        expected_top = [gettext(s) for s in ("No.", "Activity", "Performers", "Quality standard")]
        expected_sub = [*columns, *(gettext(s) for s in ("Requirements", "Time", "Output"))]
        times = [step.time_standard for step in steps]
        checks = [[*step.check_labels(), *step.checklist_items] for step in steps]
    assert table["thead"][0][:4] == expected_top
    assert table["thead"][1] == expected_sub
    assert [row[0] for row in table["tbody"]] == [str(step.number) for step in steps]
    for step, row, time, step_checks in zip(steps, table["tbody"], times, checks, strict=True):
        assert row[1] == squash(step.activity)
        marks = [column for column, cell in zip(columns, row[2:], strict=False) if "✓" in cell]
        marked = {step.performer_label, *step.marked_also, step.intake_position} - {""}
        assert marks == [c for c in columns if c in marked]
        requirements = row[2 + len(columns)]
        assert requirements.startswith(squash(step.requirements))
        assert all(squash(entry) in requirements for entry in step_checks)
        assert row[3 + len(columns) : 5 + len(columns)] == [time, squash(step.output)]


def test_bangka_review_row_marks_both_ppid_and_its_head(client, sops):
    table = sop_table(detail(client, sops["bangka-dinkominfotik-2024"]))
    assert table["thead"][1][:4] == ["Petugas Layanan", "PPID Pelaksana", "PPID", "Atasan PPID"]
    step_4 = table["tbody"][3]
    assert ["✓" in cell for cell in step_4[2:6]] == [True, False, True, True]
    assert "(✓)" in step_4[2]  # the Petugas Layanan's part, read from the activity text
    assert "Atasan PPID" in step_4[5]  # the mark's accessible label names its column


@pytest.mark.parametrize("key", PRESETS)
def test_inferred_performer_marks_are_shown_apart_from_printed_ones(client, sops, key):
    """Seeds 000, 002 and 003 lost their performer marks in the source text: the presets
    read them from the activity text, and the page says so; seed 004's are printed."""
    sop = sops[key]
    table = sop_table(detail(client, sop))
    page = detail(client, sop)
    inferred = key != "bangka-dinkominfotik-2024"
    assert all(step.performer_inferred == inferred for step in sop.steps.all())
    marks = [cell for row in table["tbody"] for cell in row if "✓" in cell]
    if inferred:
        assert marks and all("(✓)" in cell for cell in marks)
    else:  # seed 004's marks are printed, but for the Petugas Layanan's part at step 4
        assert [cell for cell in marks if "(✓)" in cell] == [table["tbody"][3][2]]
    assert "ditafsirkan dari uraian kegiatan" in page


@pytest.mark.parametrize("key", PRESETS)
def test_header_block_shows_every_field_of_the_seed(client, sops, key):
    sop = sops[key]
    page = detail(client, sop)
    with translation.override("id"):
        labels = [capfirst(Sop._meta.get_field(name).verbose_name) for name in HEADER_FIELDS]
    assert all(f'<th scope="row">{escape(label)}</th>' in page for label in labels[:6])
    assert all(f'<th scope="col">{escape(label)}</th>' in page for label in labels[6:])
    for value in (sop.number, sop.made_on, sop.effective_on, sop.name, sop.unit_name):
        assert escape(value) in page
    for line in sop.approved_by.splitlines():
        assert escape(line.strip()) in page
    for name in LIST_FIELDS:
        lines = [line.strip() for line in getattr(sop, name).splitlines() if line.strip()]
        if len(lines) > 1:  # several entries: a numbered list, one entry per line
            assert all(f"<li>{escape(line)}</li>" in page for line in lines)
        elif lines:
            assert escape(lines[0]) in page


def test_remarks_column_appears_only_when_a_step_has_remarks(client, sops):
    with translation.override("id"):
        remarks = gettext("Remarks")
    with_remarks = sop_table(detail(client, sops["kalbar-diskominfo-2024"]))
    assert remarks in with_remarks["thead"][0]
    assert [row[-1] for row in with_remarks["tbody"]] == ["-"] * 5
    assert remarks not in sop_table(detail(client, sops["kota-pontianak-2023"]))["thead"][0]


def test_headings_follow_the_ui_language(client, sops):
    page = detail(client, sops["kota-pontianak-2023"], HTTP_ACCEPT_LANGUAGE="en")
    table = sop_table(page)
    assert table["thead"][0][:4] == ["No.", "Activity", "Performers", "Quality standard"]
    assert table["thead"][1][-3:] == ["Requirements", "Time", "Output"]
    assert "1 working day" in table["tbody"][0] and "10 working days" in table["tbody"][2]


def waiting(page: str) -> list[int] | None:
    table = sop_table(page)
    with translation.override("id"):
        heading = gettext("Waiting now")
    if heading not in table["thead"][0]:
        assert all(len(row) == len(table["tbody"][0]) for row in table["tbody"])
        return None
    return [int(row[-1].split()[0]) for row in table["tbody"]]


def test_public_sees_no_waiting_counts(client, world, sops):
    new_item(world)
    sop = sops["kalbar-diskominfo-2024"]
    assert waiting(detail(client, sop)) is None
    client.force_login(world.outsider)  # logged in, but no office
    assert waiting(detail(client, sop)) is None


def test_officers_see_how_many_items_they_may_see_wait_at_each_step(client, world, sops):
    sop = sops["kalbar-diskominfo-2024"]
    client.force_login(world.officer)
    assert waiting(detail(client, sop)) == [0, 0, 0, 0, 0]
    item = new_item(world)
    assert item.current_step.number == 1 and item.sop == sop
    assert waiting(detail(client, sop)) == [1, 0, 0, 0, 0]
    client.force_login(world.main_officer)  # the PPID Utama sees the whole body
    assert waiting(detail(client, sop)) == [1, 0, 0, 0, 0]
    client.force_login(world.other_officer)  # another unit's officer does not see it
    assert waiting(detail(client, sop)) == [0, 0, 0, 0, 0]


def test_list_shows_sops_in_use_and_filters_by_body(client, sops):
    links = {key: f'href="{reverse("portal:sop", args=[sop.pk])}"' for key, sop in sops.items()}
    everything = client.get(reverse("portal:sop-list")).content.decode()
    assert all(link in everything for link in links.values())
    kalbar = client.get(reverse("portal:sop-list"), {"badan": "kalbar"}).content.decode()
    shown = {key for key, link in links.items() if link in kalbar}
    assert shown == {"kalbar-diskominfo-2024", "kalbar-biro-kesra-2021"}
    bangka = client.get(reverse("portal:sop-list"), {"badan": "bangka"}).content.decode()
    assert {key for key, link in links.items() if link in bangka} == {"bangka-dinkominfotik-2024"}
    assert escape(sops["bangka-dinkominfotik-2024"].number) in bangka
    assert client.get(reverse("portal:sop-list"), {"badan": "tidak-ada"}).status_code == 404


def test_sop_nobody_uses_is_not_listed_or_shown(client, db):
    unused = Sop.objects.create(name="SOP Rancangan Belum Berlaku", number="1/2025")
    assert unused.name not in client.get(reverse("portal:sop-list")).content.decode()
    assert client.get(reverse("portal:sop", args=[unused.pk])).status_code == 404
    assert client.get(reverse("portal:sop", args=[unused.pk + 1000])).status_code == 404


def test_revised_sop_links_its_versions(client, world, sops):
    old = sops["kalbar-diskominfo-2024"]
    new_item(world)  # an item in flight keeps the old version public
    revised = Sop.objects.create(
        name=old.name, number=old.number, version=2, revised_from=old, body=world.body
    )
    SopStep.objects.create(
        sop=revised,
        number=1,
        activity="Menginput dan menyetujui informasi publik",
        kind=StepKind.PUBLISH,
        performer_label="Petugas PPID",
        performer_role="officer",
    )
    assert client.get(reverse("portal:sop", args=[revised.pk])).status_code == 404  # a draft
    world.body.sop = revised
    world.body.save()
    new_page = detail(client, revised)
    assert f'href="{reverse("portal:sop", args=[old.pk])}"' in new_page
    old_page = detail(client, old)
    assert f'href="{reverse("portal:sop", args=[revised.pk])}"' in old_page
    listing = client.get(reverse("portal:sop-list"), {"badan": "kalbar"}).content.decode()
    main_link = f'<a href="{reverse("portal:sop", args=[revised.pk])}">{escape(old.name)}</a>'
    assert main_link in listing  # the current version leads, the old one is listed under it
    assert f'href="{reverse("portal:sop", args=[old.pk])}"' in listing


def test_page_is_printable_without_javascript(client, sops):
    sop = sops["bangka-dinkominfotik-2024"]
    page = detail(client, sop)
    assert "lentera/sop.css" in page
    assert f'href="/sop/{sop.pk}/?cetak=1" data-print' in page
    assert "sop-print-view" in detail(client, sop, {"cetak": "1"})


def svg_texts(root: ET.Element, css_class: str) -> list[str]:
    return [
        " ".join(t.strip() for t in element.itertext())
        for element in root.iter(f"{{{SVG_NS}}}text")
        if element.get("class") == css_class
    ]


@pytest.mark.parametrize("key", PRESETS)
def test_flow_diagram_is_valid_svg_with_every_step_and_performer(sops, key):
    sop = sops[key]
    steps = list(sop.steps.all())
    with translation.override("id"):
        svg = flow_svg(sop, steps)
        end = gettext("Published" if key != "kalbar-biro-kesra-2021" else "Documented")
    root = ET.fromstring(svg)
    assert root.tag == f"{{{SVG_NS}}}svg" and root.get("role") == "img"
    assert root.find(f"{{{SVG_NS}}}title").text
    assert svg_texts(root, "step-number") == [str(step.number) for step in steps]
    assert svg_texts(root, "lane-label") == sop.columns(steps)
    assert svg_texts(root, "activity") == [squash(step.activity) for step in steps]
    assert svg_texts(root, "end-label") == [end]
    loops = root.find(f"{{{SVG_NS}}}g[@class='loops']").findall(f"{{{SVG_NS}}}path")
    assert len(loops) == sum(step.kind in CHECKING_KINDS for step in steps[1:])
    assert all(loop.get("stroke-dasharray") for loop in loops)


@pytest.mark.parametrize("key", PRESETS)
def test_the_phone_diagram_is_one_column_at_a_phones_width(sops, key):
    """Every step in one column, its performer named above the activity, within 360
    units: a 360 px screen shows its 12 px text at full size."""
    sop = sops[key]
    steps = list(sop.steps.all())
    root = ET.fromstring(flow_svg_narrow(sop, steps))
    assert float(root.get("width")) <= 360
    assert svg_texts(root, "activity") == [squash(step.activity) for step in steps]
    assert svg_texts(root, "performer") == [
        squash(f"{step.number}. {step.performer_label}") for step in steps
    ]
    boxes = root.findall(f".//{{{SVG_NS}}}g[@class]/{{{SVG_NS}}}rect")
    lefts = {box.get("x") for box in boxes if box.get("width") == str(NARROW_BOX_W)}
    assert len(lefts) == 1  # one column
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    wide = ET.fromstring(flow_svg(sop, steps))
    assert not set(ids) & {e.get("id") for e in wide.iter() if e.get("id")}  # both on a page


def test_flow_diagram_escapes_sop_text(db):
    sop = Sop.objects.create(name='SOP "uji" <b>tebal</b>', performer_columns="Petugas & Co")
    SopStep.objects.create(
        sop=sop,
        number=1,
        activity="<script>x()</script> & lanjut",
        kind=StepKind.REVIEW,
        performer_label="<Petugas>",
        performer_role="reviewer",
    )
    svg = flow_svg(sop)
    assert "<script>" not in svg and "<Petugas>" not in svg
    root = ET.fromstring(svg)
    assert svg_texts(root, "lane-label") == ["Petugas & Co", "<Petugas>"]
    assert svg_texts(root, "activity") == ["<script>x()</script> & lanjut"]


def test_detail_page_embeds_the_diagram(client, sops):
    page = detail(client, sops["bangka-dinkominfotik-2024"])
    start = page.index("<svg")
    svg = page[start : page.index("</svg>", start) + len("</svg>")]
    root = ET.fromstring(svg)
    assert svg_texts(root, "step-number") == ["1", "2", "3", "4", "5"]
