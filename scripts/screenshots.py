"""Refresh the README screenshots (docs/screenshots/*.png) from a running demo installation, in Chinese.

    make run                                   # or any server with demo data, e.g. PORT=8102
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 --user admin --password '…'

Headless Debian Chromium through Playwright (SOCORG_CHROMIUM overrides the path), 1366×900 like an office laptop;
a Chinese font must be installed (Debian: fonts-wqy-microhei) or the text shows as boxes."""

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("SOCORG_CHROMIUM", "/usr/bin/chromium")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        page.goto(f"{args.url}/accounts/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")

        def shot(name: str, path: str, *, full_page: bool = False, before=None) -> None:
            page.goto(f"{args.url}{path}")
            page.wait_for_load_state("networkidle")
            if before:
                before()
            page.screenshot(path=OUT / f"{name}.png", full_page=full_page)
            print(f"{name}.png  {path}")

        shot("home", "/")
        shot("coverage", "/coverage/")
        shot("org-search", "/orgs/?q=kj")
        first_org = page.locator("main table tbody a").first.get_attribute("href")
        should_build = "/orgs/?coverage=should_build_missing"
        page.goto(f"{args.url}{should_build}")
        flagged = page.locator("main table tbody a").first.get_attribute("href") or first_org
        shot("org-detail", flagged, full_page=True)

        def type_region():
            page.fill("#id_authority_region", "kunm")
            page.wait_for_selector(".picker-results [data-pick]")

        shot("picker", "/orgs/new/", before=type_region)
        shot("alerts", "/alerts/")
        browser.close()


if __name__ == "__main__":
    main()
