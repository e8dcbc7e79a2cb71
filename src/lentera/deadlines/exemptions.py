"""Exemption expiry: an exempt item whose exemption period has ended goes back to review
(UU 14/2008 Pasal 17 to 20; the PPID decides again whether it stays exempt)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lentera.organizations.models import PublicBody
from lentera.register import workflow as engine
from lentera.register.constants import LISTED_STATUSES, Category
from lentera.register.models import ClassificationDecision, InformationItem
from lentera.sop import policy
from lentera.sop.constants import Verb


def _latest_decision(item_ref) -> QuerySet:
    return ClassificationDecision.objects.filter(item=item_ref).order_by("-decided_on", "-id")


def expired_exemptions(body: PublicBody, today: datetime.date) -> QuerySet[InformationItem]:
    """Listed exempt items of `body`, not in an SOP pass, whose latest exemption ended
    before `today`."""
    latest_end = Subquery(_latest_decision(OuterRef("pk")).values("exempt_until")[:1])
    return (
        InformationItem.objects.filter(
            holding_unit__body=body,
            category=Category.EXEMPT,
            status__in=LISTED_STATUSES,
            current_step__isnull=True,
        )
        .annotate(exempt_until=latest_end)
        .filter(exempt_until__lt=today)
        .order_by("pk")
    )


def return_to_review(item, today: datetime.date | None = None):
    """The application sends an exempt item whose exemption has ended back into its
    unit's SOP, as reopen() does for a person; returns the ended decision, or None
    when the item no longer qualifies (a concurrent run got there first)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        item = policy.lock_item(item, None)
        decision = _latest_decision(item).first()
        if (
            item.category != Category.EXEMPT
            or item.status not in LISTED_STATUSES
            or item.current_step_id is not None
            or decision is None
            or decision.exempt_until >= today
        ):
            return None
        with translation.override(settings.LANGUAGE_CODE):
            note = _(
                "The exemption under %(decision)s (decided on %(decided)s) ended on %(until)s; "
                "the information returns to review."
            ) % {
                "decision": decision.decree_number or _("the classification decision"),
                "decided": decision.decided_on.isoformat(),
                "until": decision.exempt_until.isoformat(),
            }
        engine.send_through_again(item, None, Verb.EXEMPTION_ENDED, note)
        return decision
