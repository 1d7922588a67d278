from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def seeds_dir() -> Path:
    d = SHARED / "seeds"
    if not d.is_dir():
        pytest.skip("../shared/seeds is not present")
    return d


def chrome_or_skip(what: str) -> tuple[str, str]:
    """(chromium, chromedriver) paths; skips the test when one is missing, or fails it
    under CI=true, where .ci/run installs both."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None and Path("/usr/bin/chromium").exists():
        chromium = "/usr/bin/chromium"
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = "chromium" if chromium is None else "chromedriver"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} is missing for {what} (.ci/run installs it)")
        pytest.skip(f"{missing} is not installed")
    return chromium, driver


@contextmanager
def headless_chrome(what: str, *, width: int, loopback: bool = False) -> Iterator[Any]:
    """A selenium driver for headless chromium that can reach no network: with
    `loopback`, servers on 127.0.0.1 only (kg serve); without it, nothing at all."""
    chromium, driver_exe = chrome_or_skip(what)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    no_network = (["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"] if loopback
                  else ["--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"])
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},900",
              "--disable-background-networking", "--disable-component-update", *no_network):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(driver_exe), options=opts)
    try:
        yield drv
    finally:
        drv.quit()
