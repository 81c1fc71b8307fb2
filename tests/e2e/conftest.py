"""Browser journeys: Playwright (sync API) driving Debian's chromium against pytest-django's live_server.

The set-up installs what it needs: without a `chromium` on PATH, the session fixture runs
`apt-get update && apt-get install -y chromium`. If chromium can still not be installed or launched,
the browser tests FAIL when CI=true, and are skipped with a loud reason otherwise: they are never
silently left out of a CI run.

Never `playwright install`: the browser is Debian's, found with shutil.which("chromium").
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import pytest

from tests.conftest import World, make_world

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APT_TIMEOUT_SECONDS = 900
DEFAULT_TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def browser_unavailable(reason: str) -> NoReturn:
    """Fail in CI; elsewhere skip, saying loudly that the browser journeys were not run."""
    if in_ci():
        pytest.fail(f"Browser tests cannot run (CI=true, so this is a failure): {reason}", pytrace=False)
    pytest.skip(
        f"BROWSER JOURNEYS NOT RUN: {reason}. In CI (CI=true) this is a failure, not a skip.",
    )


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(  # noqa: S603 - fixed command, no user input
        ["apt-get", *args],  # noqa: S607 - apt-get from PATH is the point
        capture_output=True,
        text=True,
        env=env,
        timeout=APT_TIMEOUT_SECONDS,
        check=False,
    )


def install_chromium() -> str:
    """Debian's chromium: on PATH already, or installed now with apt-get."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None:
        browser_unavailable("chromium is not installed and there is no apt-get to install it with")
    for args in (("update",), ("install", "-y", "chromium")):
        try:
            result = _apt_get(*args)
        except (OSError, subprocess.TimeoutExpired) as err:
            browser_unavailable(f"`apt-get {' '.join(args)}` could not run: {err}")
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip()[-2000:]
            browser_unavailable(
                f"`apt-get {' '.join(args)}` failed with exit code {result.returncode} "
                f"(installing chromium needs root and network access to the Debian mirror):\n{tail}"
            )
    found = shutil.which("chromium")
    if found is None:
        browser_unavailable("`apt-get install -y chromium` succeeded but no `chromium` is on PATH")
    return found


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    return install_chromium()


@pytest.fixture(scope="module")
def browser(chromium_executable: str, django_db_setup: Any) -> Iterator[Any]:
    """One chromium per test module.

    Playwright's sync API keeps an asyncio loop on the main thread while it is started, and Django then
    refuses ORM calls made from that thread (the tests building their data, the flush after each test).
    So, for as long as Playwright runs and no longer: DJANGO_ALLOW_ASYNC_UNSAFE. The app under test runs
    in live_server's own thread, where no loop runs. Module scope, and after django_db_setup, keeps the
    loop away from every other test in the session.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            try:
                launched = playwright.chromium.launch(
                    executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
                )
            except PlaywrightError as err:
                browser_unavailable(f"chromium at {chromium_executable} would not launch: {err}")
            yield launched
            launched.close()
        finally:
            playwright.stop()


class BrokenAssets:
    """Static files (CSS, JS, images) the browser failed to load, JavaScript and console errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Any) -> None:
        def on_response(response: Any) -> None:
            if "/static/" in response.url and response.status >= 400:
                self.problems.append(f"{response.status} {response.url}")

        def on_console(message: Any) -> None:
            # "Failed to load resource" repeats a response already judged above (a 404 page is expected).
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                self.problems.append(f"console error: {message.text} at {message.location.get('url')}")

        page.on("response", on_response)
        page.on("console", on_console)

        def on_failed(request: Any) -> None:
            # A form posted for a file download ends its navigation there (ERR_ABORTED): not a failure.
            if request.is_navigation_request() and request.failure == "net::ERR_ABORTED":
                return
            self.problems.append(f"failed {request.url}")

        page.on("requestfailed", on_failed)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))


@pytest.fixture
def broken_assets() -> Iterator[BrokenAssets]:
    watcher = BrokenAssets()
    yield watcher
    assert watcher.problems == [], "the browser could not load parts of the page"


@pytest.fixture
def new_page(browser: Any, live_server: Any, broken_assets: BrokenAssets) -> Iterator[Callable[[], Any]]:
    """A factory of pages, each in its own browser context (so its own cookies: one user each)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        broken_assets.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    return new_page()


@pytest.fixture
def live_world(transactional_db: Any) -> World:
    """The same LA as tests.conftest's `world`, committed, so live_server's thread can see it."""
    return make_world("901", "Northshire County Council")
