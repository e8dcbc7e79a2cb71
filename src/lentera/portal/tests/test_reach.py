"""Reach: the public pages work on a phone, without JavaScript, with a keyboard, on paper,
in Indonesian and English, and without asking any other server for anything."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from urllib.request import urlopen

import lxml.html
import pytest
from django.urls import reverse

from lentera.register.constants import Category

from .conftest import DESKTOP, PAGE_NAMES, PHONE, SEARCH_WORD, open_page, run_axe, switch_language


def in_browser(test):
    """The test drives Chromium against the live server, so its data must be committed."""
    return pytest.mark.browser(pytest.mark.django_db(transaction=True)(test))


def expected_text(site, name: str) -> str:
    """What a reader must find in the page `name` of `site`."""
    return {
        "dik": site.exempt.title,
        "sop-list": site.world.body.sop.name,
        "sop": site.world.body.sop.name,
    }.get(name, site.item.title)


# -- On a phone ---------------------------------------------------------------------------

SMALL_TEXT_JS = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    // The flow diagram is a picture that scales as a whole; .sr-only text is never seen.
    if (!text || el.closest('svg, .sr-only') || !el.checkVisibility()) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 12) small.push(`${el.tagName}.${el.className} ${size}px: ${text.slice(0, 40)}`);
  }
  return small;
}"""


@in_browser
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_fits_a_375px_phone_with_readable_text_and_no_sideways_scrolling(
    public_site, open_context, name
):
    page = open_context(**PHONE).new_page()
    open_page(page, public_site.url(name))
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner_width == 375  # the viewport meta is honoured: nothing was zoomed out to fit
    assert scroll_width <= inner_width
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    assert page.evaluate(SMALL_TEXT_JS) == []
    assert page.get_by_text(expected_text(public_site, name)).first.is_visible()


@in_browser
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_touch_targets_are_at_least_24_css_pixels_on_a_phone(
    public_site, open_context, axe_source, name
):
    page = open_context(**PHONE).new_page()
    open_page(page, public_site.url(name))
    # WCAG 2.2's 2.5.8 as axe-core checks it: inline links in text are exempt.
    violations = run_axe(page, axe_source, {"type": "rule", "values": ["target-size"]})
    assert violations == [], [node["target"] for v in violations for node in v["nodes"]]


@in_browser
def test_the_dip_is_a_list_of_cards_on_a_phone(public_site, open_context):
    """Each entry a card as wide as the screen, each value under its column's name;
    nothing to scroll sideways (on a desktop it is the table of Perki 1/2021)."""
    page = open_context(**PHONE).new_page()
    open_page(page, public_site.url("dip"))
    box = page.locator("main .table-scroll").first
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    row = page.locator("table.dip tbody tr:not(.category-row)").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    assert row.evaluate("el => el.getBoundingClientRect().right") <= page.viewport_size["width"]
    unit = row.locator("td[data-label]").nth(1)
    label = unit.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Pejabat atau unit yang menguasai informasi" in label
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# -- Without JavaScript -------------------------------------------------------------------


@pytest.fixture
def no_js_page(open_context):
    return open_context(java_script_enabled=False, **DESKTOP).new_page()


@in_browser
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_reads_without_javascript(public_site, no_js_page, name):
    open_page(no_js_page, public_site.url(name))
    assert no_js_page.locator("main h1").first.is_visible()
    assert (
        no_js_page.locator("main").get_by_text(expected_text(public_site, name)).first.is_visible()
    )


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button:not([type=button]), input[type=submit]").first.click()


@in_browser
def test_dip_filter_form_works_without_javascript(public_site, no_js_page):
    page, title = no_js_page, public_site.item.title
    open_page(page, public_site.url("dip"))
    form = page.locator("main form[method=get]:has(select[name=kategori])")
    form.locator("select[name=kategori]").select_option(Category.ON_DEMAND)
    submit(page, form)
    assert f"kategori={Category.ON_DEMAND}" in page.url
    assert page.get_by_role("link", name=title).count() == 0
    form.locator("select[name=kategori]").select_option(Category.PERIODIC)
    submit(page, form)
    assert f"kategori={Category.PERIODIC}" in page.url
    assert page.get_by_role("link", name=title).is_visible()


@in_browser
def test_search_form_works_without_javascript(public_site, no_js_page):
    page = no_js_page
    open_page(page, public_site.base + reverse("portal:search"))
    field = page.locator("main form:has(input[name=q]) input[name=q]").first
    field.fill(SEARCH_WORD.lower())
    with page.expect_navigation():
        field.press("Enter")
    assert f"q={SEARCH_WORD.lower()}" in page.url
    assert page.get_by_role("link", name=public_site.item.title).is_visible()


@in_browser
def test_language_switch_works_without_javascript(public_site, no_js_page):
    page, url = no_js_page, public_site.url("dip")
    open_page(page, url)
    assert page.locator("main h1").inner_text().startswith("Daftar Informasi Publik")
    switch_language(page, "en")
    assert page.url == url
    assert page.locator("main h1").inner_text().startswith("Public Information List")
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    open_page(page, public_site.url("sop-list"))  # the choice stays for the next page
    assert page.locator("html").get_attribute("lang") == "en"
    switch_language(page, "id")
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "false"


# -- Nothing from elsewhere ---------------------------------------------------------------


@in_browser
def test_no_request_leaves_the_server(public_site, open_context):
    here = urlsplit(public_site.base).netloc
    elsewhere = []

    def only_here(route):
        url = route.request.url
        if urlsplit(url).netloc == here or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(f"{route.request.resource_type} {url} (from {page.url})")
            route.abort()

    for screen in (DESKTOP, PHONE):
        page = open_context(**screen).new_page()
        page.route("**/*", only_here)
        for name in PAGE_NAMES:
            open_page(page, public_site.url(name))
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images
            page.wait_for_load_state("networkidle")
        switch_language(page, "en")
        page.wait_for_load_state("networkidle")
    assert elsewhere == []


ASSET_ATTRIBUTES = {
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
CSS_URL = re.compile(r"""(?:url\(|@import)\s*['"]?\s*((?:https?:)?//[^'")\s]+)""", re.I)


class AssetParser(HTMLParser):
    """The addresses a page makes the browser fetch: assets, and url() in inline styles."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ASSET_ATTRIBUTES.get(tag, ()):
            for part in (attrs.get(name) or "").split(","):
                if part.strip():
                    self.urls.append(part.split()[0])
        self.urls += CSS_URL.findall(attrs.get("style") or "")
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.urls += CSS_URL.findall(data)


def foreign(urls: list[str], host: str) -> list[str]:
    """The absolute or protocol-relative URLs in `urls` whose host is not `host`."""
    return [url for url in urls if urlsplit(url.strip()).netloc not in ("", host)]


@in_browser
def test_pages_and_stylesheets_point_at_no_other_host(public_site):
    here = urlsplit(public_site.base).netloc
    found = {}
    for name in PAGE_NAMES:
        with urlopen(public_site.url(name)) as response:
            parser = AssetParser()
            parser.feed(response.read().decode())
        # Pages may state their own address (canonical, og:url): that is this server.
        found[name] = foreign(parser.urls, here)
    for sheet in ("lentera/lentera.css", "lentera/sop.css"):
        with urlopen(f"{public_site.base}/static/{sheet}") as response:
            found[sheet] = CSS_URL.findall(response.read().decode())
    assert all(urls == [] for urls in found.values()), found


# -- Keyboard, motion, paper --------------------------------------------------------------

FOCUS_JS = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const text = (el.textContent || '').trim().slice(0, 30);
  return {element: `${el.tagName}#${el.id}.${el.className} ${text}`,
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


@in_browser
def test_skip_link_comes_first_and_keyboard_focus_is_always_visible(public_site, page):
    open_page(page, public_site.url("dip"))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    seen = set()
    for _ in range(60):
        focus = page.evaluate(FOCUS_JS)
        if focus["element"].startswith("BODY"):
            break  # past the last link: focus has left the page
        assert focus["outline"] != "none" and focus["width"] >= 2, focus
        seen.add(focus["element"])
        page.keyboard.press("Tab")
    assert len(seen) > 15  # the header, the filter form, the export links and the table
    open_page(page, public_site.url("dip"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@in_browser
@pytest.mark.parametrize(
    ("preference", "scrolling"), [("reduce", "auto"), ("no-preference", "smooth")]
)
def test_motion_follows_the_readers_preference(public_site, open_context, preference, scrolling):
    page = open_context(reduced_motion=preference, **DESKTOP).new_page()
    open_page(page, public_site.url("dip"))
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == scrolling
    duration = page.locator("main .btn").first.evaluate(
        "el => parseFloat(getComputedStyle(el).transitionDuration)"
    )
    assert (duration < 0.001) == (preference == "reduce")


@in_browser
def test_printout_leaves_out_navigation_and_forms(public_site, page):
    open_page(page, public_site.url("dip"))
    page.emulate_media(media="print")
    for hidden in ("header.site", "footer.site", "a.skip", "main form.filters"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator("main h1").is_visible()
    assert page.get_by_role("link", name=public_site.item.title).is_visible()


# -- The shared page frame (base.html) -----------------------------------------------------


def parse(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


@pytest.mark.django_db
def test_frame_is_indonesian_by_default_with_landmarks_and_the_public_menu(client):
    html = parse(client.get(reverse("portal:home")))
    assert html.get("lang") == "id"
    for landmark in ("header", "main", "footer"):
        assert len(html.xpath(f"/html/body/{landmark}")) == 1, landmark
    assert html.xpath("/html/body/header/@aria-label") and html.xpath(
        "/html/body/footer/@aria-label"
    )
    assert html.xpath("/html/body/header//nav/@aria-label")
    assert html.xpath("/html/body/main/@id") == ["main"]
    assert html.xpath("//a[@class='skip']/@href") == ["#main"]
    menu = html.xpath("//header//nav[@aria-label]//a/@href")
    for name in ("portal:dip", "portal:dik", "portal:editions", "portal:sop-list", "portal:search"):
        assert reverse(name) in menu, name
    assert html.xpath("//a[@class='brand']/@aria-current") == ["page"]
    description = html.xpath("//head/meta[@name='description']/@content")
    assert description and len(description[0]) > 40
    feed = html.xpath("//head/link[@rel='alternate' and @type='application/atom+xml']")
    assert feed and feed[0].get("href") == reverse("portal:feed") and feed[0].get("title")


@pytest.mark.django_db
def test_language_buttons_name_each_language_and_mark_the_current_one(client):
    html = parse(client.get(reverse("portal:sop-list"), headers={"accept-language": "en"}))
    form = html.xpath("//header//form[@action=$a]", a=reverse("set_language"))[0]
    assert form.get("method") == "post" and form.get("aria-label")
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert form.xpath(".//input[@name='next']/@value") == [reverse("portal:sop-list")]
    buttons = {b.get("value"): b for b in form.xpath(".//button[@name='language']")}
    assert buttons["id"].text_content().strip() == "Bahasa Indonesia"
    assert buttons["en"].text_content().strip() == "English"
    assert (buttons["id"].get("lang"), buttons["en"].get("lang")) == ("id", "en")
    assert (buttons["id"].get("aria-pressed"), buttons["en"].get("aria-pressed")) == (
        "false",
        "true",
    )
    menu = html.xpath("//header//nav//a[@aria-current='page']/@href")
    assert menu == [reverse("portal:sop-list")]


@pytest.mark.django_db
def test_officers_keep_their_office_menu(client, world):
    client.force_login(world.officer)
    menu = parse(client.get(reverse("portal:home"))).xpath("//header//nav//a/@href")
    for name in ("my-work", "dashboard", "retention", "hardcopies-out", "notifications"):
        assert reverse(f"office:{name}") in menu, name
    assert reverse("portal:dip") in menu
