"""The dashboard in a real browser: `stance dashboard` serving a sample database, driven with Chromium."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard_fixtures import build_sample_db

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000


def chromium_path() -> str:
    """Debian's Chromium; in CI its absence fails the test, elsewhere it skips it."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = "Chromium is not installed (apt-get install -y chromium); the browser test needs it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the dashboard exited early ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the dashboard was not healthy within {seconds:.0f}s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def server(tmp_path):
    """(base URL, statement ids) of `stance dashboard` on a free port, stopped afterwards."""
    db_path = tmp_path / "sample.db"
    ids = build_sample_db(db_path)
    port = free_port()
    log = tmp_path / "dashboard.log"
    env = {**os.environ, "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "etl", "dashboard", "--db", str(db_path), "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
        yield f"http://127.0.0.1:{port}", ids
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the CLI and the streamlit child it started
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def legend(page) -> list[str]:
    return sorted(t.strip() for t in page.locator(".legendtext").all_text_contents())


def choose(page, label: str, option_text: str) -> None:
    """Open the Streamlit selectbox labelled `label` and pick the option containing `option_text`."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(option_text)  # typing filters the options and opens the list reliably
    page.get_by_role("option").filter(has_text=option_text).first.click()


def markdown(page, text: str):
    """The first rendered Markdown block containing `text` (tables keep hidden copies of cell text)."""
    return page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=text).first


def wait_idle(page) -> None:
    """Wait until Streamlit has finished rerunning (its status widget shows only while a run is going)."""
    page.wait_for_timeout(300)
    expect_idle = page.locator('[data-testid="stStatusWidget"]')
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while expect_idle.count() and time.monotonic() < deadline:
        page.wait_for_timeout(200)


def download_rows(page, button_text: str) -> list[dict]:
    """Click a download button and read the CSV it delivers.

    A rerun between rendering and the click can retire the button's deferred file, as it would for
    a user, who would click again; so would this helper, up to three times.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        wait_idle(page)
        try:
            with page.expect_download(timeout=TIMEOUT_MS // 2) as info:
                page.get_by_role("button", name=button_text).click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    content = Path(info.value.path()).read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(content)))


def test_analyst_session_in_chromium(server):
    from playwright.sync_api import expect, sync_playwright

    base, ids = server
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(TIMEOUT_MS)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            # Overview: a chart per topic and the heatmap.
            page.goto(base + "/")
            expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(4)
            page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

            # Timeline: change the topic, the chart redraws with other lines, the URL follows.
            page.goto(base + "/timeline?topic=nato_membership")
            expect(page.locator(".legendtext").filter(has_text="United States")).to_have_count(1)
            assert "Russia" in legend(page)
            choose(page, "Topic", "Troops to Ukraine")
            expect(page.locator(".legendtext").filter(has_text="Germany")).to_have_count(1)
            expect(page.locator(".legendtext").filter(has_text="Russia")).to_have_count(0)
            assert legend(page) == ["France", "Germany"]
            assert "topic=troop_deployment" in page.url

            # Clicking a marker selects its statement (plotly selection events); the picker below
            # the chart then offers the selection, and opens the statement's detail.
            page.locator(".scatterlayer .trace .points path").first.click(force=True)
            expect(page.get_by_text("1 selected statement(s)")).to_be_visible()
            choose(page, "Open a statement", "Emmanuel Macron")
            expect(markdown(page, "Macron said of sending Western troops to Ukraine")).to_be_visible()
            expect(page.get_by_text("Article: Nothing excluded — Le Monde, published 2024-02-26")).to_be_visible()

            # The statements CSV of this view.
            rows = download_rows(page, "Statements CSV")
            assert [(r["actor"], r["stance"]) for r in rows] == [("Emmanuel Macron", "support"),
                                                                  ("Olaf Scholz", "oppose")]

            # Hostile text shows as text, never runs, and is neutralised in the export.
            page.goto(base + f"/statements?topic=burden_sharing&sid={ids['script_2025']}")
            expect(markdown(page, "<script>alert(1)</script> Europe must pay its way")).to_be_visible()
            expect(markdown(page, '=HYPERLINK("http://evil.example","x")')).to_be_visible()
            assert page.locator("script", has_text="alert(1)").count() == 0
            rows = download_rows(page, "Export CSV")
            expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "statement-detail.png"), full_page=True)
            texts = {r["statement_id"]: r["text"] for r in rows}
            assert texts[ids["formula_2025"]].startswith("'=HYPERLINK(")
            assert texts[ids["script_2025"]].startswith('"<script>alert(1)</script>')
            page.wait_for_timeout(500)
            assert dialogs == [], f"a dialog fired: {dialogs}"
        finally:
            browser.close()
