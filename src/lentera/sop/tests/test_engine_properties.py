"""Random action sequences by random users against the SOP engine (hypothesis, stateful).

One body runs all four presets at once: the PPID Utama follows the body's SOP (Bangka),
unit A seed 003, unit B seed 000 and A's child seed 002. After every action the database
must show that nothing was published without every review and approval of its SOP
version, that nobody acted outside their role and unit, that nothing exempt, withdrawn
or unfinished is public, and that the hash chain is whole."""

import datetime
import functools
import os
import shutil
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.documents.models import Document, DocumentVersion, HardCopy
from lentera.documents.services import add_document, record_hardcopy
from lentera.errors import ActionRefused
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.register import fingerprint
from lentera.register import workflow as engine
from lentera.register.constants import LISTED_STATUSES, Category, Status
from lentera.register.models import ClassificationDecision, InformationItem, field_value
from lentera.register.selectors import public_items, public_versions
from lentera.register.services import create_item, update_item
from lentera.search import index as search_index
from lentera.search.models import SearchEntry
from lentera.sop.constants import (
    CHECKING_KINDS,
    SUBMITTING_KINDS,
    PerformerRole,
    PerformerScope,
    StepKind,
    Verb,
)
from lentera.sop.models import SopStep
from lentera.sop.policy import intake_pending
from lentera.sop.presets import load_presets
from lentera.testing import classify, item_fields, make_user, pdf_upload

UNIT_SOPS = {  # unit key -> preset it follows (None: the body's SOP)
    "main": None,
    "a": "kalbar-diskominfo-2024",
    "b": "kota-pontianak-2023",
    "a1": "kalbar-biro-kesra-2021",
}
BODY_SOP = "bangka-dinkominfotik-2024"
ROLES = (Role.OFFICER, Role.REVIEWER, Role.APPROVER)
# People in two units with several roles: they submit items and hold the role of a
# later step that is barred to the submitter, so separation of duties is what stops
# them, not their memberships. Between them they meet every separated step of the
# four presets.
DUAL_ROLES = {
    "dual": [("a", Role.OFFICER), ("a", Role.APPROVER), *[("main", r) for r in ROLES]],
    "dual.a1": [("a1", Role.OFFICER), ("main", Role.OFFICER)],
}
# Seed 002 gives two columns of the bagian to officers: positions tell them apart.
POSITIONS = {
    ("a1", "a1.officer"): "PPID Pelaksana",
    ("a1", "a1.dokumentasi"): "Petugas Dokumentasi",
    ("a1", "dual.a1"): "Petugas Dokumentasi",
    ("main", "main.officer"): "Petugas Layanan",  # seed 004's intake at step 4
}
USERNAMES = sorted(
    [f"{unit}.{role}" for unit in UNIT_SOPS for role in ROLES]
    + ["main.admin", "warga", "a1.dokumentasi", *DUAL_ROLES]
)
STEPS_RUN = 6
_COUNTED = [
    f"(SELECT COUNT(*) FROM {model._meta.db_table})"
    for model in (ActivityEvent, Document, DocumentVersion, HardCopy, ClassificationDecision)
] + [f"(SELECT COUNT(*) FROM {DocumentVersion._meta.db_table} WHERE published_at IS NOT NULL)"]
SNAPSHOT = (
    f"SELECT counted.*, item.* FROM (SELECT {', '.join(_COUNTED)}) counted "
    f"LEFT JOIN {InformationItem._meta.db_table} item ON 1 = 1 ORDER BY item.id"
)


@dataclass
class World:
    main: Unit
    units: dict[str, Unit]
    users: dict[str, object]
    steps: dict[int, SopStep]
    members: dict[tuple[int, str], list[str]]  # (unit id, role) -> usernames
    positions: dict[tuple[int, str], str]  # (unit id, username) -> position (jabatan)

    def holds(self, user_id, unit_id, role) -> bool:
        return any(self.users[n].pk == user_id for n in self.members.get((unit_id, role), []))

    def describe(self, e: dict) -> str:
        """An event as a failure message names it."""
        step = self.steps.get(e["step_id"])
        by = next((n for n, u in self.users.items() if u.pk == e["actor_id"]), e["actor_id"])
        where = f" step {step.number} of {step.sop.preset_key}" if step else ""
        return f"event {e['id']} ({e['verb']}{where} by {by}, unit {e['unit_id']})"


def build_property_world() -> World:
    sops = {sop.preset_key: sop for sop, _ in load_presets()}
    body = PublicBody.objects.create(
        name="Pemerintah Kabupaten Uji Sifat", slug="uji-sifat", sop=sops[BODY_SOP]
    )
    main = Unit.objects.create(body=body, name="PPID Utama", slug="utama", ppid_role=PpidRole.MAIN)
    units = {"main": main}
    for key, parent in (("a", "main"), ("b", "main"), ("a1", "a")):
        units[key] = Unit.objects.create(
            body=body, parent=units[parent], name=f"Unit {key}", slug=f"unit-{key}",
            sop=sops[UNIT_SOPS[key]],
        )  # fmt: skip
    users = {}
    for key, unit in units.items():
        for role in ROLES:
            users[f"{key}.{role}"] = make_user(f"{key}.{role}", unit, role)
    users["main.admin"] = make_user("main.admin", main, Role.ADMIN)
    for name, roles in DUAL_ROLES.items():
        users[name] = make_user(name)
        for key, role in roles:
            Membership.objects.create(user=users[name], unit=units[key], role=role)
    users["warga"] = make_user("warga")  # logged in, no membership
    users["a1.dokumentasi"] = make_user("a1.dokumentasi", units["a1"], Role.OFFICER)
    for (key, name), position in POSITIONS.items():
        Membership.objects.filter(user=users[name], unit=units[key], role=Role.OFFICER).update(
            position=position
        )
    members, positions = {}, {}
    for m in Membership.objects.select_related("user").order_by("user__username"):
        members.setdefault((m.unit_id, m.role), []).append(m.user.username)
        positions[(m.unit_id, m.user.username)] = m.position
    steps = {s.pk: s for s in SopStep.objects.select_related("sop")}
    return World(main, units, users, steps, members, positions)


@functools.cache
def pdf_bytes(n: int) -> bytes:
    return pdf_upload(text=f"Dokumen uji nomor {n}").read()


WHO = st.tuples(
    st.sampled_from(["fitting", "anyone", "fitting"]), st.integers(0, len(USERNAMES) - 1)
)
MAX_ITEMS = 2
ITEM = st.integers(0, MAX_ITEMS - 1)
NOTES = st.sampled_from(
    ["", "  ", "Lengkapi ringkasan isi.", "Sudah sesuai.", "Lampirkan versi yang ditandatangani."]
)
NEW_ITEM = dict(
    who=WHO,
    unit=st.sampled_from(list(UNIT_SOPS)),
    category=st.sampled_from(Category.values),
    softcopy=st.booleans(),
    hardcopy=st.booleans(),
    place=st.sampled_from(["Sungailiat", "Pontianak", "Mempawah", ""]),
)
BACK = st.integers(-2, 3)  # how far back to return; 0 or less: not earlier
VERSION = st.sampled_from([None, None, None, "current", "stale"])
EDITS = st.one_of(
    st.tuples(st.just("title"), st.sampled_from(["Rencana Strategis 2025", "Laporan Keuangan"])),
    st.tuples(st.just("made_place"), st.sampled_from(["", "Sungailiat"])),
    st.tuples(st.just("made_on"), st.sampled_from([None, datetime.date(2025, 1, 6)])),
    st.tuples(st.just("category"), st.sampled_from(Category.values)),
    st.tuples(st.just("form_softcopy"), st.booleans()),
    st.tuples(st.just("form_hardcopy"), st.booleans()),
    st.tuples(st.just("holding_unit"), st.sampled_from(list(UNIT_SOPS))),
)


class EngineMachine(RuleBasedStateMachine):
    """Each example runs inside a savepoint that teardown() rolls back."""

    def __init__(self, world: World, files_dir, focus: str):
        super().__init__()
        self.world = world
        self.focus = focus  # the unit whose preset new items follow
        self.files_dir = files_dir
        self.items: list[int] = []  # only to pick an item; the checks read the database
        # False while every action since the last check was refused: attempt() then
        # proved that nothing the checks read has changed, so they would read the same.
        self.changed = False
        self.state = None  # the last snapshot, while it is known to be current
        self.uploads = 0  # distinct files for diligent teams
        self.acting = None  # who performs the action under way
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        shutil.rmtree(self.files_dir, ignore_errors=True)  # the rows are gone too

    # Choosing who acts ----------------------------------------------------------------

    def actor(self, who, slots):
        """`who` is ("anyone", i) or ("fitting", i): the i-th holder of one of `slots`."""
        kind, index = who
        names = sorted(
            {
                n
                for unit, role, *position in slots
                for n in self.world.members.get((unit, role), [])
                if not position or not position[0]
                or self.world.positions.get((unit, n)) == position[0]
            }
        )  # fmt: skip
        if kind == "anyone" or not names:
            names = USERNAMES
        self.acting = names[index % len(names)]
        return self.world.users[self.acting]

    def performer_slot(self, item, step):
        if step is None or step.performer_role == PerformerRole.SYSTEM:
            return []
        scope = step.performer_scope
        unit = item.holding_unit_id if scope == PerformerScope.ITEM_UNIT else self.world.main.pk
        return [(unit, step.performer_role, step.performer_position)]

    def item(self, index, among=()):
        if isinstance(index, InformationItem):
            return index  # handed on within one step: the services read it afresh
        among = list(among) or self.items
        return InformationItem.objects.select_related("current_step").get(
            pk=among[index % len(among)]
        )

    @staticmethod
    def version(item, choice):
        return {None: None, "current": item.lock_version, "stale": item.lock_version - 1}[choice]

    # Every action succeeds or is refused without changing anything --------------------

    def snapshot(self):
        """Every item's row with how many rows the other tables hold, and how many files
        are stored."""
        with connection.cursor() as cursor:
            cursor.execute(SNAPSHOT)
            rows = cursor.fetchall()
        return rows, sum(1 for p in self.files_dir.rglob("*") if p.is_file())

    def attempt(self, label, action, *args, **kwargs):
        """Run `action`; any exception but a refusal fails the test."""
        before = self.state if self.state is not None else self.snapshot()
        try:
            result = action(*args, **kwargs)
        except ActionRefused as refused:
            note(f"  {label} by {self.acting}: refused ({refused.message} {refused.missing})")
            self.state = self.snapshot()
            assert self.state == before, f"refused {label} changed something: {refused.message}"
            return None
        note(f"  {label} by {self.acting}: done")
        self.state = None  # unknown until the next snapshot
        self.changed = True
        return result

    # Rules --------------------------------------------------------------------------

    @initialize(
        **NEW_ITEM,
        steps=st.integers(0, 6),
        then=st.sampled_from(["", "return", "reopen"]),
        back=BACK,
    )
    def first_item(self, who, steps, then, back, **fields):
        """Every example starts with an item somewhere along its SOP, perhaps sent back
        or reopened for an update on the way, whichever rules hypothesis leaves enabled."""
        pick = who[1]
        self.create(("fitting", pick), **fields)
        if not (self.items and steps):
            return
        self.advance(pick, 0, steps)
        if then == "return":
            self.return_to(("fitting", pick), 0, back, "Perbaiki ringkasan isi.", None)
        elif then == "reopen":
            self.reopen(("fitting", pick), 0, "Pemutakhiran data tahun berjalan.", None)
        if then:
            self.advance(pick + 1, 0, 6)

    @precondition(lambda self: len(self.items) < MAX_ITEMS)
    @rule(**NEW_ITEM)
    def create(self, who, unit, category, softcopy, hardcopy, place):
        unit = self.world.units[self.focus]
        first = unit.sop_in_use().first_step()
        slots = [
            (unit.pk, Role.OFFICER),
            *self.performer_slot(InformationItem(holding_unit=unit), first),
        ]
        fields = item_fields(unit, category=category, made_place=place)
        fields.update(form_softcopy=softcopy, form_hardcopy=hardcopy)
        item = self.attempt("create", create_item, self.actor(who, slots), **fields)
        if item is not None:
            self.items.append(item.pk)

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, note_=NOTES, ticks=st.integers(0, 3), version=VERSION)
    def complete(self, who, index, note_, ticks, version):
        item = self.item(index)
        step = item.current_step
        checklist = step.checklist_items if step else []
        ticked = [t for i, t in enumerate(checklist) if ticks >> i & 1]
        actor = self.actor(who, self.performer_slot(item, step))
        expected = self.version(item, version)
        self.attempt(
            "complete", engine.complete_step, item, actor, expected_version=expected, note=note_,
            ticked=ticked,
        )  # fmt: skip

    @precondition(lambda self: self.items)
    @rule(pick=st.integers(0, 3), index=ITEM, steps=st.integers(1, 6))
    def advance(self, pick, index, steps):
        """A diligent team supplies what the item lacks, then its current performers
        complete up to `steps` steps, ticking everything and writing a note, until one is
        refused. Without this rule items rarely reach the end of their SOP."""
        item = self.item(index)
        if item.current_step is not None:
            self.supply_what_is_missing(pick, item)
        for k in range(steps):
            if item is None or item.current_step is None:
                return
            step = item.current_step
            if intake_pending(item):
                self.submit(("fitting", pick + k), item, None)
                item = self.item(item)
                item.refresh_from_db()
                if intake_pending(item):
                    return
            actor = self.actor(("fitting", pick + k), self.performer_slot(item, step))
            # complete_step returns the item as the engine left it, on its next step
            item = self.attempt(
                "advance", engine.complete_step, item, actor, note="Sudah sesuai.",
                ticked=step.checklist_items,
            )  # fmt: skip

    def supply_what_is_missing(self, pick, item):
        """Attach a file, record the hard copy, classify an exempt item, fill in the place
        and a form, as far as the item (as it will read) needs them."""
        wanted, who = item.working_copy(), ("fitting", pick)
        if wanted.form_softcopy and not item.documents.exists():
            self.uploads += 1
            self.upload(who, item, 10 + self.uploads)
        if wanted.form_hardcopy and not item.hardcopies.exists():
            self.hardcopy(who, item, None)
        if wanted.category == Category.EXEMPT and not item.classifications.exists():
            self.classification(who, item)
        if not wanted.made_place:
            self.edit(who, item, ("made_place", "Sungailiat"), None)
        if not (wanted.form_softcopy or wanted.form_hardcopy):
            self.edit(who, item, ("form_hardcopy", True), None)

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, back=BACK, note_=NOTES, version=VERSION)
    def return_to(self, who, index, back, note_, version):
        """Return to the step `back` steps before the current one (0 or less: not earlier),
        preferably an item that has a step behind it."""
        past_first = InformationItem.objects.filter(pk__in=self.items, current_step__number__gt=1)
        item = self.item(index, past_first.order_by("pk").values_list("pk", flat=True))
        to = (item.current_step.number if item.current_step else 6) - back
        actor = self.actor(who, self.performer_slot(item, item.current_step))
        expected = self.version(item, version)
        self.attempt(
            "return", engine.return_to_step, item, actor, to, note_, expected_version=expected
        )

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, version=VERSION)
    def submit(self, who, index, version):
        """The intake of the current step (seed 004's Petugas Layanan) submits the item."""
        item = self.item(index)
        step = item.current_step
        slots = []
        if step is not None and step.intake_position:
            unit = (
                self.performer_slot(item, step)[0][0] if self.performer_slot(item, step) else None
            )
            slots = [(unit, Role.OFFICER, step.intake_position)]
        actor = self.actor(who, slots)
        expected = self.version(item, version)
        self.attempt("submit", engine.submit, item, actor, expected_version=expected)

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, note_=NOTES, version=VERSION)
    def withdraw(self, who, index, note_, version):
        item = self.item(index)
        main, unit = self.world.main.pk, item.holding_unit_id
        slots = [(unit, Role.APPROVER), (main, Role.APPROVER), (main, Role.REVIEWER)]
        actor = self.actor(who, [*slots, (unit, Role.OFFICER)])
        expected = self.version(item, version)
        self.attempt("withdraw", engine.withdraw, item, actor, note_, expected_version=expected)

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, note_=NOTES, version=VERSION)
    def reopen(self, who, index, note_, version):
        item = self.item(index)
        slots = [(item.holding_unit_id, Role.OFFICER), (self.world.main.pk, Role.OFFICER)]
        expected = self.version(item, version)
        actor = self.actor(who, slots)
        self.attempt("reopen", engine.reopen, item, actor, note_, expected_version=expected)

    def editor_slots(self, item):
        return [(item.holding_unit_id, Role.OFFICER), *self.performer_slot(item, item.current_step)]

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, text=st.integers(0, 4))
    def upload(self, who, index, text):
        """Files of the same text are byte for byte the same: the second is refused."""
        item = self.item(index)
        upload = SimpleUploadedFile(f"dokumen-{text}.pdf", pdf_bytes(text), "application/pdf")
        self.attempt("upload", add_document, item, self.actor(who, self.editor_slots(item)), upload)

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, version=VERSION)
    def hardcopy(self, who, index, version):
        item = self.item(index)
        actor = self.actor(who, self.editor_slots(item))
        self.attempt(
            "hardcopy", record_hardcopy, item, actor, expected_version=self.version(item, version),
            building="Gedung Arsip", room="R. 2", custodian="Pengelola Arsip",
        )  # fmt: skip

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM)
    def classification(self, who, index):
        item = self.item(index)
        units = (item.holding_unit_id, self.world.main.pk)
        slots = [(u, r) for u in units for r in (Role.REVIEWER, Role.APPROVER)]
        self.attempt("classify", classify, item, self.actor(who, slots))

    @precondition(lambda self: self.items)
    @rule(who=WHO, index=ITEM, edit=EDITS, version=VERSION)
    def edit(self, who, index, edit, version):
        item = self.item(index)
        name, value = edit
        if name == "holding_unit":
            value = self.world.units[value]
        actor = self.actor(who, self.editor_slots(item))
        expected = self.version(item, version)
        self.attempt("edit", update_item, item, actor, expected_version=expected, **{name: value})

    # Invariants, read from the database --------------------------------------------

    @invariant()
    def the_engine_keeps_its_promises(self):
        if not self.changed:
            return
        self.changed = False
        histories = {}
        log = list(ActivityEvent.objects.order_by("id").values())
        for e in log:
            histories.setdefault(e["item_id"], []).append(e)
        items = {i.pk: i for i in InformationItem.objects.all()}
        for pk, item in items.items():
            history, now = replay(self.world, histories[pk])
            assert now["holding"] == item.holding_unit_id, "the log lost a move"
            check_status(self.world, item, [e["verb"] for e in histories[pk]])
            for at, (e, state) in enumerate(history):
                if e["verb"] in (Verb.COMPLETE, Verb.RETURN):
                    check_performer(self.world, e, state)
                if e["verb"] == Verb.COMPLETE:
                    check_four_eyes(self.world, history, at)
                    check_intake(self.world, history, at)
                if e["verb"] == Verb.PUBLISH:
                    check_publish(self.world, history, at)
        check_public(items, histories)
        check_public_is_approved(items, histories)
        check_search_index()
        assert verify_chain() == (len(log), None)


def replay(world: World, history: list[dict]) -> tuple[list[tuple[dict, dict]], dict]:
    """Each event of one item with the item's state just before it (holding unit,
    submitter, whether a listed item is being updated), and the state now."""
    state = {"holding": None, "submitter": None, "in_update": False, "withdrawn": False}
    out = []
    for e in history:
        out.append((e, dict(state)))
        verb, changes = e["verb"], e["changes"]
        if verb == Verb.CREATE:
            state.update(holding=changes["holding_unit"], submitter=e["actor_id"])
        elif verb == Verb.EDIT and not state["in_update"] and "holding_unit" in changes:
            state["holding"] = changes["holding_unit"][1]
        elif verb in (Verb.PUBLISH, Verb.DOCUMENT):
            if "holding_unit" in changes:
                state["holding"] = changes["holding_unit"][1]
            state["in_update"] = False
        elif verb == Verb.COMPLETE:
            step = world.steps[e["step_id"]]
            if step.kind in SUBMITTING_KINDS and e["actor_id"] is not None:
                state["submitter"] = e["actor_id"]
        elif verb == Verb.REOPEN:
            state.update(in_update=not state["withdrawn"], withdrawn=False, submitter=e["actor_id"])
        elif verb == Verb.WITHDRAW:
            state.update(in_update=False, withdrawn=True)
    return out, state


def check_status(world: World, item: InformationItem, verbs: list[str]) -> None:
    """Status, step and update flag agree with each other and with the log."""
    if item.current_step_id is not None:
        assert world.steps[item.current_step_id].sop_id == item.sop_id
    if item.status == Status.IN_PROGRESS or item.in_update:
        assert item.current_step_id is not None
    if item.status == Status.WITHDRAWN:
        assert item.current_step_id is None and not item.in_update
    if item.in_update:
        assert item.status in LISTED_STATUSES
    else:
        assert item.pending_changes == {}
    if item.status == Status.PUBLISHED:
        assert Verb.PUBLISH in verbs, "published without a PUBLISH event"
        last_publish = max(i for i, v in enumerate(verbs) if v == Verb.PUBLISH)
        assert Verb.WITHDRAW not in verbs[last_publish:], "published after its withdrawal"


def check_public(items: dict, histories: dict) -> None:
    """Public files: published, of a listed, non-exempt item, uploaded before a publish.
    Public items: listed, non-exempt, documented or published since any withdrawal."""
    versions = public_versions().values_list("document__item", "sha256", "published_at")
    for item_id, sha256, published_at in versions:
        item, history = items[item_id], histories[item_id]
        assert item.category != Category.EXEMPT and item.status in LISTED_STATUSES
        assert published_at is not None
        uploaded = [
            i for i, e in enumerate(history)
            if e["verb"] == Verb.UPLOAD and e["changes"]["sha256"] == sha256
        ]  # fmt: skip
        assert uploaded, "a public file the log never saw uploaded"
        assert Verb.PUBLISH in [e["verb"] for e in history[uploaded[0] :]], "never published"
    for pk in public_items().values_list("pk", flat=True):
        item = items[pk]
        assert item.category != Category.EXEMPT and item.status in LISTED_STATUSES
        verbs = [e["verb"] for e in histories[pk]]
        last_withdraw = max((i for i, v in enumerate(verbs) if v == Verb.WITHDRAW), default=-1)
        assert {Verb.PUBLISH, Verb.DOCUMENT} & set(verbs[last_withdraw + 1 :])


PASS_STARTS = (Verb.CREATE, Verb.REOPEN, Verb.EXEMPTION_ENDED, Verb.RETENTION_CHANGED)
CONTENT_CHANGES = (Verb.EDIT, Verb.UPLOAD, Verb.DELETE_FILE, Verb.HARDCOPY)


def this_pass(events: list[dict], at: int) -> list[dict]:
    """The events of the pass that event `at` belongs to, up to (not including) it."""
    start = max(i for i in range(at + 1) if events[i]["verb"] in PASS_STARTS)
    return events[start:at]


def last_approval(events: list[dict], at: int) -> dict | None:
    """The last review or approval of the pass before event `at`."""
    approvals = [e for e in this_pass(events, at) if "fingerprint" in (e["changes"] or {})]
    return approvals[-1] if approvals else None


def check_four_eyes(world: World, history: list, at: int) -> None:
    """Nobody completed a separated step of a pass in which they recorded the item,
    performed a step that is not a check, or changed the content."""
    e = history[at][0]
    step = world.steps[e["step_id"]]
    if not step.separation_required or e["actor_id"] is None:
        return
    events = [x for x, _ in history]
    name = world.describe(e)
    assert e["actor_id"] != events[0]["actor_id"], f"{name}: by the item's creator"
    for earlier in this_pass(events, at):
        if earlier["actor_id"] != e["actor_id"]:
            continue
        assert earlier["verb"] not in CONTENT_CHANGES, f"{name}: after changing the content"
        if earlier["verb"] == Verb.COMPLETE:
            done = world.steps[earlier["step_id"]]
            assert done.kind in CHECKING_KINDS or done.separation_required, (
                f"{name}: after performing step {done.number} of the pass"
            )


def check_intake(world: World, history: list, at: int) -> None:
    """A step with an intake was completed only after its intake submitted the item, since
    the item last entered the step, by a member holding the intake position."""
    e = history[at][0]
    step = world.steps[e["step_id"]]
    if not step.intake_position:
        return
    events = [x for x, _ in history[:at]]
    entered = max(
        i for i, x in enumerate(events)
        if x["verb"] in (Verb.COMPLETE, Verb.RETURN) and x["to_step_id"] == step.pk
        or x["verb"] in PASS_STARTS
    )  # fmt: skip
    submitted = [
        x for x in events[entered:] if x["verb"] == Verb.SUBMIT and x["step_id"] == step.pk
    ]
    assert submitted, f"{world.describe(e)} before its {step.intake_position} submitted it"
    by = next(n for n, u in world.users.items() if u.pk == submitted[-1]["actor_id"])
    assert world.positions.get((submitted[-1]["unit_id"], by)) == step.intake_position


def check_public_is_approved(items: dict, histories: dict) -> None:
    """Every column value and every file the public can read was covered by the review
    or approval that preceded the publication that put it out."""
    for pk in public_items().values_list("pk", flat=True):
        events = histories[pk]
        out = max(i for i, e in enumerate(events) if e["verb"] in (Verb.PUBLISH, Verb.DOCUMENT))
        approval = last_approval(events, out)
        assert approval is not None, f"item {pk} listed without an approval in its pass"
        columns = {name: field_value(items[pk], name) for name in fingerprint.COLUMNS}
        assert fingerprint.digest(columns) == approval["changes"]["columns"], (
            f"item {pk}: public columns differ from what event {approval['id']} approved"
        )
    public = public_versions().values_list("document__item", "sha256", "published_at")
    for item_id, sha256, published_at in public:
        events = histories[item_id]
        out = min(
            i for i, e in enumerate(events)
            if e["verb"] == Verb.PUBLISH and e["created_at"] >= published_at
        )  # fmt: skip
        approval = last_approval(events, out)
        assert approval is not None and sha256 in {
            f["sha256"] for f in approval["changes"]["files"]
        }, f"item {item_id}: file {sha256[:12]} online without an approval covering it"


def check_performer(world: World, e: dict, state: dict) -> None:
    """The actor of a COMPLETE or RETURN held the step's role in its performer unit (as
    the item stood then) and, where the step is separated, had not submitted the item."""
    step, name = world.steps[e["step_id"]], world.describe(e)
    if step.performer_role == PerformerRole.SYSTEM:
        assert e["verb"] == Verb.COMPLETE and e["actor_id"] is None, f"{name}: a system step"
        return
    unit = state["holding"] if step.performer_scope == PerformerScope.ITEM_UNIT else world.main.pk
    assert e["unit_id"] == unit, f"{name}: recorded in another unit than {unit}"
    if e["verb"] == Verb.RETURN and step.intake_position:
        # The step's intake (seed 004's Petugas Layanan) receives the item and may send it
        # back for correction instead of submitting it (workflow.return_to_step).
        holder = next((n for n, u in world.users.items() if u.pk == e["actor_id"]), None)
        if world.holds(e["actor_id"], unit, Role.OFFICER) and (
            world.positions.get((unit, holder)) == step.intake_position
        ):
            return
    assert world.holds(e["actor_id"], unit, step.performer_role), f"{name}: not its performer"
    if step.performer_position:
        holder = next(n for n, u in world.users.items() if u.pk == e["actor_id"])
        assert world.positions.get((unit, holder)) == step.performer_position, (
            f"{name}: not the {step.performer_position}"
        )
    if e["verb"] == Verb.COMPLETE and step.separation_required:
        assert e["actor_id"] != state["submitter"], f"{name}: by the item's submitter"


def check_publish(world: World, history: list, at: int) -> None:
    """The PUBLISH event `at` follows its publish step, which the item reached through
    every review and approval of that SOP version in the same pass."""
    events = [e for e, _ in history]
    done = events[at - 1]
    publish_step = world.steps[done["step_id"]]
    assert done["verb"] == Verb.COMPLETE and publish_step.kind == StepKind.PUBLISH
    start = max(i for i in range(at) if events[i]["verb"] in (Verb.CREATE, Verb.REOPEN))
    this_pass = history[start:at]
    steps_in_pass = {world.steps[e["step_id"]].sop_id for e, _ in this_pass if e["step_id"]}
    assert steps_in_pass == {publish_step.sop_id}, "a pass crossed SOP versions"
    required = [
        s for s in world.steps.values()
        if s.sop_id == publish_step.sop_id and s.kind in CHECKING_KINDS
        and s.number < publish_step.number
    ]  # fmt: skip
    for step in required:
        completions = [i for i, (e, _) in enumerate(this_pass) if _completes(e, step)]
        assert completions, f"{world.describe(events[at])} without step {step.number} done"
        last = completions[-1]
        # A return to this step or an earlier one undoes its completion.
        undone = [
            i for i, (e, _) in enumerate(this_pass)
            if e["verb"] == Verb.RETURN and world.steps[e["to_step_id"]].number <= step.number
        ]  # fmt: skip
        assert not undone or undone[-1] < last, (
            f"{world.describe(events[at])} after step {step.number} was returned to"
        )
        check_performer(world, *this_pass[last])


def check_search_index() -> None:
    """Every action announced what it changed: after the refresh that a commit would
    run, the index holds exactly what a rebuild from the register would hold."""
    search_index._flush()  # the example never commits: run what on_commit would
    fields = ("item_id", "title", "summary", "meta", "category", "unit_id", "file_types")
    held = sorted(SearchEntry.objects.values_list(*fields))
    wanted = sorted(
        tuple(getattr(entry, name) for name in fields)
        for entry in search_index._build(public_items())
    )
    assert held == wanted, "the search index missed a change"


def _completes(e: dict, step: SopStep) -> bool:
    return e["verb"] == Verb.COMPLETE and e["step_id"] == step.pk


@pytest.fixture
def hypothesis_home(tmp_path):
    """Hypothesis caches constants it reads in the source: keep them out of the tree."""
    set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    set_hypothesis_home_dir(None)


@pytest.mark.parametrize("focus", list(UNIT_SOPS))
def test_random_actions_by_random_users_keep_the_sop_engine_honest(
    db, files_dir, hypothesis_home, focus
):
    """One run per preset: new items are recorded in the unit that follows it (edits may
    still move them to another unit of the body)."""
    world = build_property_world()
    run_state_machine_as_test(
        lambda: EngineMachine(world, files_dir, focus),
        settings=settings(
            max_examples=int(os.environ.get("LENTERA_HYPOTHESIS_EXAMPLES", 500)),
            stateful_step_count=STEPS_RUN,
            deadline=None,
            database=None,  # nothing written into the working tree
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
