"""Reading information items, with who-may-see-what inside the query."""

import datetime
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from lentera.accounts.constants import Verb as AccountVerb
from lentera.audit.models import ActivityEvent
from lentera.documents.models import Document, DocumentVersion, HardCopy
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.selectors import memberships_of, office_items_q
from lentera.sop import policy
from lentera.sop.constants import PerformerScope, Verb
from lentera.sop.models import Sop, SopStep

from .constants import (
    EDITABLE_FIELDS,
    EXEMPTION_GROUND,
    EXEMPTION_STATUTE,
    LISTED_STATUSES,
    Category,
)
from .models import InformationItem, PublicState


def public_q(prefix: str = "") -> Q:
    """Items whose metadata the public DIP lists: documented or published, never exempt.
    `prefix` reaches the item from another model ("document__item__")."""
    return Q(**{f"{prefix}status__in": LISTED_STATUSES}) & ~Q(
        **{f"{prefix}category": Category.EXEMPT}
    )


def _with_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("holding_unit__body", "current_step", "sop")


def public_items() -> QuerySet[InformationItem]:
    return _with_relations(InformationItem.objects.filter(public_q())).order_by(
        "holding_unit__body__name", "-year", "title"
    )


def visible_items(user) -> QuerySet[InformationItem]:
    """What `user` may read: the public DIP plus, for members, their office's items."""
    if not getattr(user, "is_authenticated", False):
        return public_items()
    return _with_relations(InformationItem.objects.filter(public_q() | office_items_q(user)))


def office_items(user) -> QuerySet[InformationItem]:
    return _with_relations(InformationItem.objects.filter(office_items_q(user)))


def work_queue(user) -> QuerySet[InformationItem]:
    """Items waiting at a step this user may perform."""
    return _with_relations(
        InformationItem.objects.filter(current_step__isnull=False).filter(performer_units_q(user))
    ).order_by("step_entered_at", "pk")  # a whole order: pages neither repeat nor skip


def exempt_items() -> QuerySet[InformationItem]:
    """Items the DIK lists: documented exempt items (metadata only, never content)."""
    return _with_relations(
        InformationItem.objects.filter(status__in=LISTED_STATUSES, category=Category.EXEMPT)
    ).order_by("holding_unit__body__name", "-year", "title")


def filter_register(qs: QuerySet, *, body=None, unit=None, category=None, year=None) -> QuerySet:
    """Narrow a DIP or DIK queryset to a body, a unit, a category and a year."""
    if body is not None:
        qs = qs.filter(holding_unit__body=body)
    if unit is not None:
        qs = qs.filter(holding_unit=unit)
    if category:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(year=year)
    return qs


def performer_units_q(user) -> Q:
    """Items whose current step this user may perform, by role and unit."""
    q = Q(pk__in=[])
    for m in memberships_of(user):
        if m.role == Role.ADMIN:
            continue
        if m.role == Role.OFFICER and m.position:
            # Items waiting for this officer to submit them (seed 004's Petugas Layanan).
            waiting_q = Q(current_step__intake_position=m.position, step_submitted_at__isnull=True)
            q |= waiting_q & Q(
                current_step__performer_scope=PerformerScope.ITEM_UNIT, holding_unit_id=m.unit_id
            )
            if m.unit.ppid_role == PpidRole.MAIN:
                q |= waiting_q & Q(
                    current_step__performer_scope=PerformerScope.MAIN_UNIT,
                    holding_unit__body_id=m.unit.body_id,
                )
        role_q = Q(current_step__performer_role=m.role) & (
            Q(current_step__performer_position="") | Q(current_step__performer_position=m.position)
        )
        q |= role_q & Q(
            current_step__performer_scope=PerformerScope.ITEM_UNIT, holding_unit_id=m.unit_id
        )
        if m.unit.ppid_role == PpidRole.MAIN:
            q |= role_q & Q(
                current_step__performer_scope=PerformerScope.MAIN_UNIT,
                holding_unit__body_id=m.unit.body_id,
            )
    return q


def waiting_counts(sop: Sop, steps: Iterable[SopStep], user) -> dict[int, int] | None:
    """How many items the user may see in the office wait at each step, by step id;
    None for anyone who is not an officer (the public sees no counts)."""
    if not (getattr(user, "is_superuser", False) or memberships_of(user)):
        return None
    rows = (
        InformationItem.objects.filter(office_items_q(user), sop=sop)
        .filter(current_step__in=[step.pk for step in steps])
        .order_by()
        .values("current_step")
        .annotate(n=Count("pk"))
        .values_list("current_step", "n")
    )
    return dict(rows)


def public_versions(item=None) -> QuerySet[DocumentVersion]:
    """Versions the public may download: published and not taken offline, of a listed,
    non-exempt item. A document deleted during an update stays online until the
    update is published (or the item withdrawn)."""
    # A join on the item, not a subquery of every public item's id (23 ms at 100,000).
    qs = DocumentVersion.objects.filter(
        public_q("document__item__"), published_at__isnull=False, withdrawn_at__isnull=True
    )
    if item is not None:
        qs = qs.filter(document__item=item)
    return qs.select_related("document").defer("text").order_by("document_id", "-number")


def latest_public_versions(item) -> list[DocumentVersion]:
    """The newest published version of each document of `item`."""
    return latest_public_versions_of([item.pk]).get(item.pk, [])


def latest_public_versions_of(item_ids) -> dict[int, list]:
    """item id -> the newest published version of each of its documents, in one query."""
    versions = public_versions().filter(document__item_id__in=list(item_ids))
    return _newest_per_document((v.document_id, v.document.item_id, v) for v in versions)


def latest_public_texts_of(item_ids) -> dict[int, list[tuple[str, str, str]]]:
    """item id -> (document title, file name, extracted text) of the newest published
    version of each of its documents: what the search index holds of them, read as
    plain values (model objects for 60,000 versions cost a tenth of a rebuild)."""
    versions = public_versions().filter(document__item_id__in=list(item_ids))
    rows = versions.values_list(
        "document_id", "document__item_id", "document__title", "original_name", "text"
    )
    return _newest_per_document((row[0], row[1], row[2:]) for row in rows)


def _newest_per_document(rows) -> dict[int, list]:
    """item id -> the first value of each document among (document id, item id, value)
    rows that come newest first per document (public_versions' order)."""
    latest: dict[int, list] = {}
    seen: set[int] = set()
    for document_id, item_id, value in rows:
        if document_id not in seen:
            seen.add(document_id)
            latest.setdefault(item_id, []).append(value)
    return latest


def public_counts(by: str, items: QuerySet | None = None) -> dict:
    """How many public items (of `items`, a subset of them) there are per value of `by`,
    a field path such as "holding_unit__body" or "category": the one count of the
    register that the portal and the CKAN API both show."""
    rows = (public_items() if items is None else items).order_by().values_list(by)
    return dict(rows.annotate(n=Count("pk")))


# One item as one reader may read it ------------------------------------------------


@dataclass
class PublicationRecord:
    """The public history of an item: when it was listed or published, and its SOP steps."""

    listings: list[ActivityEvent]  # publish and document events, oldest first
    steps: list[ActivityEvent]  # completed SOP steps, oldest first, with `step` loaded

    @property
    def first_listed(self) -> datetime.datetime | None:
        return self.listings[0].created_at if self.listings else None


def publication_record(item: InformationItem) -> PublicationRecord:
    """Read the item's listings and completed steps from the activity log, in one query.

    Only the verb, step and time are loaded: the public never sees actors or notes."""
    events = (
        ActivityEvent.objects.filter(
            item=item, verb__in=(Verb.COMPLETE, Verb.PUBLISH, Verb.DOCUMENT)
        )
        .select_related("step")
        .only(
            "verb",
            "created_at",
            "item",
            "step",
            "step__number",
            "step__activity",
            "step__performer_label",
            "step__sop",
        )
        .order_by("created_at", "id")
    )
    listings, steps = [], []
    for event in events:
        if event.verb == Verb.COMPLETE:
            if event.step_id is not None:
                steps.append(event)
        else:
            listings.append(event)
    return PublicationRecord(listings=listings, steps=steps)


@dataclass
class ItemReading:
    """An item with what one reader may read of it: the one read model behind the
    public item page, the CKAN package, the JSON API's item and the office's page.

    Public variant: `files` holds the newest public version of each document;
    `history` (every public version, oldest first) and `record` (the public history)
    are read when first asked for.
    Office variant (a member who sees the item in the office): `files` holds every
    version of each live document, oldest first per document; `documents` and
    `deleted_documents` the documents with their versions; `hardcopies` and `frozen`
    the item's hard copies and whether its approved content is frozen."""

    item: InformationItem
    files: list[DocumentVersion]
    in_office: bool = False
    documents: list[Document] = field(default_factory=list)
    deleted_documents: list[Document] = field(default_factory=list)
    hardcopies: list[HardCopy] = field(default_factory=list)
    frozen: bool = False

    @functools.cached_property
    def history(self) -> list[DocumentVersion]:
        if self.in_office:
            return []
        return list(public_versions(self.item).order_by("published_at", "number", "id"))

    @functools.cached_property
    def record(self) -> PublicationRecord | None:
        return None if self.in_office else publication_record(self.item)


def public_reading(item_id: int) -> ItemReading:
    """The public variant; InformationItem.DoesNotExist unless the item is public."""
    item = (
        InformationItem.objects.filter(public_q())
        .select_related("holding_unit__body", "sop", "retention_rule")
        .defer("pending_changes")
        .get(pk=item_id)
    )
    versions = list(public_versions(item))  # newest first per document
    latest = {}
    for version in versions:
        latest.setdefault(version.document_id, version)
    reading = ItemReading(item=item, files=list(latest.values()))
    reading.history = sorted(versions, key=lambda v: (v.published_at, v.number, v.pk))
    return reading


def office_reading(user, item: InformationItem) -> ItemReading:
    """The office variant of an item that `user` sees in the office."""
    versions = Prefetch("versions", DocumentVersion.objects.defer("text").order_by("number"))
    documents = item.documents.order_by("pk").prefetch_related(versions)
    live = list(documents.filter(deleted_at__isnull=True))
    return ItemReading(
        item=item,
        files=[version for document in live for version in document.versions.all()],
        in_office=True,
        documents=live,
        deleted_documents=list(
            documents.filter(deleted_at__isnull=False).select_related("deleted_by", "disposed_by")
        ),
        hardcopies=list(item.hardcopies.select_related("recorded_by")),
        frozen=policy.is_frozen(item),
    )


def reading_for(user, item_id: int) -> ItemReading:
    """What `user` may read of the item: the office variant for a member who sees it
    in the office, else the public one; InformationItem.DoesNotExist if neither."""
    if getattr(user, "is_authenticated", False):
        item = office_items(user).filter(pk=item_id).first()
        if item is not None:
            return office_reading(user, item)
    return public_reading(item_id)


def register_state() -> str:
    """A fingerprint of everything the public register shows. Every change to an
    item, its files or its listing is a recorded action (so are a revised SOP and a
    new DIP edition), so the newest activity event stands for all of them; what no
    action announces (units and bodies edited in the admin, thumbnails made by the
    worker) bumps PublicState. Both grow in commit order. Account actions (lockouts,
    passwords, tokens) are left out. Caches of public answers are
    keyed on it: a publication, withdrawal or edit shows at once. One small query:
    every kept page pays it."""
    quote = connection.ops.quote_name
    events, state = (quote(model._meta.db_table) for model in (ActivityEvent, PublicState))
    unseen = ", ".join(["%s"] * len(ACCOUNT_VERBS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {events} WHERE verb NOT IN ({unseen})),"
            f" (SELECT MAX(number) FROM {state})",
            ACCOUNT_VERBS,
        )
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:32]


# Logins locked out, passwords, sessions and tokens change nothing the public sees:
# they leave the register's state alone (failed logins cannot empty its caches).
ACCOUNT_VERBS = tuple(AccountVerb.values)


def last_change() -> datetime.datetime | None:
    """When the register last changed: the newest recorded action (but an account's)."""
    return (
        ActivityEvent.objects.exclude(verb__in=ACCOUNT_VERBS)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )


def sheet_classification(item: InformationItem) -> dict:
    """What an exempt entry's DIP sheet said of its classification, while no decision is
    recorded: the Pasal 17 ground and the cell naming it, as form values ({} if none)."""
    if item.category != Category.EXEMPT or item.classifications.exists():
        return {}
    created = (
        item.events.filter(verb=Verb.CREATE, changes__has_key=EXEMPTION_GROUND)
        .values_list("changes", flat=True)
        .first()
    )
    if not created:
        return {}
    return {"ground": created[EXEMPTION_GROUND], "statute": created.get(EXEMPTION_STATUTE, "")}


# What a new entry of a unit starts from: the columns its officers write the same way
# each time, as they wrote them last.
_REPEATED_COLUMNS = ("responsible_official", "made_place", "legal_basis")


def entry_defaults(unit, today: datetime.date) -> dict:
    """Form values for a new entry of `unit`: this year, and the responsible official,
    place and legal basis of its newest entry that is not exempt, with the category,
    retention period and update interval of that entry too."""
    values = {"holding_unit": unit.pk, "year": today.year}
    newest = (
        # Never from an exempt entry: a routine entry would start out withheld.
        InformationItem.objects.filter(holding_unit=unit)
        .exclude(category=Category.EXEMPT)
        .order_by("-created_at", "-pk")
        .only(*_REPEATED_COLUMNS, "category", "retention_period", "update_interval_months")
        .first()
    )
    if newest is not None:
        values |= {name: getattr(newest, name) for name in _REPEATED_COLUMNS}
        values |= {
            "category": newest.category,
            "retention_period": newest.retention_period,
            "update_interval_months": newest.update_interval_months,
        }
    return {name: value for name, value in values.items() if value not in ("", None)}


def retention_by_category(unit) -> dict[str, str]:
    """The retention period (Jangka waktu penyimpanan) the unit wrote on its newest entry
    of each category that is not exempt: the form offers it when the officer chooses
    that category (a berkala report is kept longer than an announcement, say)."""
    found = {}
    for category in Category.values:
        if category == Category.EXEMPT:
            continue
        text = (
            InformationItem.objects.filter(holding_unit=unit, category=category)
            .exclude(retention_period="")
            .order_by("-created_at", "-pk")
            .values_list("retention_period", flat=True)
            .first()
        )
        if text:
            found[category] = text
    return found


def copied_entry(item: InformationItem, today: datetime.date) -> dict:
    """Form values for the next entry of a recurring one (a berkala report, each year):
    its columns, with its year moved to this one in the title and summary too; the
    date made is left for the officer."""
    values = {name: getattr(item, name) for name in EDITABLE_FIELDS if name != "made_on"}
    values["holding_unit"] = item.holding_unit_id
    if item.year and item.year != today.year:
        old, new = str(item.year), str(today.year)
        values["year"] = today.year
        values["title"] = item.title.replace(old, new)
        values["summary"] = item.summary.replace(old, new)
    return {name: value for name, value in values.items() if value not in ("", None)}
