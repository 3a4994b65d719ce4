"""Statement dates: weekday arithmetic, explicit dates, relative words, missing publication dates."""

from __future__ import annotations

from datetime import date

import pytest

from etl.models import Document
from etl.nlp import load_nlp
from etl.statement_dates import find_cues, resolve, weekday_on_or_before
from etl.statements import StatementExtractor
from minicodebook import mini_codebook

THU = date(2025, 2, 13)


@pytest.mark.parametrize("cue, published, expected", [
    ("on Wednesday", THU, date(2025, 2, 12)),
    ("on Thursday", THU, THU),  # the same weekday is the publication day
    ("on Friday", THU, date(2025, 2, 7)),  # a later weekday means last week
    ("on Wednesday (February 12)", THU, date(2025, 2, 12)),
    ("on Monday evening", THU, date(2025, 2, 10)),
    ("last Tuesday", THU, date(2025, 2, 11)),
    ("last Thursday", THU, date(2025, 2, 6)),
    ("on Sunday", date(2025, 3, 3), date(2025, 3, 2)),  # across a month end
    ("on Wednesday", date(2025, 1, 2), date(2025, 1, 1)),
    ("on Thursday", date(2025, 1, 1), date(2024, 12, 26)),  # across a year end
    ("on 12 February", THU, date(2025, 2, 12)),
    ("on March 3", THU, date(2024, 3, 3)),  # a later month than publication: the year before
    ("on January 30", THU, date(2025, 1, 30)),
    ("on December 8", date(2022, 1, 5), date(2021, 12, 8)),
    ("on March 3, 2019", THU, date(2019, 3, 3)),
    ("yesterday", THU, date(2025, 2, 12)),
    ("yesterday", date(2025, 3, 1), date(2025, 2, 28)),
    ("earlier today", THU, THU),
    ("last week", THU, date(2025, 2, 6)),
    ("on Thursday of last week", THU, date(2025, 2, 6)),
    ("on Monday of last week", THU, date(2025, 2, 3)),
    ("on the 12th of February", THU, date(2025, 2, 12)),
    ("on the 3rd of March 2019", THU, date(2019, 3, 3)),
    ("on February 12th", THU, date(2025, 2, 12)),
    ("on Wednesday night", THU, date(2025, 2, 12)),
    ("two days ago", THU, date(2025, 2, 11)),
    ("a day ago", THU, date(2025, 2, 12)),
])
def test_resolve(cue, published, expected):
    assert resolve(cue, published) == expected


@pytest.mark.parametrize("cue, expected", [
    ("on Wednesday", None),
    ("yesterday", None),
    ("on March 3", None),
    ("on March 3, 2024", date(2024, 3, 3)),  # a full date needs no publication date
    ("2024-03-03", date(2024, 3, 3)),
])
def test_missing_publication_date(cue, expected):
    assert resolve(cue, None) == expected


def test_weekday_on_or_before_every_day_of_a_week():
    for offset in range(7):
        day = weekday_on_or_before(2, date(2025, 2, 10 + offset))  # Wednesday
        assert day.weekday() == 2 and 0 <= (date(2025, 2, 10 + offset) - day).days < 7


@pytest.mark.parametrize("cue", [
    "last Tuesday", "this past Monday", "on Thursday of last week", "at Tuesday's talks", "on Monday evening",
    "on Wednesday (February 12)", "on 12 February", "on March 3, 2019", "on the 12th of February", "2024-03-03",
    "on the 11th", "on the morning of the 1st", "yesterday", "last night", "earlier today", "Today", "this morning",
    "tonight", "last week", "two days ago", "3 days ago", "a day earlier", "the previous day", "the day before",
])
def test_every_kind_of_cue_is_found_inside_a_sentence(cue):
    """One example of each alternative of the cue pattern, so the quick pre-check passes them all."""
    sentence = f"They met {cue}, officials said."
    expected = [cue.removesuffix(" talks")]  # the occasion after a possessive weekday is not the cue
    assert [c.text for c in find_cues(sentence, THU)] == expected
    assert [c.text for c in find_cues("Leaders met. " + sentence, THU, 13, 13 + len(sentence))] == expected


def test_no_cue_words():
    assert find_cues("The Tuesday's meeting may 10 times", THU) == []
    assert find_cues("They meet next Tuesday or this coming Friday.", THU) == []
    assert find_cues("They met in March.", THU) == []


def _extract(text: str, published: date | None = THU) -> list:
    """The statements of one Markdown article published on `published`."""
    nlp = load_nlp()
    extractor = StatementExtractor(mini_codebook(), nlp)
    doc = Document(id="d", origin="d.md", fmt="markdown", title=None, text=text, url=None,
                   source=None, published=published, date_source="metadata")
    prep = extractor.prepare(doc)
    for sent, sdoc in zip(prep.sentences, nlp.pipe(prep.texts())):
        sent.doc = sdoc
    return extractor.finish(prep)[0]


def _dates(text: str, published: date | None):
    return [(s.actor_name, s.date, s.date_cue) for s in _extract(text, published)]


def test_statement_dates_in_context():
    text = ("Mark Rutte said on Wednesday that allies must spend more. He added that the target "
            "would rise.\n\nOlaf Scholz said Germany would meet it. Moscow demands that NATO stop "
            "expanding. Rutte said on Thursday, after talks that began on Monday, that nothing changed.")
    assert _dates(text, THU) == [
        ("Mark Rutte", date(2025, 2, 12), "on Wednesday"),
        ("Mark Rutte", date(2025, 2, 12), "on Wednesday"),  # same speaker, past tense: same day
        ("Olaf Scholz", THU, None),  # no cue: publication date
        ("Russia", THU, None),  # a present-tense position holds on the publication day
        ("Mark Rutte", THU, "on Thursday"),  # the cue of the speech clause, not of a side clause
    ]


def test_paragraph_scene_and_same_occasion():
    text = ("Leaders met in Brussels on Tuesday. Olaf Scholz said that Germany would pay more.\n\n"
            "Mark Rutte said that the target stood. Keir Starmer told the same meeting that Britain agreed.")
    assert _dates(text, THU) == [
        ("Olaf Scholz", date(2025, 2, 11), "on Tuesday"),  # the paragraph's scene
        ("Mark Rutte", THU, None),  # a new paragraph, no cue
        ("Keir Starmer", date(2025, 2, 11), "on Tuesday"),  # "the same meeting"
    ]


def test_cue_inside_reported_content_is_not_the_speech_date():
    text = "Mark Rutte said that allies would meet on Friday to discuss spending."
    assert _dates(text, THU) == [("Mark Rutte", THU, None)]


def test_undated_article_without_a_full_date_has_no_days():
    text = "Mark Rutte said on Wednesday that allies must pay. Olaf Scholz said on March 3 that they would."
    assert _dates(text, None) == [("Mark Rutte", None, "on Wednesday"), ("Olaf Scholz", None, "on March 3")]


def test_possessive_weekday_dates_only_an_occasion():
    assert [c.day for c in find_cues("At Tuesday's summit he spoke.", THU)] == [date(2025, 2, 11)]
    assert find_cues("He referred to Tuesday's comments.", THU) == []


def test_undated_article_anchors_on_its_latest_full_date():
    text = ("The talks of 3 March 2025 ended without a deal. Mark Rutte said on Tuesday that allies "
            "would try again.\n\nOlaf Scholz said that Germany agreed.")
    rows = _dates(text, None)
    assert rows[0][:2] == ("Mark Rutte", date(2025, 2, 25))  # 3 March 2025 was a Monday
    assert rows[1][1] == date(2025, 3, 3) and "latest full date" in rows[1][2]


def test_live_blog_date_headings():
    text = ("Wednesday, February 12\n\n"
            "10:05 Mark Rutte says allies must spend more.\n\n"
            "Thursday, February 13\n\n"
            "09:10 Olaf Scholz says Germany will pay its share.")
    assert _dates(text, THU) == [
        ("Mark Rutte", date(2025, 2, 12), "Wednesday, February 12"),
        ("Olaf Scholz", THU, "Thursday, February 13"),
    ]


@pytest.mark.parametrize("text, expected", [
    # the host clause's day is not the day of speech reported after "after"
    ("Allies scrambled on Monday after Mark Rutte had said that 5% was the floor.", [("Mark Rutte", THU, None)]),
    ("Capitals scrambled on Monday to respond after Keir Starmer, the British prime minister, said "
     "troops could go.", [("Keir Starmer", THU, None)]),
    # a coordinated verb and a participle share the speech verb's day
    ("The British prime minister on Sunday pledged money and said Britain would send troops.",
     [("Keir Starmer", date(2025, 2, 9), "on Sunday")]),
    ("Speaking in Tallinn on Wednesday, Kaja Kallas said the talks must begin.",
     [("Kaja Kallas", date(2025, 2, 12), "on Wednesday")]),
    # a relative clause's day belongs to its own event
    ("Olaf Scholz, who met Macron on Monday, said on Tuesday that no soldiers would go.",
     [("Olaf Scholz", date(2025, 2, 11), "on Tuesday")]),
    # a relative clause on the occasion of the speech dates the speech
    ("In an interview that aired on Sunday, Olaf Scholz said no soldiers would go.",
     [("Olaf Scholz", date(2025, 2, 9), "on Sunday")]),
    # the speaker's own relative clause is dated by its cue
    ("Kaja Kallas asked whether Olaf Scholz agreed with Pete Hegseth, who told allies on Monday that "
     "Ukraine could not join.", [("Pete Hegseth", date(2025, 2, 10), "on Monday")]),
])
def test_cue_of_the_speech_clause(text, expected):
    assert _dates(text, THU) == expected


def test_another_speakers_day_is_not_carried_over():
    text = "Pete Hegseth said on Wednesday that membership was unrealistic. Mark Rutte said the door was open."
    assert _dates(text, THU) == [("Pete Hegseth", date(2025, 2, 12), "on Wednesday"),
                                 ("Mark Rutte", THU, None)]


def test_the_same_meeting_carries_to_later_pronouns():
    text = ("Mark Rutte said on Tuesday that allies must pay. Keir Starmer told the same meeting that "
            "Britain agreed. He said that spending would rise.")
    assert [row[1] for row in _dates(text, THU)] == [date(2025, 2, 11)] * 3


def test_coordinated_speakers_share_the_day():
    text = "Britain and France said on Tuesday that they were ready to send troops."
    assert _dates(text, THU) == [("United Kingdom", date(2025, 2, 11), "on Tuesday"),
                                 ("France", date(2025, 2, 11), "on Tuesday")]


def test_live_blog_headings_with_times():
    text = ("Updated 12 Feb 2025, 14:32 GMT\n\n"
            "Mark Rutte says allies must spend more.\n\n"
            "13 February 2025 09:10 CET\n\n"
            "9.15am: Olaf Scholz says Germany will pay its share.")
    assert _dates(text, THU) == [
        ("Mark Rutte", date(2025, 2, 12), "12 Feb 2025"),
        ("Olaf Scholz", THU, "13 February 2025"),
    ]


def test_a_day_earlier_counts_back_from_the_last_event_told():
    text = ("Allies met in Brussels on Tuesday. A day earlier, Mark Rutte had said that 5% was the floor.")
    assert _dates(text, THU) == [("Mark Rutte", date(2025, 2, 10), "A day earlier")]
    # with no event told before it, from the publication date
    assert _dates("Two days earlier, Mark Rutte had said 5% was the floor.", THU) == [
        ("Mark Rutte", date(2025, 2, 11), "Two days earlier")]


def test_after_the_meeting_takes_the_day_the_meeting_was_dated():
    text = ("Leaders met in Paris on Monday to discuss a force for Ukraine. The talks ran late.\n\n"
            "Olaf Scholz said on Wednesday that he would wait.\n\n"
            "Keir Starmer told reporters after the meeting that Britain was ready.")
    statements = _extract(text)
    days = {s.actor_name: s.date for s in statements}
    assert days["Keir Starmer"] == date(2025, 2, 10)  # the Monday meeting, not Wednesday's remark
    assert days["Olaf Scholz"] == date(2025, 2, 12)


def test_a_meeting_in_a_relative_clause_does_not_date_the_remark():
    text = ("Leaders met in Paris on Monday.\n\n"
            "Olaf Scholz, who had spoken at the meeting, said that the plan was premature.")
    statements = _extract(text)
    assert [s.date for s in statements] == [THU]


def test_the_same_day_points_to_a_full_date_no_statement_took():
    text = ("At the Brussels summit on 11 July 2018 the leaders argued, according to Pete Hegseth, about money. "
            "Angela Merkel said the same day that Germany already did a great deal for the alliance.")
    statements = _extract(text)
    days = {s.actor_name: s.date for s in statements}
    assert days["Angela Merkel"] == date(2018, 7, 11)



@pytest.mark.parametrize(("text", "expected"), [
    # the year a paragraph (or a heading just above it) set carries to a later month and day
    ("2008: The Bucharest promise\n\nIn April 2008, Bush went further. Visiting Kyiv on April 1, he spoke.",
     date(2008, 4, 1)),
    ("Duda went further in March 2024. On March 11, he proposed three percent.", date(2024, 3, 11)),
    ("It came in March of last year. Macron had said on Feb. 26 that nothing was excluded.", date(2024, 2, 26)),
    ("Biden spoke in an interview that aired July 9, 2023. Two days later, on July 11, allies met.",
     date(2023, 7, 11)),
    # a year merely mentioned sets none; the month and day fall in the last twelve months
    ("Trump, who in 2019 called NATO obsolete, said on Feb. 12 that Europe must pay.", date(2025, 2, 12)),
    # a year set two paragraphs back is out of reach
    ("In April 2008, Bush spoke.\n\nThe summit ended.\n\nOn April 1, the minister spoke.", date(2025, 4, 1)),
    # a framed day after the publication date is not taken
    ("In May 2025, talks began. On May 20, he spoke.", date(2024, 5, 20)),
])
def test_month_and_day_take_the_year_the_text_set(text, expected):
    cue = [c for c in find_cues(text, date(2025, 4, 12)) if c.day is not None][-1]
    assert cue.day == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Stoltenberg said on the 11th that the plan was dropped.", date(2025, 4, 11)),
    ("Speaking on the radio on the morning of the 1st, Fillon said no.", date(2025, 4, 1)),
    ("He spoke on the 20th.", date(2025, 3, 20)),  # still to come this month: the month before
    ("By the end of 2024 Kyiv was searching. In Brussels on 4 December, Sybiha said so.", date(2024, 12, 4)),
    ("In late 2023, talks stalled. He said on 14 November that it was over.", date(2023, 11, 14)),
])
def test_ordinal_days_and_year_frames(text, expected):
    assert [c.day for c in find_cues(text, date(2025, 4, 12)) if c.day is not None][-1] == expected


def test_an_ordinal_before_a_noun_is_no_date():
    assert find_cues("They met on the 75th anniversary of the alliance.", date(2025, 4, 12)) == []
