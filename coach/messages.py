"""What coach says about the conversation itself (not the coach's questions): in Dutch, short."""

from __future__ import annotations

from coach.commands import DESCRIPTIONS, ENGLISH, Command
from coach.steps import Ask, Choose, Invalid, Prompt, Scale

MENU_HELP = (
    "Typ het nummer van wat je wilt doen, en Enter. Stoppen kan met /stop of Ctrl-D. "
    "coach --help laat alle commando's zien."
)

SUBMIT_HELP = (
    "Enter verstuurt je antwoord. Een nieuwe regel begin je met Alt+Enter (of Esc en dan Enter)"
)


def invalid(result: Invalid) -> str:
    """Why an answer or command was not taken, and what to do instead."""
    d = result.details
    reason = result.reason
    if reason == "empty":
        return "Je antwoord is leeg. Schrijf een paar woorden; /hulp geeft uitleg."
    if reason == "too_long":
        return (
            f"Je antwoord is {d['length']} tekens lang; hier passen er hoogstens {d['limit']}. "
            "Maak het korter."
        )
    if reason == "too_short":
        return (
            "Kun je er iets meer over schrijven? Een paar zinnen "
            f"(ongeveer {d['minimum']} woorden) helpen je het meest. "
            "Wil je het zo laten, verstuur het dan nog een keer."
        )
    if reason == "no_such_option":
        if d["count"] == 1:
            return "Typ 1 om te kiezen."
        return f"Kies een nummer van 1 tot {d['count']}, of typ (een deel van) een keuze."
    if reason == "ambiguous":
        options = " of ".join(f"‘{option}’" for option in d["options"])
        return f"Dat past bij meer dan één keuze: {options}. Typ het nummer."
    if reason in ("not_a_number", "out_of_range"):
        return f"Typ een getal van {d['low']} tot {d['high']}."
    if reason == "not_optional":
        return "Deze vraag kun je niet overslaan. Een kort antwoord is ook goed."
    if reason == "no_probe":
        return "/verder kan alleen bij een vervolgvraag."
    if reason == "held":
        return "Kies eerst een van de keuzes hierboven: typ het nummer."
    if reason == "nothing_to_undo":
        return "Er is nog geen antwoord om te herzien."
    return "Dat ging niet."


def passed_by(prompt: Prompt) -> str:
    """Said when Enter alone skipped an optional question or a follow-up."""
    if isinstance(prompt, Ask) and prompt.probe:
        return "Geen vervolgvraag meer hier; door naar de volgende vraag."
    return "Overgeslagen."


def in_brief(result: Invalid) -> str:
    """Why an answer came back, short enough for the bottom bar."""
    if result.reason == "too_long":
        return f"te lang: {result.details['length']} tekens, hoogstens {result.details['limit']}"
    return invalid(result)


def unknown_command(word: str) -> str:
    return f"/{word} is geen commando. Typ /hulp voor de lijst."


def help_text(prompt: Prompt, node_help: str | None) -> str:
    """The help shown on /hulp: the coach's own help for this question, then the commands."""
    lines = []
    if node_help:
        lines += [node_help.strip(), ""]
    if isinstance(prompt, Choose):
        lines.append("Kies door het nummer of (een deel van) de tekst van een keuze te typen.")
    elif isinstance(prompt, Scale):
        lines.append(f"Typ een getal van {prompt.low} tot {prompt.high}.")
    else:
        lines.append(SUBMIT_HELP + ".")
    if isinstance(prompt, Ask) and prompt.probe:
        lines.append(
            "Dit is een vervolgvraag: Enter zonder tekst gaat door naar de volgende vraag."
        )
    elif prompt.optional:
        lines.append("Deze vraag mag je overslaan: Enter zonder tekst, of /overslaan.")
    lines.append("")
    lines.append("Commando's (de Engelse namen werken ook):")
    for command in Command:
        name = f"/{command.value} (/{ENGLISH[command]})"
        lines.append(f"  {name:<24} {DESCRIPTIONS[command]}")
    lines.append("Ctrl-C of Ctrl-D pauzeert ook; er gaat niets verloren.")
    return "\n".join(lines)


def resume_hint(session_id: int) -> str:
    return f"Ga later verder met: coach resume {session_id}"


REVISE = "Geef je nieuwe antwoord. Je vorige staat klaar om aan te passen; Ctrl-U wist de regel."

DRAFT_BACK = "Je was dit aan het typen toen je stopte; het staat hieronder klaar."


def paused(session_id: int, draft: bool = False) -> str:
    if draft:
        kept = "Je antwoorden en wat je aan het typen was, zijn bewaard."
    else:
        kept = "Je antwoorden zijn bewaard."
    return f"Gepauzeerd. {kept} {resume_hint(session_id)}"


def stopped(session_id: int) -> str:
    return (
        f"Gestopt. Je antwoorden zijn bewaard in sessie {session_id}: coach transcripts show "
        f"{session_id} laat ze zien, en met coach resume {session_id} kun je toch nog verder."
    )


def saved_at(path: str) -> str:
    return f"Bewaard op deze computer in {path}"
