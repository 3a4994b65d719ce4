"""Speaker resolution: dated roles, titles, metonyms, pronouns and newly seen actors."""

from __future__ import annotations

from datetime import date

import pytest

from etl.models import Document
from etl.nlp import load_nlp
from etl.engine import Engine
from etl.speakers import Context, names_someone_new, opening_name, opens_with_title, slugify
from etl.statements import StatementExtractor
from minicodebook import mini_codebook


@pytest.fixture(scope="module")
def extractor():
    return StatementExtractor(mini_codebook(), load_nlp())


@pytest.fixture(scope="module")
def engine():
    return Engine(mini_codebook(), load_nlp())


def engine_statements(engine, text: str, published: date):
    """Statements of `text` through the whole engine, which also decides which sentences are parsed."""
    doc = Document(id="s", origin="s.md", fmt="markdown", title=None, text=text, url=None,
                   source=None, published=published, date_source="metadata")
    return engine.extract(doc).statements


def speakers(extractor, text: str, published: date | None):
    doc = Document(id="s", origin="s.md", fmt="markdown", title=None, text=text, url=None,
                   source=None, published=published, date_source="metadata")
    prep = extractor.prepare(doc)
    for sent, sdoc in zip(prep.sentences, load_nlp().pipe(prep.texts())):
        sent.doc = sdoc
    statements, actors, _ = extractor.finish(prep)
    return statements, actors


@pytest.mark.parametrize("published, expected", [
    (date(2008, 4, 2), "Angela Merkel"),
    (date(2024, 2, 27), "Olaf Scholz"),
    (date(2025, 7, 1), "Friedrich Merz"),
])
def test_the_german_chancellor_on_the_day(extractor, published, expected):
    statements, _ = speakers(extractor, "The German chancellor said the plan was sound.", published)
    assert [(s.actor_name, s.group_id) for s in statements] == [(expected, "germany")]


@pytest.mark.parametrize("text, published, expected", [
    ("The Pentagon chief said allies must pay.", date(2024, 6, 1), "Lloyd Austin"),
    ("The Pentagon chief said allies must pay.", date(2025, 6, 1), "Pete Hegseth"),
    ("Britain's prime minister said troops could be sent.", date(2025, 3, 2), "Keir Starmer"),
    ("The alliance's secretary general said the door stayed open.", date(2025, 1, 10), "Mark Rutte"),
    ("America's top diplomat said membership was off the table.", date(2025, 2, 20), "Marco Rubio"),
    ("U.S. Defense Secretary Pete Hegseth said Europe must lead.", date(2025, 2, 12), "Pete Hegseth"),
    ("The Kremlin said the deployment was unacceptable.", date(2025, 2, 12), "Russia"),
    ("ZELENSKIY said Ukraine would keep asking.", date(2025, 2, 12), "Volodymyr Zelenskyy"),
])
def test_role_title_and_metonym_mentions(extractor, text, published, expected):
    statements, _ = speakers(extractor, text, published)
    assert [s.actor_name for s in statements] == [expected]


def test_role_without_a_holder_names_nobody(extractor):
    # The mini codebook has no German chancellor before 2005.
    statements, _ = speakers(extractor, "The German chancellor said the plan was sound.", date(1999, 1, 5))
    assert statements == []


def test_the_president_is_the_last_named_president(extractor):
    text = ("Emmanuel Macron met Olaf Scholz in Paris on Monday. The president said that Europe "
            "must do more.")
    statements, _ = speakers(extractor, text, date(2024, 2, 27))
    assert [(s.actor_name, s.mention) for s in statements] == [("Emmanuel Macron", "The president")]


def test_a_role_is_resolved_on_the_day_its_paragraph_is_set(extractor):
    text = ("In the spring of 2025 much changed. On 14 March 2008, Angela Merkel met Olaf Scholz in Berlin. "
            "The chancellor said the plan was premature.")
    statements, _ = speakers(extractor, text, date(2025, 6, 1))
    assert [(s.actor_name, s.date) for s in statements] == [("Angela Merkel", date(2008, 3, 14))]


def test_an_indefinite_title_is_not_the_last_named_holder(extractor):
    text = ("Emmanuel Macron met Olaf Scholz in Paris on Monday. A president said that Europe "
            "must do more.")
    statements, _ = speakers(extractor, text, date(2024, 2, 27))
    assert [s.actor_name for s in statements] == []


def test_pronoun_follows_the_speaker_not_the_last_name(extractor):
    text = ("Keir Starmer said Britain would help. Speaking after a call with Pete Hegseth, "
            "Starmer stressed that Europe had to lead. He added that the force would be ready.")
    statements, _ = speakers(extractor, text, date(2025, 3, 2))
    assert [s.actor_name for s in statements] == ["Keir Starmer"] * 3


def test_pronoun_gender_picks_a_compatible_speaker(extractor):
    text = ("Kaja Kallas said that talks must start. Vladimir Putin said that they never would. "
            "She said that Estonia would not wait.")
    statements, _ = speakers(extractor, text, date(2023, 7, 1))
    assert [s.actor_name for s in statements][-1] == "Kaja Kallas"


def test_new_person_keeps_title_and_group(extractor):
    statements, actors = speakers(
        extractor, "Estonian Prime Minister Kristen Michal said Estonia would send troops.", date(2025, 3, 1))
    (st,) = statements
    assert st.actor_id == "person:kristen-michal" and st.group_id == "estonia" and st.needs_review
    assert actors[0].title == "Prime Minister" and actors[0].known is False


def test_new_person_surname_resolves_to_the_full_name(extractor):
    text = ("Finnish Defence Minister Antti Hakkanen said troops could go. Hakkanen added that "
            "Finland would decide later.")
    statements, actors = speakers(extractor, text, date(2025, 3, 1))
    assert [s.actor_id for s in statements] == ["person:antti-hakkanen"] * 2
    assert [a.id for a in actors] == ["person:antti-hakkanen"]
    assert statements[0].group_id == "finland"


def test_unknown_organisation_speaker_is_a_group(extractor):
    statements, actors = speakers(extractor, "Amnesty International said the plan endangered civilians.",
                                  date(2025, 3, 1))
    assert [(s.actor_kind, s.needs_review) for s in statements] == [("group", True)]
    assert actors[0].kind == "group" and not actors[0].known


def test_slugify():
    assert slugify("Gitanas Nausėda") == "gitanas-nauseda"


def test_the_former_holder_is_a_past_holder_named_before(extractor):
    text = ("Pete Hegseth praised Lloyd Austin at the ceremony. "
            "The former defense secretary said the alliance had to keep Ukraine's door open.")
    statements, _ = speakers(extractor, text, date(2025, 6, 1))
    assert [(s.actor_name, s.mention) for s in statements] == [("Lloyd Austin", "The former defense secretary")]


def test_it_and_they_follow_the_last_group_speaker(extractor):
    text = ("The Kremlin said the plan was a provocation. It added that any troops would be targets. "
            "Keir Starmer said Britain would not be deterred.")
    statements, _ = speakers(extractor, text, date(2025, 3, 2))
    assert [(s.actor_name, s.mention) for s in statements] == [
        ("Russia", "The Kremlin"), ("Russia", "It"), ("Keir Starmer", "Keir Starmer")]


@pytest.mark.parametrize("text, expected", [
    ("Tomasz Lis, of a Gdansk think tank, made the case for a mission.", "lis"),
    ("Claudia Ferri disagreed on every count.", "ferri"),  # a known first name, no comma needed
    ("Sen. Dale Crane of Ohio took a similar line.", "crane"),  # a courtesy title
    ("The Hague, a city of courts, hosted the summit.", None),  # a stop word opens it
    ("Northern Europe was calmer.", None),  # no comma, title or known first name
    ("Tomasz lis went home.", None),
])
def test_a_sentence_opening_on_a_full_name_gives_its_surname(text, expected):
    assert opening_name(text) == expected


def test_a_person_introduced_without_speech_is_the_next_pronoun_antecedent(engine):
    # Only sentences that may hold a statement, or that open on a name, are parsed: the
    # introduction of a new panellist carries no speech verb, yet "he" must go to him.
    text = ("Pete Hegseth said Europe had to pay more. Tomasz Lis, of a Gdansk think tank, made the case "
            "for a mission. A reassurance force, he argued, was the least Europe owed Ukraine.")
    statements = engine_statements(engine, text, date(2025, 3, 1))
    names = [s.actor_name for s in statements]
    assert names == ["Pete Hegseth", "Tomasz Lis"]


def test_a_bare_surname_opening_a_sentence_is_the_person_introduced_before(engine):
    text = ("Sen. Dale Crane of Ohio, the committee's chairman, has doubts about the plan. "
            "Pete Hegseth said the plan was sound. "
            "Crane was unconvinced. He said Europe had to pay far more for its own defence.")
    statements = engine_statements(engine, text, date(2025, 3, 1))
    assert [(s.actor_name, s.mention) for s in statements][-1] == ("Dale Crane", "He")


def test_a_name_inside_an_apposition_does_not_speak_for_the_subject(extractor):
    text = "Tomasz Lis, President Donald Trump's choice for the post, told senators that Europe must pay."
    statements, _ = speakers(extractor, text, date(2025, 3, 1))
    assert [s.actor_id for s in statements] == ["person:tomasz-lis"]


def test_the_same_official_is_the_unnamed_voice_that_spoke_last(extractor):
    text = ("Keir Starmer said Britain was ready. A spokeswoman for the alliance said the door stayed open. "
            "The same official said Ukraine would join one day.")
    statements, _ = speakers(extractor, text, date(2025, 3, 2))
    assert [s.actor_name for s in statements] == ["Keir Starmer", "NATO", "NATO"]


@pytest.mark.parametrize("text, expected", [
    ("A spokeswoman for the alliance said the door stayed open.", "NATO"),
    ("A spokesman for the German government said no troops would go.", "Germany"),
    ("An aide to Keir Starmer said Britain was ready.", "Keir Starmer"),
    ("An official for Keir Starmer said Britain was ready.", "United Kingdom"),
])
def test_a_voice_for_a_group_or_person_speaks_for_them(extractor, text, expected):
    statements, _ = speakers(extractor, text, date(2025, 3, 2))
    assert [s.actor_name for s in statements] == [expected]


@pytest.mark.parametrize("text, day, expected", [
    # a role opening a sentence without speech
    ("Pete Hegseth said Europe had to pay more. Britain's prime minister has also moved. "
     "Speaking in London, he said Britain would spend more on defence.", date(2025, 3, 2), "Keir Starmer"),
    # a person named through a title apposition
    ("Pete Hegseth said Europe had to pay more. Our guest in the studio, the defence economist Darius Lenk, "
     "was less sure. Europe, he said, could not pay more this year.", date(2025, 3, 1), "Darius Lenk"),
])
def test_a_subject_without_speech_is_the_next_pronoun_antecedent(engine, text, day, expected):
    statements = engine_statements(engine, text, day)
    names = [s.actor_name for s in statements]
    assert names == ["Pete Hegseth", expected]


@pytest.mark.parametrize("text, expected", [
    ("Britain's defence secretary has also moved.", True),
    ("The German chancellor was in Paris.", True),
    ("He met the president on Monday.", False),  # a pronoun already names the subject
    ("Allies met in Brussels.", False),
])
def test_a_sentence_opening_on_a_role_is_worth_a_parse(text, expected):
    assert opens_with_title(load_nlp().make_doc(text)) is expected


def test_a_courtesy_title_before_a_surname_is_no_first_name(extractor):
    text = ("Tomasz Lis, of a Gdansk think tank, spoke next. \u201cLook at the map,\u201d Mr Lis said.")
    statements, actors = speakers(extractor, text, date(2025, 3, 1))
    assert [s.actor_id for s in statements] == ["person:tomasz-lis"]


@pytest.mark.parametrize("text, expected", [
    ("Our guest, the defence economist Darius Lenk, was less sure.", True),
    ("The summit in Riga ended late.", False),
])
def test_a_known_first_name_before_a_capitalised_word_is_worth_a_parse(text, expected):
    assert names_someone_new(load_nlp().make_doc(text)) is expected


@pytest.mark.parametrize("text, expected, recognised", [
    ("Officials said the talks would resume.", None, False),  # one common word: no entity can name anyone
    ("Kristen Michal said the talks would resume.", "Kristen Michal", True),
])
def test_entity_recognition_runs_only_where_its_labels_can_name_a_new_speaker(extractor, text, expected,
                                                                               recognised):
    doc = load_nlp()(text, disable=["ner"])
    resolver = extractor.resolver
    speaker = resolver.resolve(doc[1] if expected else doc[0], date(2025, 3, 1), Context(), resolver.mentions(doc))
    assert (speaker.actor.name if speaker else None) == expected
    assert doc.has_annotation("ENT_IOB") is recognised
    # With the entities recognised first, the answer is the same.
    resolver.ensure_entities(doc)
    again = resolver.resolve(doc[1] if expected else doc[0], date(2025, 3, 1), Context(), resolver.mentions(doc))
    assert (again.actor.name if again else None) == expected
