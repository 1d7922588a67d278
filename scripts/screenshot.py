"""Redo docs/explorer.png, the README's picture of `kg serve`: build the bundled samples,
serve them on a free loopback port, search, open the first hit and expand a neighbour
in headless chromium (selenium), and save the window.

    python scripts/screenshot.py [--query 市委] [--out docs/explorer.png]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--query", default="市委")
    ap.add_argument("--out", type=Path, default=Path("docs/explorer.png"))
    args = ap.parse_args()

    import uvicorn
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    from kg.pipeline import build_graph
    from kg.serve import make_app, open_explorer

    work = Path(tempfile.mkdtemp(prefix="kg-shot-"))
    pages = sorted(p for p in resources.files("kg").joinpath("samples").iterdir()
                   if p.name.endswith(".txt"))
    graph = work / "graph.ttl"
    build_graph([Path(str(p)) for p in pages]).graph.serialize(graph, format="turtle")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(make_app(open_explorer(str(graph))),
                                           host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
              "--hide-scrollbars", "--force-device-scale-factor=1"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    try:
        drv.get(f"http://127.0.0.1:{port}/")
        box = drv.find_element("css selector", "input[type=search]")
        box.send_keys(args.query)
        wait = WebDriverWait(drv, 30)
        wait.until(lambda d: d.find_elements("css selector", "#hits li.hit"))
        drv.find_elements("css selector", "#hits li.hit")[0].click()
        wait.until(lambda d: d.find_element("id", "details").is_displayed())
        links = drv.find_elements("css selector", "#neighbours a.entity, #members a.entity")
        if links:
            first = drv.execute_script("return document.getElementById('details').innerHTML")
            drv.execute_script("window.kgExplorer.expand(arguments[0])",
                               links[0].get_attribute("data-iri"))
            assert first
        time.sleep(3)  # let the layout settle
        args.out.parent.mkdir(parents=True, exist_ok=True)
        drv.save_screenshot(str(args.out))
        print(f"wrote {args.out}")
    finally:
        drv.quit()
        server.should_exit = True


if __name__ == "__main__":
    main()
