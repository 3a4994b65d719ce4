"""Common first names with a usual gender, so "she said" can skip a candidate named Vladimir."""

from __future__ import annotations

FEMALE = frozenset("""
angela annalena hillary condoleezza madeleine kamala nancy theresa liz elizabeth ursula kaja kristina
giorgia marine ségolène segolene christine federica mette sanna magdalena jacinda julia yulia
olena iryna irina maria mariya marie anne anna ann kristi kristen victoria nikki samantha susan
linda karin sarah sara helen helena margaret margrethe emily laura claudia ingrid erna jutta
ana andrea beata dorota ewa agnieszka katarina katrin kersti ingrida evika dovile dovilė gitte
rachel yvette priti suella kemi penny ursula barbara natalia nataliya svetlana valentina
tulsi kristi pam jean jeanne michelle catherine caroline isabel isabelle sophie alexandra
oksana claire ellen marta ilse mazie hanna hannah olga tatiana emma eva elena ines monika
""".split())

MALE = frozenset("""
vladimir volodymyr donald joe joseph barack george bill jens mark emmanuel olaf friedrich boris
keir rishi david tony gordon nicolas francois françois jacques gerhard helmut sergei sergey dmitry
dmitri mikhail viktor petro dmytro andriy andrii oleksii oleksiy antony anthony lloyd pete marco
john james robert michael william richard charles thomas christopher daniel matthew paul steven
andrew kevin brian jake jeff mike rex jim ben grant gavin ed justin stephen pedro mateusz andrzej
donald radoslaw radosław wladyslaw petr robert recep viktor alexander aleksandr alexei alexey
yevgeny nikolai ruslan kyrylo jaap anders javier josep charles christian sigmar frank-walter
heiko boris wolfgang ralf lars rasmus hakan jean-yves jean-noël sébastien sebastien stéphane
stephane gabriel rob kristrun alar margus gitanas edgars lauri
maciej darius elbridge egils roger tom dan aksel tomasz jakub piotr pawel paweł marek krzysztof
janis jānis arvydas linas tobias jonas lukas mattias henrik erik sven
""".split()) - FEMALE


def gender_of(first_name: str) -> str | None:
    """"f", "m", or None for a first name the lists do not know."""
    name = first_name.lower()
    if name in FEMALE:
        return "f"
    if name in MALE:
        return "m"
    return None
