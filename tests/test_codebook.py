"""The codebook loader and `stance codebook check`: every problem reported at once, with lines."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from click.testing import CliRunner

from etl.cli import cli
from etl.codebook import CODEBOOK_ENV, DEFAULT_CODEBOOK, check_codebook, load_codebook
from etl.errors import CodebookError

GOOD = textwrap.dedent("""\
    version: "t1"
    speech_verbs: [say]
    offices:
      - {id: head_of_state, titles: [president]}
      - {id: spokesperson, titles: [spokesman], shared: true}
    topics:
      - id: t
        proposition: Something should happen.
        cues: [thing]
    actors:
      - {id: land, name: Land, kind: group, metonyms: [the Palace], adjectives: [Landish]}
      - id: ann
        name: Ann Example
        kind: person
        aliases: [Example]
        roles:
          - {group: land, office: head_of_state, title: President, from: 2001-02-03, to: 2005}
    """)

# Each case: a broken codebook, and (line, fragment) pairs every one of which must be reported.
BROKEN = textwrap.dedent("""\
    version: "t2"
    speech_verbs: [say]
    colour: blue
    offices:
      - {id: head_of_state, titles: [president]}
      - {id: head_of_state, titles: [head]}
    topics:
      - id: empty
        proposition: Nothing to see.
    actors:
      - {id: land, name: Land, kind: group}
      - {id: land, name: Other Land, kind: group}
      - {id: bob, name: Bob, kind: robot}
      - id: carl
        name: Carl
        kind: person
        aliases: [Land]
        roles:
          - {group: nowhere, office: emperor, from: 2010-01-01}
          - {group: land, office: head_of_state, from: 2012-05-01, to: 2011-01-01}
          - {group: land, office: head_of_state, from: 2013-13-45}
      - {id: dora, kind: person}
      - id: eve
        name: Eve
        kind: person
        roles:
          - {group: land, office: head_of_state, from: 2014-01-01, to: 2016-01-01}
      - id: fay
        name: Fay
        kind: person
        roles:
          - {group: land, office: head_of_state, from: 2015-01-01}
    """)

BROKEN_ERRORS = [
    (6, "office 'head_of_state' defined twice"),
    (8, "topic 'empty': no cues"),
    (12, "duplicate actor id 'land'"),
    (13, "unknown kind 'robot'"),
    (17, "'Land' is already claimed by 'land'"),
    (19, "unknown group 'nowhere'"),
    (19, "unknown office 'emperor'"),
    (20, "role ends (2011-01-01) before it starts (2012-05-01)"),
    (21, "bad date '2013-13-45'"),
    (22, "missing required field 'name'"),
]
BROKEN_WARNINGS = [
    (3, "unknown key 'colour'"),
    (32, "'eve' and 'fay' both hold head_of_state of land at once"),
]


def write(tmp_path, text: str):
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_codebook_loads(tmp_path):
    book = load_codebook(write(tmp_path, GOOD))
    ann = book.actor("ann")
    assert book.version == "t1"
    assert ann.roles[0].start == date(2001, 2, 3)
    assert ann.roles[0].end == date(2005, 12, 31)  # a bare year widens to its last day
    assert book.holders("land", "head_of_state", date(2004, 1, 1)) == [ann]
    assert book.holders("land", "head_of_state", date(2006, 1, 1)) == []
    assert ann.group_on(date(2003, 1, 1)) == "land"
    assert book.actor("land").metonyms == ("the Palace",)
    assert book.extra["shared_offices"] == {"spokesperson"}


@pytest.mark.parametrize("line, fragment", BROKEN_ERRORS)
def test_broken_codebook_reports_each_error_with_line(tmp_path, line, fragment):
    result = check_codebook(write(tmp_path, BROKEN))
    path = str(tmp_path / "codebook.yaml")
    assert any(e.startswith(f"{path}:{line}:") and fragment in e for e in result.errors), \
        result.errors


@pytest.mark.parametrize("line, fragment", BROKEN_WARNINGS)
def test_broken_codebook_reports_each_warning_with_line(tmp_path, line, fragment):
    result = check_codebook(write(tmp_path, BROKEN))
    assert any(f":{line}:" in w and fragment in w for w in result.warnings), result.warnings


def test_broken_codebook_reports_all_at_once(tmp_path):
    result = check_codebook(write(tmp_path, BROKEN))
    assert result.codebook is None
    assert len(result.errors) == len(BROKEN_ERRORS)
    with pytest.raises(CodebookError) as info:
        load_codebook(tmp_path / "codebook.yaml")
    assert info.value.problems == result.errors


@pytest.mark.parametrize("text, line, fragment", [
    ("version: '1'\nactors: [\n  {id: a\n", 4, "YAML syntax error"),
    ("version: '1'\ntopics: {a: 1}\n", 2, "topics must be a list"),
    ("- just\n- a list\n", 1, "codebook must be a mapping"),
    ("", 1, "codebook is empty"),
    ("version: '1'\n", 1, "missing required section 'actors'"),
])
def test_malformed_files(tmp_path, text, line, fragment):
    result = check_codebook(write(tmp_path, text))
    assert any(f":{line}:" in e and fragment in e for e in result.errors), result.errors


@pytest.mark.parametrize("extra, fragment", [
    ("topics:\n  - {id: t, proposition: P., cues: [x], support: [Go], oppose: [go]}\n",
     "'go' is both a support and an oppose cue"),
    ("office_phrases:\n  - {phrase: Big Boss, group: land, office: head_of_state}\n"
     "  - {phrase: big boss, group: land, office: head_of_state}\n",
     "office phrase 'big boss' given twice"),
])
def test_suspicious_entries_warn(tmp_path, extra, fragment):
    text = GOOD.replace("topics:\n  - id: t\n    proposition: Something should happen.\n"
                        "    cues: [thing]\n", "") + extra
    if "topics:" not in extra:
        text += "topics:\n  - {id: t, proposition: P., cues: [x]}\n"
    result = check_codebook(write(tmp_path, text))
    assert result.ok, result.errors
    assert any(fragment in w for w in result.warnings), result.warnings


def test_missing_file_is_an_error(tmp_path):
    result = check_codebook(tmp_path / "nope.yaml")
    assert not result.ok and "cannot read codebook" in result.errors[0]


def test_env_points_at_another_codebook(tmp_path, monkeypatch):
    monkeypatch.setenv(CODEBOOK_ENV, str(write(tmp_path, GOOD)))
    assert load_codebook().version == "t1"


def test_shipped_codebook_checks_clean():
    result = check_codebook(DEFAULT_CODEBOOK)
    assert result.errors == [] and result.warnings == []


@pytest.mark.parametrize("person, group, office, day", [
    ("pete_hegseth", "united_states", "defense_minister", date(2025, 3, 1)),
    ("lloyd_austin", "united_states", "defense_minister", date(2022, 6, 1)),
    ("olaf_scholz", "germany", "head_of_government", date(2023, 1, 1)),
    ("friedrich_merz", "germany", "head_of_government", date(2025, 6, 1)),
    ("vladimir_putin", "russia", "head_of_government", date(2010, 1, 1)),
    ("dmitry_medvedev", "russia", "head_of_state", date(2010, 1, 1)),
    ("donald_trump", "united_states", "head_of_state", date(2018, 7, 11)),
    ("joe_biden", "united_states", "head_of_state", date(2022, 1, 1)),
    ("kaja_kallas", "european_union", "foreign_minister", date(2025, 2, 1)),
    ("mark_rutte", "nato", "secretary_general", date(2025, 6, 24)),
    ("jens_stoltenberg", "nato", "secretary_general", date(2019, 1, 1)),
    ("donald_tusk", "poland", "head_of_government", date(2024, 1, 1)),
])
def test_shipped_roles(person, group, office, day):
    book = load_codebook()
    assert [a.id for a in book.holders(group, office, day)] == [person]


def test_shipped_codebook_size_and_topics():
    book = load_codebook()
    assert sum(a.kind == "person" for a in book.actors) >= 60
    assert sum(a.kind == "group" for a in book.actors) >= 30
    assert {t.id for t in book.topics} >= {"nato_membership", "troop_deployment", "burden_sharing"}
    assert "Zelensky" in book.actor("volodymyr_zelenskyy").aliases
    assert "the Kremlin" in book.actor("russia").metonyms


def test_cli_check_ok():
    result = CliRunner().invoke(cli, ["codebook", "check"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "ok (version" in result.output


def test_cli_check_broken_lists_every_problem(tmp_path):
    path = write(tmp_path, BROKEN)
    result = CliRunner().invoke(cli, ["codebook", "check", "--codebook", str(path)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    for line, fragment in BROKEN_ERRORS:
        assert f"{path}:{line}: " in result.output and fragment in result.output
    assert f"{len(BROKEN_ERRORS)} error(s)" in result.output


def test_cli_show_lists_holders():
    result = CliRunner().invoke(cli, ["codebook", "show", "--on", "2025-03-01"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert "United States / defense_minister: Pete Hegseth" in result.output


@pytest.mark.parametrize("old, new, line, fragment", [
    ("to: 2005}", "to: [2005]}", 17, "role 'to': a date must be a single value"),
    ("shared: true}", "shared: sometimes}", 5, "office 'spokesperson': 'shared' must be true or false"),
])
def test_values_of_the_wrong_shape_are_errors_not_silently_dropped(tmp_path, old, new, line, fragment):
    result = check_codebook(write(tmp_path, GOOD.replace(old, new)))
    assert any(f":{line}:" in e and fragment in e for e in result.errors), result.errors
