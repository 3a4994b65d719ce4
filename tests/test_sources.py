"""Finding and reading inputs: discovery, decoding, formats, feeds over real HTTP, publication dates."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from etl.decode import decode_bytes
from etl.errors import InputError
from etl.pubdates import date_in_name, html_published, parse_published
from etl.readers import split_front_matter
from etl.sources import DEFAULT_MAX_BYTES, InputRef, discover, read_input


def _split(found):
    refs = [f for f in found if isinstance(f, InputRef)]
    errors = [f for f in found if isinstance(f, InputError)]
    return refs, errors


# --- discovery -------------------------------------------------------------------

def test_discover_walks_folders_sorted_and_skips_hidden(write, tmp_path):
    write("b/z.md", "z")
    write("b/a.txt", "a")
    write("a/deep/er/x.html", "<p>x</p>")
    write(".hidden/secret.md", "s")
    write("b/.draft.md", "d")
    refs, errors = _split(list(discover([str(tmp_path)])))
    names = [Path(r.origin).relative_to(tmp_path).as_posix() for r in refs]
    assert names == ["a/deep/er/x.html", "b/a.txt", "b/z.md"]
    assert [r.fmt for r in refs] == ["html", "text", "markdown"]
    assert errors == []


def test_discover_reads_a_file_named_twice_once(write, tmp_path):
    path = write("dir/a.md", "a")
    refs, errors = _split(list(discover([path, str(tmp_path / "dir"), "./" + os.path.relpath(path)])))
    assert [r.origin for r in refs] == [path]
    assert errors == []


def test_discover_reports_unsupported_types_instead_of_dropping_them(write, tmp_path):
    write("notes/report.pdf", b"%PDF-1.7")
    write("notes/keep.md", "k")
    refs, errors = _split(list(discover([str(tmp_path / "notes")])))
    assert [Path(r.origin).name for r in refs] == ["keep.md"]
    assert len(errors) == 1
    assert errors[0].origin.endswith("report.pdf")
    assert errors[0].problem == "unsupported file type .pdf (skipped)"


def test_discover_file_key_changes_with_content(write):
    path = write("a.txt", "first")
    (before,) = discover([path])
    with open(path, "a") as handle:
        handle.write(" and more")
    (after,) = discover([path])
    assert before.key.startswith(os.path.abspath(path) + "|")
    assert before.key != after.key


def test_discover_urls_are_feed_sources_without_key():
    (ref,) = discover(["https://example.org/feed.xml"])
    assert ref == InputRef(origin="https://example.org/feed.xml", kind="url", fmt="feed", key=None)
    (bad,) = discover(["ftp://example.org/feed.xml"])
    assert isinstance(bad, InputError) and "unsupported URL scheme" in bad.problem


def test_discover_never_raises_on_bad_paths(tmp_path):
    missing = str(tmp_path / "nope.md")
    found = list(discover([missing, str(tmp_path)]))
    assert [type(f) for f in found] == [InputError, InputError]
    assert found[0].problem == "no such file or directory"
    assert found[1].problem == "folder has no files to read"


# --- decoding --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "text", "warning"),
    [
        ("Zürich café".encode("utf-8"), "Zürich café", None),
        ("Zürich café".encode("latin-1"), "Zürich café", "cp1252"),
        ("“Le café” – 5 €".encode("cp1252"), "“Le café” – 5 €", "cp1252"),
        ("\ufeffZürich".encode("utf-8"), "Zürich", None),
        ("\ufeffZürich café".encode("utf-16-le"), "Zürich café", None),
        ("Министр заявил, что Украина не вступит в альянс.".encode("cp1251"),
         "Министр заявил, что Украина не вступит в альянс.", "cp1251"),
        ("Minister powiedział, że Polska będzie płacić więcej.".encode("cp1250"),
         "Minister powiedział, że Polska będzie płacić więcej.", "cp1250"),
    ],
)
def test_decode_bytes(data, text, warning):
    decoded, warnings = decode_bytes(data, "x.txt")
    assert decoded == text
    if warning is None:
        assert warnings == []
    else:
        assert warnings == [f"not valid UTF-8; decoded as {warning}"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text (PNG)"),
        (b"SQLite format 3\x00" + bytes(100), "binary file, not text (SQLite)"),
        (b"plain start\x00\x01\x02 then nulls", "binary file, not text"),
        (bytes(range(1, 32)) * 20, "binary file, not text"),
    ],
)
def test_decode_bytes_refuses(data, problem):
    with pytest.raises(InputError) as err:
        decode_bytes(data, "in.txt")
    assert err.value.origin == "in.txt"
    assert err.value.problem == problem


def test_declared_encoding_is_used_when_bytes_are_not_utf8():
    text, warnings = decode_bytes("Grüße aus Zürich".encode("iso-8859-15"), "p.html", declared="iso-8859-15")
    assert text == "Grüße aus Zürich"
    assert warnings == ["not valid UTF-8; decoded as declared iso8859-15"]


def test_declared_latin1_is_read_as_cp1252_like_browsers_do():
    text, warnings = decode_bytes("“Quoted” – café".encode("cp1252"), "p.html", declared="ISO-8859-1")
    assert text == "“Quoted” – café"
    assert warnings == ["not valid UTF-8; decoded as declared cp1252"]


# --- front matter ----------------------------------------------------------------

def test_front_matter_fields_and_body():
    meta, body, warnings = split_front_matter(
        "---\ntitle: A title\ndate: 2025-02-13\nsource: Desk\nurl: https://e.org/x\nauthor: ignored\n---\nBody line.\n"
    )
    assert meta == {"title": "A title", "date": "2025-02-13", "source": "Desk", "url": "https://e.org/x"}
    assert body == "Body line.\n"
    assert warnings == []


@pytest.mark.parametrize(
    ("text", "body", "warning"),
    [
        ("---\ntitle: [unclosed\n---\nBody.\n", "Body.\n", "front matter is not valid YAML at line"),
        ("---\n- a list\n---\nBody.\n", "Body.\n", "front matter is not a mapping"),
        ("---\ntitle: never closed\nBody.\n", "---\ntitle: never closed\nBody.\n", "never closed"),
        ("No front matter.\n---\nA rule above.\n", "No front matter.\n---\nA rule above.\n", None),
    ],
)
def test_front_matter_problems_keep_the_text(text, body, warning):
    meta, got_body, warnings = split_front_matter(text)
    assert meta == {}
    assert got_body == body
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warning in warnings[0]


# --- formats ---------------------------------------------------------------------

def test_read_markdown_with_front_matter(write):
    path = write("n.md", "---\ntitle: Hello\ndate: 2025-02-13\n---\n# Heading\n\nText *as written*.\n")
    (ref,) = discover([path])
    result = read_input(ref)
    (raw,) = result.articles
    assert (raw.fmt, raw.title, raw.published) == ("markdown", "Hello", "2025-02-13")
    assert raw.body == "# Heading\n\nText *as written*.\n"
    assert result.problems == []


def test_read_rss_prefers_full_content(fixtures_dir):
    (ref,) = discover([str(fixtures_dir / "rss_content_encoded.xml")])
    result = read_input(ref)
    first, second = result.articles
    assert first.origin == f"{ref.origin}#1" and second.origin == f"{ref.origin}#2"
    assert first.fmt == "rss"
    assert first.guid == "lakeside-2025-0213-air"
    assert first.url == "https://lakeside.example.com/security/2025/02/air-policing"
    assert first.published == "Thu, 13 Feb 2025 23:30:00 -0500"
    assert first.source == "Lakeside Wire — Security"
    assert "permanent rota" in first.body and "teaser" not in first.body


def test_read_rss_description_only(fixtures_dir):
    (ref,) = discover([str(fixtures_dir / "rss_description_only.xml")])
    (raw,) = read_input(ref).articles
    assert "mandate from the United Nations" in raw.body
    assert raw.guid == raw.url == "https://riverside.example.org/briefs/2025/03/monitoring"


def test_read_atom(fixtures_dir):
    (ref,) = discover([str(fixtures_dir / "atom_feed.atom")])
    (raw,) = read_input(ref).articles
    assert raw.fmt == "atom"
    assert raw.guid == "urn:uuid:hillside-2025-04-01-planners"
    assert raw.published == "2025-04-01T21:00:00-04:00"
    assert "reassurance force" in raw.body and "Summary only" not in raw.body


def test_read_jsonl_keeps_good_lines_and_reports_the_bad_one(fixtures_dir):
    (ref,) = discover([str(fixtures_dir / "items.jsonl")])
    result = read_input(ref)
    assert [a.origin for a in result.articles] == [f"{ref.origin}#1", f"{ref.origin}#3"]
    assert [a.source for a in result.articles] == ["Capitol Notes", "Tiber Post"]
    (problem,) = result.problems
    assert problem.origin == ref.origin
    assert problem.problem.startswith("line 2: invalid JSON")


def test_read_jsonl_missing_text_is_a_problem(write):
    path = write("x.jsonl", '{"title": "no text here"}\n[1, 2]\n{"text": "Fine article text."}\n')
    result = read_input(next(iter(discover([path]))))
    assert [a.body for a in result.articles] == ["Fine article text."]
    assert [p.problem for p in result.problems] == [
        'line 1: no "text" field with article text',
        "line 2: expected a JSON object, got list",
    ]


def test_jsonl_line_separators_inside_strings_do_not_split_items(write):
    path = write("sep.jsonl", '{"text": "one\u2028two\u0085three"}\r\n{"text": "second"}\n')
    result = read_input(next(iter(discover([path]))))
    assert [a.body for a in result.articles] == ["one\u2028two\u0085three", "second"]
    assert result.problems == []


def test_xml_that_is_not_a_feed_is_an_error(write):
    path = write("config.xml", '<?xml version="1.0"?><settings><colour>blue</colour></settings>')
    with pytest.raises(InputError) as err:
        read_input(next(iter(discover([path]))))
    assert err.value.origin == path
    assert err.value.problem == "not an RSS or Atom feed"


def test_feed_without_items_is_reported(write):
    path = write("empty.rss", '<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    result = read_input(next(iter(discover([path]))))
    assert result.articles == []
    assert [p.problem for p in result.problems] == ["feed has no items"]


def test_size_limit_is_configurable(write):
    path = write("big.txt", "word " * 1000)
    ref = next(iter(discover([path])))
    with pytest.raises(InputError, match=r"file too large \(0\.0 MB > 0\.0 MB limit\)"):
        read_input(ref, max_bytes=1000)
    assert read_input(ref, max_bytes=DEFAULT_MAX_BYTES).articles


# --- URLs over a real local server ----------------------------------------------

def test_fetch_feed_over_http_with_gzip_and_user_agent(http_server, fixtures_dir):
    url = http_server.add("/feed", body=(fixtures_dir / "rss_content_encoded.xml").read_bytes(), gzip=True)
    (ref,) = discover([url])
    result = read_input(ref, timeout=5)
    assert [a.origin for a in result.articles] == [f"{url}#1", f"{url}#2"]
    headers = http_server.requests[0]["headers"]
    assert headers["User-Agent"].startswith("stancewatch/")
    assert "gzip" in headers["Accept-Encoding"]


def test_url_serving_an_html_page_is_one_article(http_server, fixtures_dir):
    url = http_server.add("/story", body=(fixtures_dir / "page_with_boilerplate.html").read_bytes(),
                          content_type="text/html; charset=utf-8")
    (raw,) = read_input(next(iter(discover([url]))), timeout=5).articles
    assert raw.fmt == "html" and raw.origin == url and raw.url == url


def test_feed_served_as_text_html_is_still_a_feed(http_server, fixtures_dir):
    url = http_server.add("/rss", body=(fixtures_dir / "rss_description_only.xml").read_bytes(),
                          content_type="text/html; charset=utf-8")
    (raw,) = read_input(next(iter(discover([url]))), timeout=5).articles
    assert raw.fmt == "rss" and raw.origin == f"{url}#1"


def test_oversized_response_is_refused(http_server):
    url = http_server.add("/huge", body=b"<rss>" + b"x" * 5000)
    with pytest.raises(InputError, match="response too large"):
        read_input(next(iter(discover([url]))), timeout=5, max_bytes=1000)


# --- publication dates -----------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "hint", "expected"),
    [
        ("2025-02-13", None, date(2025, 2, 13)),
        # a zoned time keeps its own calendar day, the day its "today" and weekdays count from
        ("Thu, 13 Feb 2025 23:30:00 -0500", None, date(2025, 2, 13)),
        ("Thu, 13 Feb 2025 23:30:00 EST", None, date(2025, 2, 13)),
        ("Thursday, February 13, 2025 11:30 PM EST", None, date(2025, 2, 13)),
        ("2025-02-14T00:30:00+01:00", None, date(2025, 2, 14)),
        ("2014-09-06T07:45:00+01:00", None, date(2014, 9, 6)),
        ("2025-02-13T10:00:00", None, date(2025, 2, 13)),
        ("Saturday 6 September 2014", None, date(2014, 9, 6)),
        ("Published: 13 February 2025", None, date(2025, 2, 13)),
        ("13 Feb", 2025, date(2025, 2, 13)),
        ("Thursday 13 Feb", 2025, date(2025, 2, 13)),
    ],
)
def test_parse_published(value, hint, expected):
    assert parse_published(value, year_hint=hint) == (expected, None)


@pytest.mark.parametrize(
    ("value", "hint", "problem"),
    [
        ("13 Feb", None, "has no year"),
        ("Friday 13 Feb", 2025, "is not a Friday"),
        ("February 2025", None, "unrecognised date"),
        ("soon", None, "unrecognised date"),
        ("0001-01-01", None, "implausible date"),
        ("2025-02-30", None, "not a valid date"),
    ],
)
def test_parse_published_refuses(value, hint, problem):
    day, reason = parse_published(value, year_hint=hint)
    assert day is None and problem in reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2025-02-13-hegseth.md", date(2025, 2, 13)),
        ("brief_20250213.txt", date(2025, 2, 13)),
        ("2025_02_13.html", date(2025, 2, 13)),
        ("report-2025-13-40.md", None),
        ("id-1202502139.md", None),
        ("notes.md", None),
    ],
)
def test_date_in_name(name, expected):
    assert date_in_name(name) == expected


def test_html_published_prefers_meta_then_json_ld_then_time():
    meta = '<html><head><meta property="article:published_time" content="2025-01-02T03:04:05Z"></head><body><time datetime="2020-01-01">x</time></body></html>'
    ld = '<html><head><script type="application/ld+json">{"@graph": [{"datePublished": "2024-05-06"}]}</script></head><body><p>x</p></body></html>'
    time_tag = '<html><body><aside><time datetime="2019-01-01">old</time></aside><article><time datetime="2023-03-03">t</time></article></body></html>'
    assert html_published(meta) == "2025-01-02T03:04:05Z"
    assert html_published(ld) == "2024-05-06"
    assert html_published(time_tag) == "2023-03-03"
    assert html_published("<html><body><p>none</p></body></html>") is None


def test_plausibility_check_survives_a_leap_day():
    from etl.pubdates import _plausible

    leap_day = date(2028, 2, 29)
    assert _plausible(date(2028, 2, 28), "x", today=leap_day) == (date(2028, 2, 28), None)
    assert _plausible(date(2030, 1, 1), "'2030-01-01'", today=leap_day)[0] is None


def test_jsonl_falls_back_to_published_when_date_is_null_or_blank(write):
    path = write("wire.jsonl", '{"text": "One.", "date": null, "published": "2025-02-13"}\n'
                               '{"text": "Two.", "date": " ", "published": "2025-02-14"}\n')
    result = read_input(InputRef(origin=path, kind="file", fmt="jsonl"))
    assert [a.published for a in result.articles] == ["2025-02-13", "2025-02-14"]
