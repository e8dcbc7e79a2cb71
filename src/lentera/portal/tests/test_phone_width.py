"""Every public page on a 390 x 844 phone (Chromium): nothing wider than the screen and
nothing that scrolls sideways, not even a table in its own box; what is too wide is
named with its width."""

import pytest

from .conftest import PAGE_NAMES, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}

# What reaches past the screen (outside a box that scrolls on its own), and every box
# that scrolls sideways itself.
WIDER_THAN_SCREEN = r"""() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => {
    const css = typeof el.className === 'string' ? el.className.trim() : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (css ? '.' + css.split(/\s+/).join('.') : '');
  };
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (['auto', 'scroll', 'hidden'].includes(x) && p.scrollWidth > p.clientWidth) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !inScroller(el))
      found.push(`${name(el)} reaches ${Math.round(box.right)} px`);
    const x = getComputedStyle(el).overflowX;
    if (['auto', 'scroll'].includes(x) && el.scrollWidth > el.clientWidth + 1)
      found.push(`${name(el)} scrolls: ${el.scrollWidth} px in ${el.clientWidth}`);
  }
  return {page: document.documentElement.scrollWidth, width, found: found.slice(0, 12)};
}"""


def sideways(page) -> str:
    """ "" when nothing on the page reaches past the screen, else what does."""
    result = page.evaluate(WIDER_THAN_SCREEN)
    if result["page"] <= result["width"] and not result["found"]:
        return ""
    return f"{page.url}: page {result['page']} px on {result['width']} px; {result['found']}"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_public_page_fits_a_390_px_phone(public_site, open_context, name):
    page = open_context(**PHONE_390).new_page()
    open_page(page, public_site.url(name))
    problem = sideways(page)
    assert not problem, problem


def test_search_facets_fold_on_a_phone_and_not_on_a_desktop(public_site, open_context):
    phone = open_context(**PHONE_390).new_page()
    open_page(phone, public_site.url("search"))
    assert phone.evaluate("document.querySelector('#facets').open") is False
    first = phone.evaluate("document.querySelector('.hit').getBoundingClientRect().top")
    assert first < 844, f"the first result starts {first:.0f} px down"
    phone.click("#facets summary")  # one tap opens them
    assert phone.locator("#facets ul a").first.is_visible()

    desktop = open_context(viewport={"width": 1280, "height": 900}).new_page()
    open_page(desktop, public_site.url("search"))
    assert desktop.evaluate("document.querySelector('#facets').open") is True
