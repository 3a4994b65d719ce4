"""A small hand-built codebook for extractor tests, independent of the shipped YAML."""

from __future__ import annotations

from datetime import date

from etl.codebook_model import ActorEntry, Codebook, Office, OfficePhrase, Role, Topic

SPEECH = ("say", "tell", "add", "warn", "insist", "argue", "write", "post", "declare", "announce",
          "urge", "stress", "call", "describe", "reject", "claim", "note", "quote", "hail", "accuse",
          "praise", "criticise", "reaffirm", "hint", "repeat", "float", "slam", "state", "dismiss", "believe", "see",
          "make clear")
REPORTED = ("demand", "want", "oppose", "refuse", "seek", "insist", "back", "reject", "call for",
            "object to", "lobby for", "praise", "criticise", "hail", "float", "slam", "be opposed",
            "remain opposed", "be against", "be adamant", "be ready", "be reluctant")


def _group(gid, name, metonyms=(), adjectives=(), aliases=()):
    return ActorEntry(id=gid, name=name, kind="group", aliases=aliases, metonyms=metonyms,
                      adjectives=adjectives)


def _person(pid, name, *roles, aliases=()):
    return ActorEntry(id=pid, name=name, kind="person", aliases=aliases, roles=roles)


def mini_codebook() -> Codebook:
    """Groups, a few persons with dated roles, offices and one topic per proposition."""
    actors = (
        _group("united_states", "United States", ("the White House", "Washington", "the Pentagon"),
               ("American", "U.S.", "America's"), ("the United States", "U.S.")),
        _group("russia", "Russia", ("the Kremlin", "Moscow"), ("Russian", "Russia's")),
        _group("ukraine", "Ukraine", ("Kyiv",), ("Ukrainian", "Ukraine's")),
        _group("germany", "Germany", ("Berlin",), ("German", "Germany's")),
        _group("united_kingdom", "United Kingdom", ("Downing Street", "London"), ("British", "Britain's"),
               ("Britain",)),
        _group("france", "France", ("the Élysée", "Paris"), ("French", "France's")),
        _group("nato", "NATO", ("the alliance",), ("alliance's",)),
        _group("estonia", "Estonia", ("Tallinn",), ("Estonian",)),
        _person("angela_merkel", "Angela Merkel",
                Role("germany", "head_of_government", "Chancellor", date(2005, 11, 22), date(2021, 12, 8))),
        _person("olaf_scholz", "Olaf Scholz",
                Role("germany", "head_of_government", "Chancellor", date(2021, 12, 8), date(2025, 5, 6))),
        _person("friedrich_merz", "Friedrich Merz",
                Role("germany", "head_of_government", "Chancellor", date(2025, 5, 6), None)),
        _person("pete_hegseth", "Pete Hegseth",
                Role("united_states", "defense_minister", "Secretary of Defense", date(2025, 1, 25), None)),
        _person("lloyd_austin", "Lloyd Austin",
                Role("united_states", "defense_minister", "Secretary of Defense", date(2021, 1, 22),
                     date(2025, 1, 20))),
        _person("marco_rubio", "Marco Rubio",
                Role("united_states", "foreign_minister", "Secretary of State", date(2025, 1, 21), None)),
        _person("keir_starmer", "Keir Starmer",
                Role("united_kingdom", "head_of_government", "Prime Minister", date(2024, 7, 5), None)),
        _person("mark_rutte", "Mark Rutte",
                Role("nato", "secretary_general", "Secretary General", date(2024, 10, 1), None)),
        _person("vladimir_putin", "Vladimir Putin",
                Role("russia", "head_of_state", "President", date(2012, 5, 7), None)),
        _person("volodymyr_zelenskyy", "Volodymyr Zelenskyy",
                Role("ukraine", "head_of_state", "President", date(2019, 5, 20), None),
                aliases=("Zelensky", "Zelenskiy", "Volodymyr Zelensky")),
        _person("kaja_kallas", "Kaja Kallas",
                Role("estonia", "head_of_government", "Prime Minister", date(2021, 1, 26), date(2024, 7, 15))),
        _person("emmanuel_macron", "Emmanuel Macron",
                Role("france", "head_of_state", "President", date(2017, 5, 14), None)),
    )
    offices = (
        Office("head_of_state", ("president",)),
        Office("head_of_government", ("chancellor", "prime minister")),
        Office("defense_minister", ("defence secretary", "defense secretary", "defence minister",
                                    "secretary of defense")),
        Office("foreign_minister", ("foreign minister", "secretary of state", "top diplomat")),
        Office("secretary_general", ("secretary general",)),
    )
    phrases = (
        OfficePhrase("Pentagon chief", "united_states", "defense_minister"),
        OfficePhrase("America's top diplomat", "united_states", "foreign_minister"),
    )
    topics = (
        Topic("nato_membership", "Membership", "Ukraine should join NATO.",
              ("membership", "join NATO", "join the alliance", "accession")),
        Topic("troop_deployment", "Troops", "Foreign troops should deploy to Ukraine.",
              ("troops", "soldiers", "peacekeepers")),
        Topic("burden_sharing", "Burden", "Europe should pay more.", ("spending", "pay", "2%")),
    )
    return Codebook(version="test-1", path="<mini>", actors=actors, offices=offices,
                    office_phrases=phrases, topics=topics, speech_verbs=SPEECH,
                    reported_verbs=REPORTED, according_to=("according to", "in the words of"))
