"""Browser tests: Debian's chromium driven by Playwright against the platform as `make run`
starts it (this run's vhost and databases), the pages as the gateway serves them.

Every test gets a phone-sized page (375 × 812, touch, zh-CN, Asia/Shanghai); `shot` writes
a screenshot per step under the run's output folder; `assert_accessible` runs axe-core and
fails on any serious or critical violation; a page that breaks its Content Security Policy
or throws fails its test."""

from __future__ import annotations

import os
import pathlib
import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from credit_common.testing.platform import Platform, latest_login_code
from tests.e2e.conftest import http, platform  # noqa: F401 - the same platform as end-to-end

ROOT = pathlib.Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def output_dir(tmp_path_factory) -> pathlib.Path:
    """TEST_OUTPUT_DIR (make test sets it to var/test-output/<run id>), else a temporary folder."""
    configured = os.environ.get("TEST_OUTPUT_DIR")
    folder = pathlib.Path(configured) if configured else tmp_path_factory.mktemp("output")
    folder = folder / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


class PageWatch:
    """What went wrong in the page itself while a test drove it."""

    def __init__(self, page: Page):
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")


def _new_page(browser: Browser, platform: Platform, viewport: dict, mobile: bool, request):
    context = browser.new_context(base_url=platform.url, viewport=viewport, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", is_mobile=mobile,
                                  has_touch=mobile, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = PageWatch(page)
    return context, page, watch


@pytest.fixture
def new_page(browser, platform, request):
    """``new_page(desktop=False)``: a fresh browser context (its own session) and its page."""
    opened = []

    def make(desktop: bool = False) -> Page:
        context, page, watch = _new_page(browser, platform, DESKTOP if desktop else PHONE,
                                         not desktop, request)
        opened.append((context, watch))
        return page

    yield make
    problems = [p for _, watch in opened for p in watch.problems]
    for context, _ in opened:
        context.close()
    assert not problems, problems


@pytest.fixture
def phone(new_page) -> Page:
    return new_page()


def settle_animations(page: Page) -> None:
    """Waits for the page's finite animations (a dialog fading in) to finish."""
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
        .map(a => a.finished.catch(() => null)))""")


@pytest.fixture
def shot(output_dir, request):
    """``shot(page, "03-guide")``: a full-page screenshot named after the test and the step."""
    test = re.sub(r"[^\w-]+", "_", request.node.name)

    def take(page: Page, step: str) -> pathlib.Path:
        path = output_dir / test / f"{step}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        settle_animations(page)  # a dialog fading in would be photographed half there
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.exists(), f"{AXE} is missing: npm ci in web/ installs axe-core"
    return AXE.read_text()


@pytest.fixture
def assert_accessible(axe_source):
    """Runs axe-core in the page (through the driver, so the page's CSP stays strict) and
    fails on serious or critical violations, naming the rule and the elements."""

    def check(page: Page, label: str = "") -> None:
        settle_animations(page)  # colours are judged as they end up, not mid-fade
        page.evaluate(axe_source + "\n;undefined")
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""")
        serious = [v for v in result if v["impact"] in SERIOUS]
        assert not serious, f"axe-core on {label or page.url}: {serious}"

    return check


def log_in_on_page(page: Page, http: httpx.Client, phone_number: str) -> None:
    """The SMS login as a person does it: phone, 获取验证码, the code from the SMS, 登录."""
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(latest_login_code(http, phone_number))
    page.get_by_role("button", name="登录", exact=True).click()
