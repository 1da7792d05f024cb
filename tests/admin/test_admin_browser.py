"""The demo's admin in a real browser: Debian's Chromium (Playwright) against the demo on granian.

Ann (admin) logs in through the admin's login page and uses every part of the dashboard; Bob
(no admin role) gets 403 pages. The guestbook holds 10,000 rows; mails go to a local aiosmtpd.
``-m browser`` selects these tests, ``-m "not browser"`` skips them. With
``SURGE_ADMIN_SCREENSHOTS=1`` the screenshots are also copied to docs/images/admin/.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from admin_browser_kit import (
    GUESTBOOK_ROWS,
    DemoAdmin,
    assert_rendered,
    demo_with_admin,
    launch_chromium,
    publish_screenshots,
)

pytestmark = pytest.mark.browser

ADMIN = "/account/admin"
GUESTBOOK = f"{ADMIN}/data/database/db/model/GuestbookEntry"
JOB = "demo.heartbeat"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoAdmin]:
    with demo_with_admin(tmp_path_factory.mktemp("admin_browser")) as demo:
        yield demo


@pytest.fixture(scope="module")
def browser(server: DemoAdmin) -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


def log_in(browser: Any, server: DemoAdmin, username: str) -> Any:
    """A new browser context (its own cookies) where ``username`` logged in from the admin's 401 page."""
    context = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    answer = page.goto(f"{ADMIN}/")
    assert answer.status == 401 and page.locator("#error-page").get_attribute("data-status") == "401"
    page.click("#login-link")
    page.fill("#username", username)
    page.fill("#password", f"{username}-demo-password")
    page.click("#login-button")
    page.wait_for_load_state()
    return page


@pytest.fixture(scope="module")
def ann(browser: Any, server: DemoAdmin) -> Iterator[Any]:
    """A page of Ann's (the admin), on the dashboard's overview after logging in."""
    page = log_in(browser, server, "ann")
    assert page.url == server.base + f"{ADMIN}/"
    assert "ann" in page.inner_text("#current-user").lower()
    yield page
    page.context.close()


def guestbook_rows(server: DemoAdmin, where: str = "1 = 1", *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(server.upload_dir.parent / "demo.db") as connection:
        return connection.execute(f"SELECT id, name, message FROM guestbook_entries WHERE {where}", args).fetchall()


def test_the_overview_counts_the_seeded_rows(ann: Any) -> None:
    ann.goto(f"{ADMIN}/")
    assert ann.inner_text("#table-db-guestbook_entries").split()[-1].replace(",", "") == str(GUESTBOOK_ROWS)
    assert ann.is_visible("#nav-model-db-GuestbookEntry")


def test_create_edit_with_an_error_then_delete_a_record(ann: Any, server: DemoAdmin) -> None:
    ann.goto(GUESTBOOK)
    ann.click("#create-link")
    ann.fill("#input-name", "Chromium Tester")
    ann.fill("#input-message", "Signed from a real browser")
    ann.click("#save-button")
    assert ann.inner_text("#notice") == "Record created."
    assert ann.inner_text("#field-name") == "Chromium Tester"
    [(row_id, name, message)] = guestbook_rows(server, "name = ?", "Chromium Tester")
    assert (name, message) == ("Chromium Tester", "Signed from a real browser")

    ann.click("#edit-link")
    ann.fill("#input-name", "")
    ann.fill("#input-message", "Edited, but the name is missing")
    with ann.expect_response(lambda response: response.request.method == "POST") as posted:
        ann.click("#save-button")
    assert posted.value.status == 422
    assert ann.inner_text("#error-name") == "This field is required."
    assert ann.get_attribute("#input-name", "aria-invalid") == "true"
    assert ann.input_value("#input-message") == "Edited, but the name is missing"  # what was typed stays
    assert guestbook_rows(server, "id = ?", row_id) == [(row_id, "Chromium Tester", "Signed from a real browser")]

    ann.fill("#input-name", "Chromium Editor")
    ann.click("#save-button")
    assert ann.inner_text("#notice") == "Changes saved." and ann.inner_text("#field-name") == "Chromium Editor"
    assert guestbook_rows(server, "id = ?", row_id) == [(row_id, "Chromium Editor", "Edited, but the name is missing")]

    ann.once("dialog", lambda dialog: dialog.accept())  # a confirm() before deleting, if the page asks
    ann.click("#delete-button")
    assert ann.inner_text("#notice") == "Record deleted." and not ann.locator(f"#row-{row_id}").count()
    assert guestbook_rows(server, "id = ?", row_id) == []


def test_search_and_paginate_ten_thousand_rows(ann: Any) -> None:
    ann.goto(GUESTBOOK)
    assert int(ann.inner_text("#total-count")) == GUESTBOOK_ROWS
    assert ann.inner_text("#page-info") == f"Page 1 of {GUESTBOOK_ROWS // 20}"
    assert ann.locator("#model-list tbody tr").count() == 20
    first_page = ann.inner_text("#model-list tbody")
    ann.click("#page-next")
    assert ann.inner_text("#page-info") == f"Page 2 of {GUESTBOOK_ROWS // 20}"
    assert ann.inner_text("#model-list tbody") != first_page
    ann.click("#page-prev")
    assert ann.inner_text("#model-list tbody") == first_page

    ann.fill("#search-input", "visitor 0042")  # case-insensitive: Visitor 00420 ... Visitor 00429
    ann.click("#search-button")
    assert ann.inner_text("#total-count") == "10" and ann.inner_text("#page-info") == "Page 1 of 1"
    names = sorted(re.findall(r"Visitor \d{5}", ann.inner_text("#model-list tbody")))
    assert names == [f"Visitor {n:05d}" for n in range(420, 430)]

    ann.fill("#search-input", "Visitor 00")  # 00001 ... 00999: 999 matches over 50 pages
    ann.click("#search-button")
    assert ann.inner_text("#total-count") == "999" and ann.inner_text("#page-info") == "Page 1 of 50"
    ann.click("#page-next")
    assert ann.inner_text("#page-info") == "Page 2 of 50" and ann.input_value("#search-input") == "Visitor 00"
    assert all(name.startswith("Visitor 00") for name in re.findall(r"Visitor \d{5}", ann.inner_text("#model-list tbody")))

    ann.fill("#search-input", "nobody signs like this")
    ann.click("#search-button")
    assert ann.inner_text("#total-count") == "0" and ann.is_visible("#no-rows")


def test_upload_and_download_a_file(ann: Any, server: DemoAdmin, tmp_path: Path) -> None:
    report = tmp_path / "visitors-2024.csv"
    report.write_text("month,visitors\njanuary,10000\n")
    ann.goto(f"{ADMIN}/files")
    ann.set_input_files("#upload-input", str(report))
    ann.click("#upload-button")
    assert ann.inner_text("#notice") == "Upload complete."
    row = ann.locator("tr#file-visitors-2024-csv")
    assert row.get_attribute("data-kind") == "file"
    assert (server.upload_dir / "visitors-2024.csv").read_text() == report.read_text()

    with ann.expect_download() as download_info:
        ann.click("#download-visitors-2024-csv")
    download = download_info.value
    assert download.suggested_filename == "visitors-2024.csv"
    saved = tmp_path / "downloaded.csv"
    download.save_as(saved)
    assert saved.read_text() == report.read_text()

    ann.fill("#mkdir-name", "invoices")
    ann.click("#mkdir-button")
    assert ann.get_attribute("tr#file-invoices", "data-kind") == "folder"
    assert (server.upload_dir / "invoices").is_dir()


def test_send_an_email_to_the_local_smtp_server(ann: Any, server: DemoAdmin) -> None:
    ann.goto(f"{ADMIN}/email-clients")
    ann.click("#compose-email-client")
    suggested = ann.locator("#recipient-suggestions option")
    assert "bob@localhost" in [suggested.nth(i).get_attribute("value") for i in range(suggested.count())]
    ann.fill("#to-address", "bob@localhost, carol@localhost")
    ann.fill("#subject", "Browser test mail")
    ann.click("#body-editor")
    ann.keyboard.type("Hello from the admin")
    count = len(server.mail.messages)
    ann.click("#send-button")
    assert ann.inner_text("#notice") == "E-mail sent."
    assert len(server.mail.messages) == count + 1
    recipients, raw = server.mail.messages[-1]
    assert sorted(recipients) == ["bob@localhost", "carol@localhost"]
    mail = message_from_bytes(raw)
    assert mail["Subject"] == "Browser test mail"
    bodies = [part.get_payload(decode=True).decode() for part in mail.walk() if not part.is_multipart()]
    assert any("Hello from the admin" in body for body in bodies)


def test_pause_and_resume_a_job(ann: Any) -> None:
    ann.goto(f"{ADMIN}/task-managers")
    ann.click("#open-manager-TASK_MANAGER")
    job = ann.locator(f'tr[id="job-{JOB}"]')
    assert job.get_attribute("data-state") == "scheduled"
    ann.click(f'[id="pause-{JOB}"]')
    assert job.get_attribute("data-state") == "paused"
    assert ann.inner_text(f'[id="state-{JOB}"]') == "paused"
    ann.reload()  # the state is the scheduler's, not the page's
    assert job.get_attribute("data-state") == "paused"
    ann.click(f'[id="resume-{JOB}"]')
    assert job.get_attribute("data-state") == "scheduled"
    assert ann.inner_text(f'[id="state-{JOB}"]') == "scheduled"


def test_a_user_without_the_admin_role_sees_403_pages(browser: Any, server: DemoAdmin) -> None:
    page = log_in(browser, server, "bob")
    try:
        for url in (f"{ADMIN}/", GUESTBOOK, f"{GUESTBOOK}/create", f"{ADMIN}/files",
                    f"{ADMIN}/send-email?client=email-client", f"{ADMIN}/task-managers/TASK_MANAGER"):
            answer = page.goto(url)
            assert answer.status == 403, url
            assert page.get_attribute("#error-page", "data-status") == "403", url
            assert page.inner_text("#error-status") == "403" and page.is_visible("#home-link"), url
        assert not page.locator("#model-list").count()
    finally:
        page.context.close()


def test_screenshots_of_the_main_pages(ann: Any, tmp_path: Path) -> None:
    shots: dict[str, Path] = {}

    def shoot(name: str) -> None:
        ann.wait_for_load_state("networkidle")
        shots[name] = tmp_path / f"{name}.png"
        ann.screenshot(path=str(shots[name]))

    ann.goto(f"{ADMIN}/")
    shoot("overview")
    ann.goto(GUESTBOOK)
    shoot("model-list")
    ann.goto(f"{GUESTBOOK}/edit/id/1")
    ann.fill("#input-name", "")
    ann.click("#save-button")
    ann.wait_for_selector("#error-name")
    shoot("edit-form-error")
    ann.goto(f"{ADMIN}/files")
    shoot("file-explorer")
    ann.goto(f"{ADMIN}/send-email?client=email-client")
    ann.fill("#to-address", "bob@localhost")
    ann.fill("#subject", "Opening hours")
    ann.click("#body-editor")
    ann.keyboard.type("From Monday we open at 9.")
    shoot("email")
    ann.goto(f"{ADMIN}/task-managers/TASK_MANAGER")
    shoot("jobs")

    for path in shots.values():
        assert_rendered(path)
    contents = [path.read_bytes() for path in shots.values()]
    assert len(set(contents)) == len(contents), "two pages rendered the same picture"
    publish_screenshots(shots)
