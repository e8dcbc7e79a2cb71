"""WCAG 2.1 AA on every public page, checked by axe-core in Chromium: at desktop width and
on a phone, in Indonesian (the default) and in English chosen with the header's buttons."""

import pytest

from .conftest import (
    DESKTOP,
    PAGE_NAMES,
    PHONE,
    WCAG_21_AA,
    describe,
    open_page,
    run_axe,
    switch_language,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_public_page_meets_wcag_21_aa_in_indonesian_and_in_english(
    public_site, open_context, wcag_violations, name, screen
):
    page = open_context(**SCREENS[screen]).new_page()
    open_page(page, public_site.url(name))
    assert page.locator("html").get_attribute("lang") == "id"  # the default
    found = {"Indonesian": wcag_violations(page)}
    switch_language(page, "en")
    assert page.url == public_site.url(name)  # the switch brings the reader back
    found["English"] = wcag_violations(page)
    assert not any(found.values()), "\n".join(
        f"WCAG 2.1 AA violations on {name} ({screen}, {language}):\n{describe(violations)}"
        for language, violations in found.items()
        if violations
    )


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("message", ["preparing", "too-large"])
def test_the_pdf_message_pages_meet_wcag_21_aa(
    public_site, open_context, wcag_violations, monkeypatch, message, screen
):
    """What a visitor sees instead of a long PDF: being prepared (202), too long (400)."""
    from django.urls import reverse

    from lentera.portal import exports

    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 0)
    if message == "too-large":
        monkeypatch.setattr(exports, "PDF_MAX_ROWS", 0)
    page = open_context(**SCREENS[screen]).new_page()
    response = page.goto(public_site.base + reverse("portal:dip-pdf"))
    assert response.status == (202 if message == "preparing" else 400)
    assert page.locator("html").get_attribute("lang") == "id"
    found = wcag_violations(page)
    assert not found, describe(found)


def test_axe_check_reports_what_it_should_catch(page, axe_source):
    page.set_content(
        '<!doctype html><html lang="id"><head><title>Uji</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="#x"></a>'
        '<p style="color:#bbb">Teks pucat</p></main></body></html>'
    )
    violations = run_axe(page, axe_source, {"type": "tag", "values": WCAG_21_AA})
    assert {"image-alt", "link-name", "color-contrast"} <= {v["id"] for v in violations}
