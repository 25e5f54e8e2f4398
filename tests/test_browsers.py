"""Browser discovery: PATH and environment variables, a skip with a reason, a failure in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from browsers import ENABLE_HINT, find_browser


def fake_program(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_found_on_path_under_any_usual_name(tmp_path: Path) -> None:
    browser = fake_program(tmp_path / "bin", "chromium-browser")
    driver = fake_program(tmp_path / "bin", "chromedriver")
    found = find_browser({"PATH": str(tmp_path / "bin")})
    assert (found.browser, found.driver) == (str(browser), str(driver))


def test_environment_variables_win_over_path(tmp_path: Path) -> None:
    fake_program(tmp_path / "bin", "chromium")
    fake_program(tmp_path / "bin", "chromedriver")
    browser = fake_program(tmp_path / "opt", "my-chrome")
    driver = fake_program(tmp_path / "opt", "my-driver")
    environ = {"PATH": str(tmp_path / "bin"), "RCMC_CHROMIUM": str(browser), "RCMC_CHROMEDRIVER": str(driver)}
    found = find_browser(environ)
    assert (found.browser, found.driver) == (str(browser), str(driver))


def test_missing_browser_skips_with_how_to_enable(tmp_path: Path) -> None:
    fake_program(tmp_path / "bin", "chromedriver")
    with pytest.raises(pytest.skip.Exception) as skipped:
        find_browser({"PATH": str(tmp_path / "bin")})
    assert str(skipped.value) == f"Chromium not found; {ENABLE_HINT}"
    assert "\n" not in str(skipped.value)


def test_missing_browser_fails_when_ci_requires_it(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        find_browser({"PATH": str(tmp_path), "RCMC_REQUIRE_BROWSER": "1"})
    assert "Chromium and chromedriver not found" in str(failed.value)
