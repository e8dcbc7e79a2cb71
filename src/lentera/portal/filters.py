"""The register filters every public list shares: ?badan=, ?unit=, ?kategori=, ?tahun=."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from lentera.organizations.models import PublicBody, Unit
from lentera.register.constants import Category

PUBLIC_CATEGORIES = [c for c in Category if c != Category.EXEMPT]


@dataclass(frozen=True)
class RegisterFilter:
    body: PublicBody | None = None
    unit: Unit | None = None
    category: str = ""
    year: int | None = None

    @classmethod
    def from_request(cls, request: HttpRequest, *, unit: Unit | None = None) -> "RegisterFilter":
        """Read the filters; an unknown body or unit is a 404, other junk is ignored."""
        body = None
        if slug := request.GET.get("badan"):
            body = PublicBody.objects.filter(slug=slug).first()
            if body is None:
                raise Http404
        if unit is None and (slug := request.GET.get("unit")):
            unit = Unit.objects.select_related("body").filter(slug=slug).first()
            if unit is None:
                raise Http404
        if unit is not None:
            body = unit.body
        category = request.GET.get("kategori", "")
        if category not in Category.values or category == Category.EXEMPT:
            category = ""
        year = request.GET.get("tahun", "")
        year = int(year) if year.isdigit() and 1900 <= int(year) <= 2200 else None
        return cls(body=body, unit=unit, category=category, year=year)

    def apply(self, qs):
        from lentera.register.selectors import filter_register

        return filter_register(
            qs, body=self.body, unit=self.unit, category=self.category, year=self.year
        )

    def params(self, **extra) -> dict:
        """The query parameters that reproduce this filter (for links and exports)."""
        params = {}
        if self.body and not self.unit:
            params["badan"] = self.body.slug
        if self.unit:
            params["unit"] = self.unit.slug
        if self.category:
            params["kategori"] = self.category
        if self.year:
            params["tahun"] = self.year
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return params

    def query(self, **extra) -> str:
        params = self.params(**extra)
        return "?" + urlencode(params) if params else ""
