"""Find a headless Chromium and its chromedriver for the browser tests, or skip them.

The browser is looked up in $RCMC_CHROMIUM, else on PATH (chromium, chromium-browser,
google-chrome); the driver in $RCMC_CHROMEDRIVER, else chromedriver on PATH. When either
is missing the tests skip with one line saying how to enable them, unless
$RCMC_REQUIRE_BROWSER is set (as CI does), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
ENABLE_HINT = "browser tests need Chromium and chromedriver: apt-get install chromium chromium-driver"


@dataclass(frozen=True)
class Browser:
    """Paths of the browser binary and its WebDriver."""

    browser: str
    driver: str


def locate(variable: str, names: tuple[str, ...], environ: dict[str, str] | None = None) -> str | None:
    """The program named by $variable, else the first of `names` on PATH, else None."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(variable)
    if explicit:
        return shutil.which(explicit, path=environ.get("PATH"))
    for name in names:
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    return None


def find_browser(environ: dict[str, str] | None = None) -> Browser:
    """The browser and driver to use; skip (or fail under $RCMC_REQUIRE_BROWSER) when absent."""
    environ = os.environ if environ is None else environ
    browser = locate("RCMC_CHROMIUM", BROWSER_NAMES, environ)
    driver = locate("RCMC_CHROMEDRIVER", DRIVER_NAMES, environ)
    if browser and driver:
        return Browser(browser, driver)
    missing = " and ".join(name for name, path in (("Chromium", browser), ("chromedriver", driver)) if not path)
    message = f"{missing} not found; {ENABLE_HINT}"
    if environ.get("RCMC_REQUIRE_BROWSER"):
        pytest.fail(f"RCMC_REQUIRE_BROWSER is set but {message}", pytrace=False)
    pytest.skip(message)
