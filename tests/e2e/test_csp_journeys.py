"""The pages still work under the strict Content-Security-Policy (no inline script or style), and the
browser reports no violation of it (issue 10, "Safe by default")."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (injected by the browser, so outside the policy): records every
# violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__cspViolations"))


def test_the_pages_work_under_the_content_security_policy_with_no_violation(new_page, live_world):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, live_world.users["hos"].username)
    child = live_world.children["jon"]
    for path in ("/", "/children/", f"/children/{child.pk}/", "/oversight/sitrep", "/decisions/"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # GOV.UK Frontend ran: the class from js-enabled.js, and initAll() from init.js.
        expect(page.locator("body")).to_have_class(
            "govuk-template__body js-enabled govuk-frontend-supported", timeout=5_000
        )
        page.wait_for_function(
            "document.querySelector('[data-module=\"govuk-skip-link\"]')"
            ".getAttribute('data-govuk-skip-link-init') !== null"
        )
        expect(page.get_by_test_id("local-banner")).to_be_visible()
        assert violations(page) == [], path
    # The sitrep's print link is wired by init.js, not by a javascript: URL.
    page.goto("/oversight/sitrep")
    expect(page.locator("[data-app-print]")).to_have_attribute("href", "#")


def test_an_inline_script_is_refused_and_reported(new_page, live_world, broken_assets):
    """The checks above can fail: an inline script put into the page is blocked, reported to the page,
    and logged to the console (which every browser journey's broken_assets watcher fails on)."""
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, live_world.users["sw"].username)
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in violations(page))
    console = [p for p in broken_assets.problems if "Content Security Policy" in p]
    assert console, broken_assets.problems
    broken_assets.problems = [p for p in broken_assets.problems if p not in console]
