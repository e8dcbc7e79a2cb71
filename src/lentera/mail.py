"""One mail from two templates: NAME_subject.txt and NAME.txt, rendered in the active
language and sent through the configured mail server."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send(name: str, context: dict, to: str) -> bool:
    """Mail `to` the templates `name`; False (and logged) when the server refused or
    could not be reached: the caller's change stands."""
    subject = render_to_string(f"{name}_subject.txt", context).strip()
    body = render_to_string(f"{name}.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except (OSError, smtplib.SMTPException):
        logger.warning("The mail %s to %s could not be sent.", name, to, exc_info=True)
        return False
    return True
