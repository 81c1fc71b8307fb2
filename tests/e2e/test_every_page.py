"""Every page reachable from each role's menu, on the demo authority (about 3,000 children), in a real
browser: axe-core finds no accessibility violation (WCAG 2.2 A and AA rules), and no page is longer than
the page-length budget at 1280 pixels wide (issue 11), nor wider than a 320-pixel phone screen for the
pages practitioners use on visits.

"Reachable" is each page of the role's menu, and one page of every kind linked from those pages (a child's
record, a team page, a drill-down list...), each kind checked once: the links of the same kind differ
only by their data. Downloads, sign-out and links that leave the service are not pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

from casework.core import clock
from demo.service import DEMO_PASSWORD, generate_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_LENGTH_BUDGET = 5_000  # pixels at 1280 wide (issue 11)
PHONE_WIDTH = 320
# The roles whose pages are used on visits, with a phone (issue 11: every practitioner page at 320 px).
PRACTITIONER_LOGINS = ("sw.demo", "pa.demo")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
SKIP = re.compile(r"(\.csv|\.xlsx|\.xml|\.zip)$|/sign-out|format=(csv|xlsx)|/download")


def sign_in(page: Any, username: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def route_of(href: str) -> str | None:
    """The URL pattern's name of an in-service page link, or None for what is not a page to check."""
    parts = urlsplit(href)
    if parts.netloc and parts.netloc not in {"127.0.0.1", "localhost"} and ":" not in parts.netloc:
        return None
    if SKIP.search(href) or parts.path.startswith(("/static/", "/admin/")):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name


def links(page: Any, selector: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h and not h.startswith(("#", "mailto:", "tel:"))]


def check(page: Any, path: str, axe: Axe, problems: list[str], who: str, phone: bool) -> None:
    response = page.goto(path)
    if response is None or response.status >= 400:
        problems.append(f"{who} {path}: answered {response.status if response else 'nothing'}")
        return
    results = axe.run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"][:3]]
        problems.append(f"{who} {path}: axe {violation['id']} ({violation['impact']}) at {targets}")
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > PAGE_LENGTH_BUDGET:
        problems.append(f"{who} {path}: {height} px long (budget {PAGE_LENGTH_BUDGET})")
    if phone:
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            problems.append(f"{who} {path}: {width} px wide on a {PHONE_WIDTH} px phone")
        page.set_viewport_size({"width": 1280, "height": 900})


def test_every_page_in_each_roles_menu_is_accessible_and_within_the_page_length_budget(
    new_page: Callable[[], Any], live_server: Any
) -> None:
    summary = generate_demo(today=clock.today())
    axe = Axe()
    problems: list[str] = []
    checked_kinds: set[str] = set()
    visited = 0
    for login, username in summary.logins.items():
        page = new_page()
        sign_in(page, username)
        assert "/sign-in" not in page.url, f"{username} could not sign in"
        menu = list(dict.fromkeys(links(page, ".govuk-service-navigation__link")))
        assert menu, f"{username} has no menu"
        phone = login in PRACTITIONER_LOGINS
        deeper: dict[str, str] = {}
        for path in menu:
            check(page, path, axe, problems, username, phone)
            visited += 1
            checked_kinds.add(route_of(path) or path)
            for href in links(page, "main a[href]"):
                kind = route_of(href)
                if kind and kind not in checked_kinds and kind not in deeper:
                    deeper[kind] = href
        for kind, href in deeper.items():
            checked_kinds.add(kind)
            check(page, href, axe, problems, username, phone)
            visited += 1
        page.context.close()
    assert visited >= 30, f"only {visited} pages were reached: the walk is not finding the menus"
    assert problems == [], "\n".join(problems)
