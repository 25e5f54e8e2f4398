"""rcmc site: pages work in real Chromium from file://, search and links work, nothing is broken or unescaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from browsers import find_browser
from conftest import ROOT, set_cell
from rcmc.site import build_site

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    found = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = found.browser
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(found.driver), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def site(package: Path, tmp_path: Path) -> Path:
    set_cell(package, "exercises", 0, "location", '<b>Yellow Sea</b> & "co"')
    set_cell(package, "exercises", 1, "notes", "<script>alert(1)</script>")
    build_site(tmp_path / "site", package)
    return tmp_path / "site"


def open_page(browser, path: Path) -> list[dict]:
    browser.get_log("browser")  # drop earlier entries
    browser.get(path.as_uri())
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_every_kind_of_page_loads_without_errors(browser, site: Path) -> None:
    pages = [
        site / "index.html",
        site / "codebook.html",
        *sorted((site / "tables").glob("*.html")),
        site / "rows" / "exercises" / "joint-sea-2019.html",
        site / "rows" / "agreements" / "fighter-deal-2015.html",
    ]
    for path in pages:
        assert open_page(browser, path) == [], path
    ARTIFACTS.mkdir(exist_ok=True)
    open_page(browser, site / "index.html")
    browser.save_screenshot(str(ARTIFACTS / "home.png"))
    open_page(browser, site / "tables" / "exercises.html")
    browser.save_screenshot(str(ARTIFACTS / "exercises.png"))


def test_search_filter_and_click_through(browser, site: Path) -> None:
    open_page(browser, site / "tables" / "exercises.html")
    assert browser.find_element(By.ID, "count").text == "2"
    browser.find_element(By.ID, "search").send_keys("belt")
    assert browser.find_element(By.ID, "count").text == "1"
    visible = [row for row in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr") if row.is_displayed()]
    assert [row.find_element(By.TAG_NAME, "a").text for row in visible] == ["security-belt-2019"]
    visible[0].find_element(By.TAG_NAME, "a").click()
    assert browser.title == "exercises: security-belt-2019"
    source = browser.find_element(By.LINK_TEXT, "Drill held")
    assert source.get_attribute("href") == "https://example.org/ru/drill"


def test_enum_filter_and_sort(browser, site: Path) -> None:
    open_page(browser, site / "tables" / "exercises.html")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.CSS_SELECTOR, "select[data-name='kind']")).select_by_value("exercise")
    assert browser.find_element(By.ID, "count").text == "2"
    header = browser.find_elements(By.CSS_SELECTOR, "#rows thead th")[0]
    header.click()
    header.click()
    first = browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")[0]
    assert first.find_element(By.TAG_NAME, "a").text == "security-belt-2019"


def test_search_covers_columns_not_shown(browser, site: Path) -> None:
    open_page(browser, site / "tables" / "exercises.html")
    browser.find_element(By.ID, "search").send_keys("trilateral")  # in the summary, which the table does not show
    assert browser.find_element(By.ID, "count").text == "1"


def test_year_range_and_filters_are_kept_in_the_url(browser, site: Path) -> None:
    open_page(browser, site / "tables" / "exercises.html")
    browser.find_element(By.ID, "since").send_keys("2020")
    assert browser.find_element(By.ID, "count").text == "0"
    assert browser.current_url.endswith("exercises.html#since=2020")
    browser.find_element(By.ID, "since").clear()
    browser.find_element(By.ID, "until").send_keys("2019")
    assert browser.find_element(By.ID, "count").text == "2"
    shared = (site / "tables" / "exercises.html").as_uri() + "#q=trilateral&kind=exercise&since=2019&until=2019"
    open_page(browser, site / "codebook.html")
    browser.get(shared)
    assert browser.find_element(By.ID, "search").get_attribute("value") == "trilateral"
    assert browser.find_element(By.CSS_SELECTOR, "select[data-name='kind']").get_attribute("value") == "exercise"
    assert browser.find_element(By.ID, "since").get_attribute("value") == "2019"
    assert browser.find_element(By.ID, "count").text == "1"


def test_table_page_shows_the_display_columns_and_searches_every_column(site: Path) -> None:
    text = (site / "tables" / "exercises.html").read_text(encoding="utf-8")
    headers = re.findall(r'<th scope="col">([^<]+)</th>', text)
    assert headers == ["exercise_id", "name", "start_date", "end_date", "kind", "framework", "participants", "location"]
    assert 'data-search="' in text and "a fictional trilateral drill" in text and 'data-year="2019"' in text
    assert '<input id="since"' in text and '<input id="until"' in text
    equipment = (site / "tables" / "equipment.html").read_text(encoding="utf-8")
    assert re.findall(r'<th scope="col">([^<]+)</th>', equipment) == [
        "item_id", "designation", "category", "quantity_ordered", "quantity_delivered",
        "order_year", "delivery_first_year", "delivery_last_year",
    ]  # fmt: skip


def test_home_page_cites_the_dataset_and_lists_every_download(site: Path, package: Path) -> None:
    from rcmc.citation import citation_html
    from rcmc.package import open_package

    text = (site / "index.html").read_text(encoding="utf-8")
    assert f'<p id="citation">{citation_html(open_package(package))}</p>' in text
    linked = set(re.findall(r'<a href="(downloads/[^"]+)"', text))
    on_disk = {p.relative_to(site).as_posix() for p in (site / "downloads").rglob("*") if p.is_file() and p.name[0] != "."}
    assert linked == on_disk
    assert {"downloads/csv/data/exercises.csv", "downloads/json/exercises.json", "downloads/parquet/exercises.parquet"} <= linked
    zip_name = f"downloads/russia-china-military-cooperation-{open_package(package).version}.zip"
    assert zip_name in linked and "downloads/CITATION.cff" in linked


def test_script_in_a_cell_is_shown_as_text(browser, site: Path) -> None:
    assert open_page(browser, site / "rows" / "exercises" / "security-belt-2019.html") == []
    assert "<script>alert(1)</script>" in browser.find_element(By.TAG_NAME, "body").text
    assert browser.find_elements(By.XPATH, "//script[contains(., 'alert(1)')]") == []


def test_cells_are_escaped(site: Path) -> None:
    text = (site / "rows" / "exercises" / "joint-sea-2019.html").read_text()
    assert "<b>Yellow Sea</b>" not in text and "&lt;b&gt;Yellow Sea&lt;/b&gt; &amp; &quot;co&quot;" in text


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def test_no_broken_internal_link_on_the_real_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(site, ROOT)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 400
    broken, external = [], set()
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            parsed = urlparse(target)
            if parsed.scheme:
                external.add(parsed.scheme)
                continue
            path = (page.parent / unquote(parsed.path)).resolve()
            if not path.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert broken == []
    assert external <= {"http", "https"}
    assert not re.search(r"<script[^>]+src=\"http", (site / "index.html").read_text())


def test_console_errors_are_caught(browser, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html><body><script src="missing.js"></script><script>undefinedCall();</script></body></html>'
    )
    assert len(open_page(browser, broken)) >= 1
