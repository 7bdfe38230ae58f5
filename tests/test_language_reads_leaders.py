"""What a careful coach notices in a leader's Dutch, through the shipped word lists and rules:
the safety net, negation, word forms, whose words, and everyday ways of saying a good answer."""

from __future__ import annotations

import pytest

from coach import catalog, expr, safety
from coach.lexicon import hits
from coach.lexicon_files import find_lexicon, lexicon_dirs, load_lexicon
from coach.model import Ask, Dialogue

NET = catalog.load("buiv")[0].safety


def level_of(text: str) -> str | None:
    """The level the shipped safety net opens at for this text, or None."""
    found = safety.signal(NET, text, ())
    return found[0] if found else None


def lexicon(name: str):  # type: ignore[no-untyped-def]
    path = find_lexicon(name, lexicon_dirs(None))
    assert path is not None
    return load_lexicon(path)


def first_probe(dialogue: Dialogue, node_id: str, answer: str) -> str:
    [node] = [node for node in dialogue.nodes if node.id == node_id]
    assert isinstance(node, Ask)
    names = {"answer": answer, node.into: answer}
    for _, probe in node.probe_order():
        if expr.holds(probe.when.expr, expr.Scope(names.get, dialogue.lexicons)):
            return probe.id
    return "none"


@pytest.mark.parametrize(
    "text",
    [
        "Eerlijk gezegd wil ik er soms niet meer zijn.",
        "Ik kan echt niet meer.",
        "ik zie geen uitweg meer",
        "iedereen is beter af zonder mij",
    ],
)
def test_signs_of_distress_open_the_safety_net(text: str) -> None:
    assert safety.signal(NET, text, ()) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Ik kan niet meer wachten tot de vakantie.",
        "ik kan niet meer tegen dat gezeur",
        "Vorig jaar is een collega uitgevallen met een burn-out; ze is nu weer helemaal terug.",
        "Hij zei 'ik ga dood van de hitte' en iedereen lachte.",
    ],
)
def test_idioms_and_past_events_leave_it_closed(text: str) -> None:
    assert safety.signal(NET, text, ()) is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("'Ik maak je af!' riep een kleuter lachend toen hij verloor met memory.", None),
        ("Hij gaf me een duw tegen de muur, haha.", "zorg"),
        ("Ik moest bijna lachen: ik heb al een maand elke dag hoofdpijn.", "zorg"),
        ("Ik slaap al weken nauwelijks haha. Niet zo grappig eigenlijk.", "zorg"),
        ("'We weten waar je woont', stond in de mail. Haha, dacht ik eerst. Nu niet meer.", "zorg"),
        ("Een stagiair zei dat hij niet meer wil leven. Hij lachte er niet bij.", "ander"),
        ("Mijn collega zegt dat ze er niet meer wil zijn en lacht het dan weg.", "ander"),
        ("Een leerling riep 'ik ga dood' bij het dictee, en iedereen lachte.", None),
        ("Een collega riep 'ik spring uit het raam' bij de printer, de sectie lag dubbel.", None),
        # the leader did not laugh along, or it stayed with them
        ("Hij zei 'ik wil er niet meer zijn' en iedereen lachte. Ik niet.", "ander"),
        ("Een vader riep 'ik weet waar je woont' en iedereen lachte, behalve ik.", "zorg"),
        ("Ze zei 'we weten waar je woont' en lachte erbij. Het gaat niet uit mijn hoofd.", "zorg"),
    ],
)
def test_a_threat_quoted_in_jest_is_not_a_signal_but_a_laugh_elsewhere_is_not_enough(
    text: str, level: str | None
) -> None:
    assert level_of(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Vanmiddag hadden we een workshop over paniekaanvallen bij pubers.", None),
        ("Na de les over pesten vertelde een meisje dat haar vader haar slaat.", "ander"),
    ],
)
def test_what_a_lesson_or_training_is_about_is_not_a_signal(text: str, level: str | None) -> None:
    assert level_of(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Jaren geleden wilde ik niet meer leven, nu gaat het goed met me.", None),
        ("Vroeger keek ik uit naar later, nu zie ik geen toekomst meer.", "crisis"),
        ("Na de scheiding sliep ik maanden slecht, maar dat is nu jaren geleden.", None),
        ("Ik merk dat ik vaker naar de fles grijp dan vroeger.", "zorg"),
        ("Drie jaar geleden had ik een burn-out en nu voel ik hem opnieuw opkomen.", "zorg"),
        ("Vorig jaar had ik paniekaanvallen, en sinds deze week zijn ze er weer.", "zorg"),
        ("Vorig jaar had ik paniekaanvallen, nu gaat het weer prima.", None),
        ("In 2021 sliep ik slecht, nu slaap ik weer als een roos.", None),
        # `sinds` a past date: it began then and has not stopped
        ("Sinds vorig jaar slaap ik nauwelijks nog.", "zorg"),
        ("Sinds 2022 drink ik elke avond een fles wijn om te kunnen slapen.", "zorg"),
        ("Vorig voorjaar sliep ik maandenlang slecht, nu slaap ik weer goed.", None),
        # an age the leader had, a year after `was`, and `toen` pointing back to it
        (
            "Na mijn eindexamen, ik was 18, wilde ik niet meer leven. Dat is heel lang voorbij.",
            None,
        ),
        ("Mijn zwaarste jaar was 2014. Ik dacht toen vaak aan de dood.", None),
        ("Als twintiger heb ik een poging gedaan. Nu sta ik er stevig in.", None),
        # a comparison with a past year is about now
        ("Ik slik meer slaappillen dan heel vorig jaar, via een vriendin.", "zorg"),
    ],
)
def test_a_past_that_is_over_stays_there_unless_the_sentence_comes_back_to_now(
    text: str, level: str | None
) -> None:
    assert level_of(text) == level


@pytest.mark.parametrize(
    "text",
    [
        "Een leerling vertelde me dat haar vader haar slaat.",
        "Een collega zei tijdens de pauze: ik trek het niet meer, ik wil er niet meer zijn.",
        "Ik denk dat een van mijn teamleiders suïcidaal is.",
        "My teacher said: 'I just want to end it all.'",
    ],
)
def test_worry_about_someone_else_is_its_own_level(text: str) -> None:
    assert level_of(text) == "ander"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Mijn gezin heeft meer aan een andere moeder dan aan mij.", "crisis"),
        ("Mijn zoon is slimmer dan ik, en hij wil er niet meer zijn.", "ander"),
    ],
)
def test_a_comparison_with_the_leader_makes_it_the_leaders_own(text: str, level: str) -> None:
    assert level_of(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Gisteren appte ik mijn zus: 'ik wil er niet meer zijn'.", "crisis"),
        ("Dit mailde ik vanochtend aan de bestuurder: 'ik trek het niet meer'.", "zorg"),
        ("Mijn zus appte me: 'ik wil er niet meer zijn'.", "ander"),
        ("Hij zei tegen mij: 'ik wil er niet meer zijn'.", "ander"),
        ("Volgens mij zei ze: 'ik wil er niet meer zijn'.", "ander"),
        ("Ik vroeg haar: 'wil je er niet meer zijn?'", "ander"),
    ],
)
def test_a_message_the_leader_sent_is_the_leaders_own(text: str, level: str) -> None:
    assert level_of(text) == level


@pytest.mark.parametrize(
    "text",
    [
        "Soms denk ik: als ik er niet meer ben hebben ze het thuis makkelijker.",
        "Eerlijk gezegd hoop ik dat ik morgen niet meer wakker word, dan zijn zij van me af.",
    ],
)
def test_the_leader_as_subject_right_before_the_words_makes_them_the_leaders(text: str) -> None:
    assert level_of(text) == "crisis"


def test_a_person_in_a_phrase_of_its_own_leaves_the_clause_to_its_subject() -> None:
    """`met de bestuurder` names someone, but the clause is about `ik`; `een van onze
    docenten` is the subject itself."""
    from coach.language.analysis import analyse

    text = "als het overleg met de bestuurder misgaat maak ik mezelf van kant"
    assert level_of(text) == "crisis"
    [about] = {each.about for each in analyse(text).attribution}
    assert about == "self"
    other = analyse("ik denk dat een van onze docenten gevaar loopt")
    assert other.attribution[-1].about == "other"


def test_the_leaders_own_words_after_a_colon_stay_the_leaders() -> None:
    text = "Ik zei tegen mezelf: ik trek het niet meer, ik wil er niet meer zijn."
    assert level_of(text) == "crisis"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Een moeder vertelde me dat haar man haar slaat.", "ander"),
        ("Ik maak me zorgen om een collega die door haar vriend wordt geslagen.", "ander"),
        ("Een van onze conciërges is gisteren door een ouder geslagen.", "ander"),
        ("- leerling groep 6 wordt thuis geslagen\n- blauwe plekken op haar rug", "ander"),
        ("Bedreigd door een vader. Vanmorgen, bij het hek.", "zorg"),
        ("Een vader dreigde dat hij me in elkaar zou slaan.", "zorg"),
        ("Hij heeft me bij de fietsenstalling opgewacht en gezegd dat ik moet oppassen.", "zorg"),
    ],
)
def test_violence_is_read_as_aimed_at_the_leader_or_at_someone_else(text: str, level: str) -> None:
    """The leader who is told or who worries is not the one it is aimed at; with no one
    else named, the leader writes about their own safety."""
    assert level_of(text) == level


def test_a_negation_reaches_over_a_list() -> None:
    assert (
        hits(lexicon("emoties"), "Ik was eigenlijk niet boos of geïrriteerd, het deed me weinig")
        == []
    )
    assert [h.text for h in hits(lexicon("emoties"), "niet boos, maar wel teleurgesteld")] == [
        "teleurgesteld"
    ]


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        ("irritatie", "ik was echt geïrriteerd"),
        ("vinden", "dat vond ik lastig"),
        ("vinden", "ik vind het lastig"),
        ("zeggen", "hij zei dat het klopte"),
        ("zeggen", "zij zegt dat het klopt"),
        ("zeggen", "dat heb ik al gezegd"),
        ("belangrijk", "dat vindt ze belangrijker"),
        ("terugkijken", "daarna kijken we er samen op terug"),
        ("druk", "de werkdruk is hoog"),
    ],
)
def test_a_word_finds_its_forms(entry: str, text: str) -> None:
    from coach.lexicon import make_lexicon

    assert hits(make_lexicon("x", "X", [(entry, "")]), text)


@pytest.mark.parametrize(
    ("entry", "text"),
    [("mes", "die meeting was a total mess"), ("bus", "de buss komt om acht uur")],
)
def test_a_word_ending_in_s_has_no_plural_in_s(entry: str, text: str) -> None:
    """`mes` has `messen`; `mess` is English, and would make the safety net open."""
    from coach.lexicon import make_lexicon

    assert not hits(make_lexicon("x", "X", [(entry, "")]), text)
    assert hits(make_lexicon("x", "X", [(entry, "")]), f"twee {entry}sen")


def test_a_quotation_is_not_the_leaders_own_words() -> None:
    from coach.lexicon import findings, make_lexicon

    own = make_lexicon("ik", "Ik", [("ik", "")], who="self")
    quoted = "hij zei 'ik ben hier de enige die resultaten haalt'"
    assert [f.not_own for f in findings(own, quoted)] == ["woorden van een ander"]
    assert hits(own, "ik zei dat ik het anders zag")


@pytest.mark.parametrize(
    "text",
    [
        "Hij zei: 'stel je niet zo aan.' Ik kan echt niet meer.",
        "Mijn bestuurder mailde: “Wij verwachten meer inzet!” Ik kan echt niet meer.",
    ],
)
def test_a_quotation_ends_at_its_closing_mark_after_its_own_full_stop(text: str) -> None:
    """Words after the quotation are the leader's own again: a signal there is seen."""
    assert level_of(text) == "zorg"


@pytest.mark.parametrize(
    ("dialogue", "node", "answer"),
    [
        ("buiv", "inleven", "Voor hem telt eerst zijn eigen school, daar is hij trots op."),
        (
            "ontwikkelgesprek",
            "schooldoelen",
            "We willen als school meer doen aan leesbevordering, en dat raakt aan wat Sanne zelf wil.",
        ),
    ],
)
def test_everyday_phrasing_of_a_good_answer_needs_no_follow_up(
    dialogue: str, node: str, answer: str
) -> None:
    assert first_probe(catalog.load(dialogue)[0], node, answer) == "none"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("opvattingen", "Ze vindt het belangrijk dat leerlingen zelf nadenken."),
        ("schooldoelen", "Het team heeft als doel dat alle kinderen goed leren lezen."),
        ("ambitie", "Hij zou graag mentor willen worden."),
    ],
)
def test_everyday_phrasing_is_recognised(name: str, text: str) -> None:
    assert hits(lexicon(name), text)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # someone close who finds or counts the leader's bottles, or wants the leader to stop
        ("Mijn man telt tegenwoordig de lege flessen.", "zorg"),
        ("Mijn vriendin wil dat ik me ziek meld, ze ziet me slinken.", "zorg"),
        # someone else's drinking stays worry about them
        ("Onze conciërge drinkt op het werk, ik zag vanochtend zijn fles.", "ander"),
    ],
)
def test_what_someone_close_notices_about_the_leader_is_the_leaders_own(
    text: str, level: str
) -> None:
    assert level_of(text) == level


def test_not_knowing_how_long_negates_nothing_after_it() -> None:
    # `weet niet hoelang`: the words after `hoelang` are not denied
    text = "Ik weet niet hoelang ik dit nog volhoud, ik denk erover het zelf af te korten."
    assert level_of(text) == "crisis"


def test_a_weighted_reading_of_a_past_that_is_over_stays_closed() -> None:
    text = "In 2019 is een collega op het plein onwel geworden. Hij werkt weer volledig."
    assert level_of(text) is None


@pytest.mark.parametrize("answer", ["weet ik niet", "geen idee", "zie boven"])
def test_an_answer_that_says_nothing_yet_is_not_asked_when_it_will_happen(answer: str) -> None:
    """`weet ik niet` to `Welke ene stap zet je?` has no step to put a moment to: coach's own
    gentle follow-up asks for something small first."""
    zelfscan = catalog.load("zelfscan")[0]
    assert first_probe(zelfscan, "stap", answer) == "geen-antwoord"
    assert first_probe(zelfscan, "stap", "ik ga met het team samen leren") == "wanneer"
