"""Bad inputs: each gives a clear message naming the input and the problem, and the run goes on."""

from __future__ import annotations

import os
import random
import socket
from datetime import date

import pytest

from etl.documents import NO_DATE_WARNING, load_documents
from etl.errors import InputError

GOOD = "---\ntitle: Good one\ndate: 2025-02-13\n---\nThe minister said on Thursday that allies must spend more on defence.\n"


@pytest.fixture
def good(write):
    """A valid article that must come through whatever else is in the same call."""
    return write("ok/good.md", GOOD)


def run(*paths, **kwargs):
    """load_documents over `paths`: (documents, problems)."""
    problems: list[InputError] = []
    docs = list(load_documents([str(p) for p in paths], on_error=problems.append, **kwargs))
    return docs, problems


def assert_one_problem(problems, origin, problem):
    """Exactly one problem, naming `origin`, whose text contains `problem`, with the file in the message."""
    assert len(problems) == 1, problems
    (error,) = problems
    assert error.origin == origin
    assert problem in error.problem
    assert str(error).startswith(f"{origin}: ")


def assert_good_came_through(docs):
    assert [d.title for d in docs] == ["Good one"]


def test_empty_file(write, good):
    bad = write("empty.txt", b"")
    blank = write("blank.md", "  \n\n\t\n")
    docs, problems = run(bad, blank, good)
    assert_good_came_through(docs)
    assert [(p.origin, p.problem) for p in problems] == [(bad, "empty file"), (blank, "empty file")]


def test_front_matter_without_body(write, good):
    bad = write("only-meta.md", "---\ntitle: Nothing else\n---\n\n")
    docs, problems = run(bad, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, bad, "no article text (only front matter)")


def test_png_bytes_under_a_text_name(write, good):
    bad = write("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200))
    docs, problems = run(bad, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, bad, "binary file, not text (PNG)")


def test_random_bytes_with_nuls(write, good):
    noise = bytes(random.Random(7).randrange(256) for _ in range(4096)) + b"\x00\x00"
    bad = write("noise.txt", noise)
    docs, problems = run(bad, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, bad, "binary file, not text")


def test_latin1_text_is_decoded_and_flagged(write, good):
    legacy = write("legacy.txt", "In Zürich, the café owners said on Monday that prices would rise.\n", encoding="latin-1")
    page = write(
        "legacy.html",
        '<html><head><meta charset="iso-8859-1"><title>Zürich</title></head><body><article>'
        "<p>The mayor of Zürich told reporters in a café near the lake on Monday that the city would host the"
        " talks, and that delegations from both sides had already confirmed their attendance.</p>"
        "</article></body></html>",
        encoding="latin-1",
    )
    docs, problems = run(legacy, page, good)
    assert problems == []
    text_doc, html_doc, good_doc = docs
    assert text_doc.text == "In Zürich, the café owners said on Monday that prices would rise."
    assert "not valid UTF-8; decoded as cp1252" in text_doc.warnings
    assert "Zürich" in html_doc.text and "café" in html_doc.text
    assert html_doc.warnings[0].startswith("not valid UTF-8; decoded as")
    assert good_doc.title == "Good one"


def test_fifty_megabyte_file_is_refused_by_size(tmp_path, good):
    big = tmp_path / "huge.txt"
    line = b"A sentence that repeats until the file is far too large to be one article.\n"
    with open(big, "wb") as handle:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    docs, problems = run(big, good)
    assert_good_came_through(docs)
    size_mb = big.stat().st_size / (1024 * 1024)
    assert_one_problem(problems, str(big), f"file too large ({size_mb:.1f} MB > 20.0 MB limit)")
    assert size_mb >= 50.0


def test_html_without_an_article(write, good):
    bad = write(
        "shell.html",
        '<html><head><title>Home</title></head><body><div class="cookie-banner"><p>We use cookies to give you the'
        " best experience on our website. Accept them all to continue reading.</p></div><nav><ul><li><a href='/'>"
        "Home</a></li><li><a href='/world'>World</a></li></ul></nav><footer><p>All rights reserved.</p></footer>"
        "</body></html>",
    )
    docs, problems = run(bad, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, bad, "no article text found")


def test_malformed_xml_feed(write, good):
    bad = write("broken.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off</title><item><title>')
    docs, problems = run(bad, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, bad, "malformed feed: no element found at line 1")


def test_malformed_feed_with_recoverable_items_keeps_them_with_a_warning(write, good):
    bad = write(
        "sloppy.rss",
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Sloppy</title>\n'
        "<item><title>Fine</title><description>Ministers met on Monday to talk about budgets.</description></item>\n"
        "<item><title>Bad & unescaped</title><description>Second item text.</description></item></channel>",
    )
    docs, problems = run(bad, good)
    assert problems == []
    assert [d.origin for d in docs[:2]] == [f"{bad}#1", f"{bad}#2"]
    assert docs[0].warnings[0].startswith("malformed feed (not well-formed (invalid token) at line 4")
    assert docs[2].title == "Good one"


def test_feed_url_answering_500(http_server, good):
    url = http_server.add("/feed.xml", body=b"oops", status=500)
    docs, problems = run(url, good, timeout=5)
    assert_good_came_through(docs)
    assert_one_problem(problems, url, "HTTP 500 Internal Server Error")


def test_feed_url_that_hangs_times_out(http_server, good):
    url = http_server.add("/slow.xml", body=b"<rss/>", delay=30)
    docs, problems = run(url, good, timeout=1)
    assert_good_came_through(docs)
    assert_one_problem(problems, url, "timed out after 1s")


def test_feed_url_that_stalls_mid_download_times_out(http_server, good):
    url = http_server.add("/stalled.xml", body=b"<rss>" + b" " * 10_000 + b"</rss>", stall_after=100)
    docs, problems = run(url, good, timeout=1)
    assert_good_came_through(docs)
    assert_one_problem(problems, url, "timed out after 1s")


def test_feed_url_that_trickles_is_cut_off_at_the_overall_deadline(http_server, good):
    # Each byte arrives well within the socket timeout, so only the overall deadline stops it.
    url = http_server.add("/trickle.xml", body=b"<rss>" + b" " * 1000 + b"</rss>", trickle=0.2)
    docs, problems = run(url, good, timeout=1)
    assert_good_came_through(docs)
    assert_one_problem(problems, url, "timed out after 1s")


def test_feed_url_with_an_empty_answer(http_server, good):
    url = http_server.add("/empty.xml", body=b"")
    docs, problems = run(url, good, timeout=5)
    assert_good_came_through(docs)
    assert_one_problem(problems, url, "empty response")


def test_feed_url_with_nobody_listening(good):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"  # the port was just free; nothing listens on it now
    docs, problems = run(url, good, timeout=2)
    assert_good_came_through(docs)
    assert_one_problem(problems, url, "cannot connect")


def test_missing_date_keeps_the_document_flagged(write, good):
    undated = write("notes/undated.md", "The spokesman said allies were still talking.\n")
    docs, problems = run(undated, good)
    assert problems == []
    flagged, good_doc = docs
    assert (flagged.published, flagged.date_source) == (None, "none")
    assert flagged.warnings == (NO_DATE_WARNING,)
    assert good_doc.published == date(2025, 2, 13)


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_file_without_read_permission(write, good):
    bad = write("locked.md", GOOD)
    os.chmod(bad, 0)
    try:
        docs, problems = run(bad, good)
    finally:
        os.chmod(bad, 0o644)
    assert_good_came_through(docs)
    assert_one_problem(problems, bad, "permission denied")


def test_broken_symlink(tmp_path, good):
    link = tmp_path / "gone.md"
    link.symlink_to(tmp_path / "deleted-target.md")
    docs, problems = run(link, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, str(link), "broken symbolic link")


def test_directory_named_like_a_file(tmp_path, good):
    fake = tmp_path / "story.md"
    fake.mkdir()
    docs, problems = run(fake, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, str(fake), "folder has no files to read")


def test_nonexistent_path(tmp_path, good):
    missing = tmp_path / "never-written.md"
    docs, problems = run(missing, good)
    assert_good_came_through(docs)
    assert_one_problem(problems, str(missing), "no such file or directory")


def test_unsupported_file_type_in_a_folder(write, good, tmp_path):
    sheet = write("ok/budget.xlsx", b"PK\x03\x04rest")
    docs, problems = run(tmp_path / "ok")
    assert_good_came_through(docs)
    assert_one_problem(problems, sheet, "unsupported file type .xlsx (skipped)")
