"""CKAN's search parameters read for the public register: `fq` (Solr's filter syntax,
the subset CKAN clients and harvesters send) into a Q on InformationItem, `sort` into
an ordering. Which items are public is not decided here (register.selectors)."""

import datetime
import mimetypes
import re
import uuid
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.register.constants import Category
from lentera.register.selectors import public_versions

PUBLIC_CATEGORIES = [c.value for c in Category if c != Category.EXEMPT]
NOTHING = Q(pk__in=[])


class QueryError(ValueError):
    """A parameter CKAN would refuse; the message says what is wrong (translated)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# fq ----------------------------------------------------------------------------------

TOKEN = re.compile(
    r"""\s*(?:
      (?P<open>\() | (?P<close>\)) | (?P<op>(?:AND|OR|NOT|&&|\|\|)(?=[\s()]|$)) |
      (?P<sign>[-+!])(?=\S) |
      (?P<field>[A-Za-z_.]+):(?P<value>
        "(?:[^"\\]|\\.)*" | [\[{][^\]}]*[\]}] | \((?:[^()"]|"[^"]*")*\) | [^\s()"]+
      ) |
      (?P<star>\*:\*)
    )""",
    re.VERBOSE,
)
RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")


def _tokens(fq: str) -> list[tuple[str, str, str]]:
    tokens, at = [], 0
    fq = fq.strip()
    while at < len(fq):
        match = TOKEN.match(fq, at)
        if match is None or match.end() == at:
            raise QueryError(
                "fq", _("Cannot read the filter at: %(text)s") % {"text": fq[at:][:40]}
            )
        at = match.end()
        kind = match.lastgroup if match.lastgroup != "value" else "field"
        if kind == "field":
            tokens.append(("term", match["field"], match["value"]))
        elif kind == "op":
            tokens.append(("op", {"&&": "AND", "||": "OR"}.get(match["op"], match["op"]), ""))
        elif kind == "sign":
            tokens.append(("op", "NOT" if match["sign"] in "-!" else "AND", ""))
        else:
            tokens.append((kind, "", ""))
        at += len(fq[at:]) - len(fq[at:].lstrip())
    return tokens


MAX_FQ = 2000  # characters: far more than any client's filter
MAX_DEPTH = 20  # nested parentheses and negations
MAX_VALUES = 100  # field values in one filter


class _Parser:
    """or := and (OR and)*; and := unary ((AND)? unary)*; unary := NOT* primary."""

    def __init__(self, tokens):
        self.tokens, self.at, self.depth = tokens, 0, 0

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError("fq", _("The filter is nested too deeply."))

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "", "")

    def take(self):
        token = self.peek()
        self.at += 1
        return token

    def parse(self) -> Q:
        q = self.any_of()
        if self.peek()[0] != "end":
            raise QueryError("fq", _("Unbalanced parentheses."))
        return q

    def any_of(self) -> Q:
        q = self.all_of()
        while self.peek()[:2] == ("op", "OR"):
            self.take()
            q |= self.all_of()
        return q

    def all_of(self) -> Q:
        q = self.unary()
        while self.peek()[0] not in ("end", "close") and self.peek()[:2] != ("op", "OR"):
            if self.peek()[:2] == ("op", "AND"):
                self.take()
            q &= self.unary()
        return q

    def unary(self) -> Q:
        kind, word, _value = self.peek()
        if kind == "op" and word == "NOT":
            self.take()
            self.deeper()
            q = ~self.unary()
            self.depth -= 1
            return q
        while self.peek()[:2] == ("op", "AND"):  # a leading "+": required, as every term is
            self.take()
        if self.peek()[:2] == ("op", "NOT"):
            return self.unary()
        return self.primary()

    def primary(self) -> Q:
        kind, field, value = self.take()
        if kind == "open":
            self.deeper()
            q = self.any_of()
            if self.take()[0] != "close":
                raise QueryError("fq", _("Unbalanced parentheses."))
            self.depth -= 1
            return q
        if kind == "star":
            return Q()
        if kind == "term":
            return term(field, value)
        raise QueryError("fq", _("A filter is expected as field:value."))


def parse_fq(fq: str) -> Q:
    """The Q that CKAN's `fq` selects; an empty fq selects everything."""
    if len(fq) > MAX_FQ:
        raise QueryError("fq", _("The filter is too long."))
    tokens = _tokens(fq)
    values = sum(
        len(_words(value[1:-1])) if value.startswith("(") else 1
        for kind, _field, value in tokens
        if kind == "term"
    )
    if values > MAX_VALUES:
        raise QueryError("fq", _("The filter names too many values."))
    return _Parser(tokens).parse() if tokens else Q()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _instant(value: str, field: str) -> datetime.datetime | None:
    """A range end: "*" (open), NOW, or an ISO 8601 date or time (UTC when bare)."""
    if value == "*":
        return None
    if value.upper() == "NOW":
        return timezone.now()
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError("fq", _("Not a date and time: %(value)s") % {"value": value}) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # an offset that takes the time past year 1 or 9999
        raise QueryError("fq", _("Not a date and time: %(value)s") % {"value": value}) from None


def _range(column: str, value: str, field: str) -> Q:
    match = RANGE.match(value)
    if match is None:
        raise QueryError("fq", _("%(field)s takes a range: [FROM TO UNTIL]") % {"field": field})
    low, high = _instant(match[2], field), _instant(match[3], field)
    q = Q(**{f"{column}__isnull": False})
    if low is not None:
        q &= Q(**{f"{column}__gte" if match[1] == "[" else f"{column}__gt": low})
    if high is not None:
        q &= Q(**{f"{column}__lte" if match[4] == "]" else f"{column}__lt": high})
    return q


def _body(value: str) -> Q:
    q = Q(holding_unit__body__slug=value)
    if value.isascii() and value.isdecimal() and len(value) <= 18:
        q |= Q(holding_unit__body__pk=int(value))
    return q


def _category(value: str) -> Q:
    return Q(category=value) if value in PUBLIC_CATEGORIES else NOTHING


def _tag(value: str) -> Q:
    """Tags are the category and the year (see ckan._tags)."""
    if value.isascii() and value.isdecimal() and len(value) == 4:
        return Q(year=int(value))
    return _category(value)


def content_types(file_format: str) -> set[str]:
    """The media types a CKAN format ("PDF", "XLSX", "pdf") stands for."""
    suffix = "." + file_format.lower().lstrip(".")
    return {kind for ext, kind in mimetypes.types_map.items() if ext == suffix}


def _format(value: str) -> Q:
    kinds = content_types(value)
    if not kinds:
        return NOTHING
    items = public_versions().filter(content_type__in=kinds).values("document__item")
    return Q(pk__in=items)


def _uuid(value: str) -> Q:
    try:
        return Q(uuid=uuid.UUID(value))
    except ValueError:
        return NOTHING


def _year(value: str) -> Q:
    if value.isascii() and value.isdecimal() and len(value) <= 4:
        return Q(year=int(value))
    raise QueryError("fq", _("The year must be a number."))


FIELDS = {
    "organization": _body,
    "owner_org": _body,
    "groups": _category,
    "tags": _tag,
    "res_format": _format,
    "license_id": lambda v: Q(holding_unit__body__licence=v),
    "unit": lambda v: Q(holding_unit__slug=v),
    "year": _year,
    "id": _uuid,
    "name": lambda v: Q(slug=v),
}
RANGES = {"metadata_modified": "listed_at", "metadata_created": "first_listed_at"}


def term(field: str, value: str) -> Q:
    """One field:value term; (a OR b) and quoted values too."""
    if field in RANGES:
        return _range(RANGES[field], value, field)
    if field not in FIELDS:
        known = ", ".join([*FIELDS, *RANGES])
        raise QueryError("fq", _("Unknown filter field %(field)s; known: %(known)s") % {
            "field": field,
            "known": known,
        })  # fmt: skip
    if value.startswith("(") and value.endswith(")"):  # field:(a OR b): any of them
        words = re.findall(r'"(?:[^"\\]|\\.)*"|[^\s"]+', value[1:-1])
        if any(w in ("AND", "NOT", "&&") or w.startswith(("-", "!")) for w in words):
            message = _("Inside field:( … ) only values joined by OR are understood.")
            raise QueryError("fq", message)
        q = NOTHING
        for word in _words(value[1:-1]):
            q |= FIELDS[field](word)
        return q
    return FIELDS[field](_unquote(value))


def _words(text: str) -> list[str]:
    found = re.findall(r'"(?:[^"\\]|\\.)*"|[^\s"]+', text)
    return [_unquote(word) for word in found if word not in ("OR", "||")]


# sort --------------------------------------------------------------------------------

SORT_FIELDS = {
    "id": "uuid",
    "name": "slug",
    "title_string": "title",
    "title": "title",
    "metadata_modified": "listed_at",
    "metadata_created": "first_listed_at",
}


@dataclass
class Sort:
    text: str  # as given, normalised
    order: list  # for order_by(); the item id last, so pages never overlap
    by_score: bool  # led by relevance (meaningful with a text query)


def parse_sort(sort: str) -> Sort:
    """CKAN's sort: "field dir" pairs separated by commas; fields above and score."""
    order, by_score, parts = [], False, []
    for number, clause in enumerate(sort.split(",")):
        words = clause.split()
        if not words:
            continue
        field, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if len(words) > 2 or direction not in ("asc", "desc"):
            raise QueryError("sort", _("Write the sort as: field asc|desc, field asc|desc."))
        parts.append(f"{field} {direction}")
        if field == "score":
            by_score = by_score or number == 0
            continue
        if field not in SORT_FIELDS:
            known = ", ".join(["score", *SORT_FIELDS])
            raise QueryError("sort", _("Cannot sort by %(field)s; known: %(known)s") % {
                "field": field,
                "known": known,
            })  # fmt: skip
        column = F(SORT_FIELDS[field])
        order.append(column.desc(nulls_last=True) if direction == "desc" else column.asc())
    order.append(F("pk").desc() if not order else F("pk").asc())
    return Sort(", ".join(parts), order, by_score)
