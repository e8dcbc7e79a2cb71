"""Screenshots of the main pages for docs/screenshots/, at a 1366 px desktop and a 390 px
phone, from a running demo (`lentera demo` in another terminal):

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000]

It signs in as a demo officer for the office's pages and as a body administrator for
the administration's; Chromium is Debian's `chromium`
(scripts/test installs it) or LENTERA_CHROMIUM. Each picture is the first
screen and a half of its page (JPEG), enough to show its layout."""

import argparse
import os
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "lentera-demo"
OFFICER = "petugas.ppid.kalbar"
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
}
PUBLIC = {
    "beranda": "/",
    "dip": "/dip/",
    "dik": "/dik/",
    "sop": "/sop/",
    "cari": "/cari/?q=laporan",
}
OFFICE = {
    "kantor": "/kantor/",
    "dasbor": "/kantor/dasbor/",
    "informasi-baru": "/kantor/informasi/baru/",
}
ADMIN = "admin.ppid.kalbar"
ADMINISTRATION = {
    "badan-profil": "/kantor/badan/prov-kalbar/",
    "badan-anggota": "/kantor/badan/prov-kalbar/anggota/",
    "badan-kalender": "/kantor/kalender/?badan=prov-kalbar",
}


def shoot(page, url: str, path: Path) -> None:
    page.goto(url)
    height = page.viewport_size["height"]
    page.screenshot(
        path=str(path),
        type="jpeg",
        quality=70,
        clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height * 1.5},
        full_page=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = os.environ.get("LENTERA_CHROMIUM") or shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=chromium)
        for size, options in SIZES.items():
            context = browser.new_context(locale="id-ID", **options)
            page = context.new_page()
            pages = dict(PUBLIC)
            page.goto(args.base + "/dip/")
            first = page.locator("table.dip tbody a").first.get_attribute("href")
            pages["informasi"] = first
            pages["sop-1"] = _first_sop(page, args.base)
            for name, path in pages.items():
                shoot(page, args.base + path, out / f"{name}-{size}.jpg")
            for who, office in ((OFFICER, OFFICE), (ADMIN, ADMINISTRATION)):
                page.context.clear_cookies()
                page.goto(args.base + "/kantor/masuk/")
                page.fill("#id_username", who)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url("**/kantor/**")
                for name, path in office.items():
                    shoot(page, args.base + path, out / f"{name}-{size}.jpg")
            context.close()
        browser.close()
    print(f"Screenshots written to {out}/")


def _first_sop(page, base: str) -> str:
    page.goto(base + "/sop/")
    return page.locator("table.sop-list a").first.get_attribute("href")


if __name__ == "__main__":
    main()
