import pytest


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
