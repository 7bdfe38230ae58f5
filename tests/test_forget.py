"""What deleting a session takes out of the sessions that are kept (coach/forget.py)."""

from __future__ import annotations

import copy

from coach.forget import REMOVED, answered, scrub_json, scrub_snapshot, scrub_text

PLAN = "Ik vraag eerst naar zijn loopbaan."


def snapshot(answers: dict[str, object], previous: dict[str, object]) -> dict[str, object]:
    frame = {"dialogue": "buiv", "call": "", "answers": answers, "previous": previous}
    return {
        "version": 2,
        "state": {"frames": [frame], "probing": {"text": f"Je zei: {PLAN}"}},
        "history": [{"frames": [copy.deepcopy(frame)]}],
    }


def test_a_remembered_answer_from_a_deleted_session_becomes_the_marker() -> None:
    deleted = answered([snapshot({"voorleven": PLAN, "ander": "Paul"}, {})])
    kept = snapshot({"voorleven": "Iets anders."}, {"voorleven": PLAN})
    result = scrub_snapshot(kept, deleted)
    assert result.changed and result.quotes == [PLAN]
    scrubbed = result.snapshot
    frame = scrubbed["state"]["frames"][0]
    assert frame["previous"] == {"voorleven": REMOVED}
    assert scrubbed["history"][0]["frames"][0]["previous"] == {"voorleven": REMOVED}
    assert frame["answers"]["voorleven"] == "Iets anders."  # typed in the kept session
    assert scrubbed["state"]["probing"]["text"] == f"Je zei: {REMOVED}"


def test_words_the_kept_session_typed_itself_are_not_taken_for_a_quote() -> None:
    deleted = answered([snapshot({"voorleven": PLAN}, {})])
    kept = snapshot({"opening": PLAN}, {"voorleven": PLAN})  # the same words, typed again
    result = scrub_snapshot(kept, deleted)
    assert result.changed and result.quotes == []
    assert result.snapshot["state"]["frames"][0]["previous"] == {"voorleven": REMOVED}
    assert result.snapshot["state"]["probing"]["text"] == f"Je zei: {PLAN}"


def test_another_answer_or_name_is_not_taken_for_it() -> None:
    deleted = answered([snapshot({"voorleven": PLAN}, {})])
    kept = snapshot({}, {"opening": PLAN, "voorleven": "Een ander plan."})
    result = scrub_snapshot(kept, deleted)
    assert not result.changed and result.snapshot == kept


def test_every_form_a_template_gives_a_quote_is_taken_out() -> None:
    removed = [PLAN]
    assert scrub_text(f"Vorige keer: ‘{PLAN[:-1]}’. Hoe ging het?", removed) == (
        f"Vorige keer: ‘{REMOVED}’. Hoe ging het?"
    )
    assert scrub_text("Je vraagt eerst naar zijn loopbaan!", removed) == f"{REMOVED}!"
    assert scrub_text(PLAN.upper(), removed) == REMOVED
    assert scrub_text("Ik vraag eerst naar zijn loopbaantje", removed).endswith("loopbaantje")
    assert scrub_json('{"card": [["Plan", "Ik vraag eerst naar zijn loopbaan"]]}', removed) == (
        '{"card": [["Plan", "[verwijderd]"]]}'
    )
