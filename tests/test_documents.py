"""RawArticle -> Document: clean text, metadata, date precedence, ids, and load_documents end to end."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from etl.documents import NO_DATE_WARNING, clean_text, load_documents, text_id, to_document
from etl.errors import InputError
from etl.models import RawArticle

FRONT = "---\ntitle: {title}\ndate: {date}\nsource: Harbour Gazette\nurl: https://e.org/{slug}\n---\n"
BODY = 'VILNIUS — The minister said on Monday that "the door is open".\n\nShe added nothing.\n'


def _docs(paths, **kwargs):
    problems: list[InputError] = []
    docs = list(load_documents(paths, on_error=problems.append, **kwargs))
    return docs, problems


def test_text_file_with_front_matter(write):
    path = write("desk/brief.txt", FRONT.format(title="Door open", date="2025-02-10", slug="a") + BODY)
    (doc,), problems = _docs([path])
    assert problems == []
    assert doc.fmt == "text"
    assert doc.title == "Door open"
    assert doc.source == "Harbour Gazette"
    assert doc.url == "https://e.org/a"
    assert (doc.published, doc.date_source) == (date(2025, 2, 10), "metadata")
    assert doc.text == BODY.strip()
    assert doc.warnings == ()


def test_markdown_without_front_matter_is_kept_as_written(write):
    body = "# Not rendered\n\n> quoted *line* with ‘curly’ and \"straight\" quotes\n"
    path = write("wire/2025-03-01-note.md", body)
    (doc,), _ = _docs([path])
    assert doc.text == body.strip()
    assert doc.title == "Not rendered"  # the leading heading, left in the text as written
    assert doc.source == "wire"  # the parent folder
    assert (doc.published, doc.date_source) == (date(2025, 3, 1), "filename")


def test_html_page_loses_boilerplate_and_keeps_metadata(fixtures_dir):
    (doc,), problems = _docs([str(fixtures_dir / "page_with_boilerplate.html")])
    assert problems == []
    assert doc.fmt == "html"
    assert doc.title == "Baltic ministers ask allies for a firm membership timetable"
    assert doc.source == "Harbour Gazette"
    assert doc.url == "https://harbour.example.net/world/2025/03/baltic-timetable"
    # 2025-03-04T22:15:00-05:00: the 4th where the paper ran it (the 5th in UTC)
    assert (doc.published, doc.date_source) == (date(2025, 3, 4), "metadata")
    assert doc.text.startswith("RIGA — Foreign ministers")
    assert '"A door that stays half open is an invitation to keep pushing on it," the Latvian' in doc.text
    assert "Diplomats from larger members were sceptical" in doc.text
    assert doc.text.count("\n\n") == 3  # four paragraphs
    for boilerplate in ("cookies", "Front page", "World desk", "Related", "Harbour drills", "Ferry strike",
                        "Copyright", "Privacy statement", "By Ilse Varga"):
        assert boilerplate not in doc.text


def test_rss_items_become_documents_with_their_local_dates(fixtures_dir):
    docs, problems = _docs([str(fixtures_dir / "rss_content_encoded.xml")])
    assert problems == []
    first, second = docs
    assert first.origin.endswith("rss_content_encoded.xml#1")
    assert first.fmt == "rss"
    assert first.source == "Lakeside Wire — Security"
    assert first.published == date(2025, 2, 13)  # Thu, 13 Feb 2025 23:30:00 -0500: Thursday where it ran
    assert first.text == (
        "OSLO — Defence chiefs from the Nordic countries said on Thursday that they would study a permanent"
        " rota for policing the airspace of their eastern neighbours.\n\n"
        '"We can share the load without waiting for anyone else," the Norwegian chief of defence told a'
        " news conference.\nHe did not give a date."
    )
    assert second.title == "Parliament in Tallinn approves higher defence budget"


def test_rss_description_only_and_atom(fixtures_dir):
    docs, problems = _docs([str(fixtures_dir / "rss_description_only.xml"), str(fixtures_dir / "atom_feed.atom")])
    assert problems == []
    rss, atom = docs
    assert rss.text == ("Two ministers said on Monday that any monitoring mission would need a mandate from the"
                        ' United Nations.\n\nA third called that demand "a recipe for doing nothing".')
    assert atom.fmt == "atom"
    assert atom.source == "Hillside Review"
    assert atom.published == date(2025, 4, 1)  # 21:00 at -04:00: still the 1st where it ran
    assert atom.text.endswith('"practical, not political".')


def test_jsonl_items_and_bad_line(fixtures_dir):
    docs, problems = _docs([str(fixtures_dir / "items.jsonl")])
    assert [d.title for d in docs] == ["Senator urges allies to spend more", "Minister rules out troops"]
    assert [d.published for d in docs] == [date(2025, 2, 12), date(2025, 2, 13)]
    assert len(problems) == 1 and "line 2" in problems[0].problem


def test_folders_are_read_recursively(fixtures_dir, tmp_path, write):
    shutil.copytree(fixtures_dir, tmp_path / "in" / "nested")
    write("in/top.md", "A top-level note about allies and budgets, long enough to count.\n")
    docs, problems = _docs([str(tmp_path / "in")])
    origins = [d.origin for d in docs]
    assert len(docs) == 1 + 2 + 1 + 2 + 1 + 1  # atom, jsonl (2 good), page, rss (2), rss, top.md
    assert origins[-1].endswith("top.md")
    assert [p.problem for p in problems] == ["line 2: invalid JSON (Unterminated string starting at, column 34)"]


def test_date_override_wins_over_everything(write, fixtures_dir):
    path = write("2020-01-01-x.md", FRONT.format(title="t", date="2025-02-10", slug="b") + BODY)
    docs, _ = _docs([path, str(fixtures_dir / "page_with_boilerplate.html")], date_override=date(2024, 6, 1),
                    source_override="Analyst upload")
    assert {(d.published, d.date_source, d.source) for d in docs} == {(date(2024, 6, 1), "cli", "Analyst upload")}


def test_metadata_date_beats_file_name(write):
    path = write("2020-01-01-x.md", FRONT.format(title="t", date="2025-02-10", slug="c") + BODY)
    (doc,), _ = _docs([path])
    assert (doc.published, doc.date_source) == (date(2025, 2, 10), "metadata")


def test_unusable_metadata_date_falls_back_to_file_name_with_warning(write):
    path = write("20250211-x.md", FRONT.format(title="t", date="sometime soon", slug="d") + BODY)
    (doc,), _ = _docs([path])
    assert (doc.published, doc.date_source) == (date(2025, 2, 11), "filename")
    assert doc.warnings == ("publication date not used: unrecognised date 'sometime soon'",)


def test_year_less_date_takes_the_year_from_the_url():
    raw = RawArticle(origin="feed.xml#1", body="Text of the item.", fmt="rss", published="Thursday 13 Feb",
                     url="https://e.org/2025/02/item")
    doc = to_document(raw)
    assert (doc.published, doc.date_source) == (date(2025, 2, 13), "metadata")


def test_year_less_date_without_any_year_is_left_undated():
    raw = RawArticle(origin="feed.xml#1", body="Text of the item.", fmt="rss", published="13 Feb")
    doc = to_document(raw)
    assert (doc.published, doc.date_source) == (None, "none")
    assert doc.warnings == ("publication date not used: date '13 Feb' has no year", NO_DATE_WARNING)


def test_same_article_from_two_feeds_has_one_id():
    a = RawArticle(origin="a.xml#1", body="<p>He said: “We will not send troops.”</p>", fmt="rss", source="A")
    b = RawArticle(origin="https://b.example/feed#4", body='<div>He  said: "We will\nnot send troops."</div>',
                   fmt="atom", source="B")
    assert to_document(a).id == to_document(b).id
    assert to_document(a).text != to_document(b).text  # quotes are kept as written


def test_clean_text_normalises_layout_but_not_quotes():
    raw = "  Line one   \r\nline two\t\r\n\r\n\r\n\r\nCafe\u0301 «\u202fmot\u202f» ‘x’\n\n\n"
    assert clean_text(raw) == "  Line one\nline two\n\nCafé « mot » ‘x’"
    assert clean_text("mem\u00adber\u200bship\x07 of\u00a0NATO\u2028next") == "membership of NATO\nnext"
    assert text_id("Café «mot»") == text_id('CAFÉ   "mot"')


def test_html_with_no_article_text_is_an_error():
    raw = RawArticle(origin="shell.html", body="<html><body><nav><a href='/'>Home</a></nav></body></html>", fmt="html")
    with pytest.raises(InputError) as err:
        to_document(raw)
    assert (err.value.origin, err.value.problem) == ("shell.html", "no article text found")


def test_source_falls_back_to_host_for_urls():
    raw = RawArticle(origin="https://news.example.org/feed#2", body="Some text.", fmt="rss")
    assert to_document(raw).source == "news.example.org"


def test_html_date_is_not_taken_from_the_article_body():
    page = ("<html><head><title>Talks end</title></head><body><article><p>The talks, which began on 3 March 2022 in"
            " Antalya, ended without agreement. The minister said that both delegations had rejected the ceasefire"
            " proposals and would meet again.</p></article></body></html>")
    doc = to_document(RawArticle(origin="talks.html", body=page, fmt="html"))
    assert (doc.published, doc.date_source) == (None, "none")


@pytest.mark.parametrize("written", ["2025-02-30", "2025-13-01"])
def test_impossible_front_matter_date_is_a_warning_not_a_crash(write, written):
    path = write("20250211-x.md", FRONT.format(title="t", date=written, slug="e") + BODY)
    (doc,), problems = _docs([path])
    assert problems == []
    assert (doc.title, doc.published, doc.date_source) == ("t", date(2025, 2, 11), "filename")
    assert doc.warnings == (f"publication date not used: not a valid date: {written!r}",)


def test_front_matter_date_with_time_and_zone_keeps_its_own_day(write):
    path = write("x.md", FRONT.format(title="t", date="2025-02-13 23:30:00-05:00", slug="f") + BODY)
    (doc,), _ = _docs([path])
    assert (doc.published, doc.date_source) == (date(2025, 2, 13), "metadata")


def test_front_matter_value_that_cannot_be_built_drops_the_metadata_with_a_warning(write):
    path = write("x.md", "---\ntitle: t\nsource: !!int abc\n---\n" + BODY)
    (doc,), problems = _docs([path])
    assert problems == []
    assert doc.title is None
    assert any("front matter has a bad value" in w for w in doc.warnings)


def test_xhtml_page_with_an_xml_declaration_is_read(write):
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Talks in Brussels</title>'
        '<meta name="date" content="2025-02-13"/></head><body><article><h1>Talks in Brussels</h1>'
        '<p>"There will be no NATO troops in Ukraine," Kremlin spokesman Dmitry Peskov told reporters on'
        " Thursday in Moscow after the meeting.</p><p>British Prime Minister Keir Starmer said Britain was ready"
        " to put troops on the ground in Ukraine as part of a peace deal.</p></article></body></html>\n"
    )
    (doc,), problems = _docs([write("talks.xhtml.html", page)])
    assert problems == []
    assert doc.title == "Talks in Brussels"
    assert (doc.published, doc.date_source) == (date(2025, 2, 13), "metadata")
    assert "Keir Starmer said Britain was ready" in doc.text
