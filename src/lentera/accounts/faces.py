"""Changing a body's face, by its administrators: how the public reaches its PPID
(office.views_body); each change enters the activity log."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from lentera.audit import services as audit
from lentera.errors import NotAllowed
from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import administered_bodies

from .constants import Verb

FACE_FIELDS = (
    "address",
    "website",
    "ppid_email",
    "ppid_phone",
    "ppid_whatsapp",
    "service_hours",
    "service_notice",
    "social_links",
    "licence",
)
LOGO_BYTES = 1024 * 1024
LOGO_PIXELS = 2000
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def read_logo(upload) -> tuple[bytes, str]:
    """A logo's bytes and extension: a PNG or JPEG of at most 1 MB and 2,000 pixels a
    side, read by Pillow (never SVG: it may carry scripts); else ValidationError."""
    data = upload.read(LOGO_BYTES + 1)
    if len(data) > LOGO_BYTES:
        raise ValidationError(_("The logo is larger than 1 MB."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind, size = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The logo must be a PNG or JPEG image.")) from exc
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG or JPEG image."))
    if max(size) > LOGO_PIXELS:
        raise ValidationError(_("The logo may be at most 2,000 pixels wide and high."))
    return data, LOGO_FORMATS[kind]


def keep_face(body: PublicBody, actor, *, logo=None, drop_logo=False, **fields) -> PublicBody:
    """An administrator of `body` changes its contact details, service hours, notice,
    social links and logo; the change enters the activity log."""
    unknown = set(fields) - set(FACE_FIELDS)
    if unknown:
        raise TypeError(f"not a face field: {sorted(unknown)}")
    if body.pk not in administered_bodies(actor):
        raise NotAllowed(_("Only the administrators of %(body)s change its face.") % {"body": body})
    logo_data = read_logo(logo) if logo is not None else None
    stored = []
    try:
        return _keep(body, actor, logo_data, drop_logo, fields, stored)
    except BaseException:
        for name in stored:  # no file without its record
            default_storage.delete(name)
        raise


def _keep(body, actor, logo_data, drop_logo, fields, stored) -> PublicBody:
    with transaction.atomic():
        body = PublicBody.objects.select_for_update().get(pk=body.pk)
        before = {name: getattr(body, name) for name in FACE_FIELDS}
        for name, value in fields.items():
            setattr(body, name, value)
        body.full_clean(exclude=["logo", "sop"])
        old_logo = body.logo.name
        if logo_data is not None:
            data, extension = logo_data
            body.logo.save(f"{body.slug}.{extension}", ContentFile(data), save=False)
            stored.append(body.logo.name)
        elif drop_logo:
            body.logo = ""
        body.save()
        changes = {
            name: [before[name], getattr(body, name)]
            for name in FACE_FIELDS
            if before[name] != getattr(body, name)
        }
        if body.logo.name != old_logo:
            changes["logo"] = [old_logo, body.logo.name]
        audit.record(Verb.FACE_CHANGED, actor=actor, unit=body.main_unit, changes=changes)
        if old_logo and old_logo != body.logo.name:
            transaction.on_commit(lambda: default_storage.delete(old_logo))
    return body
