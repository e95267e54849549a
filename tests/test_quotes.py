"""Quote attribution: the speaker a question asks about, and the statements an article gives them."""

from __future__ import annotations

from bot.answering.quotes import outside_quotes, speaker_match, speaker_query, statements
from bot.answering.text_features import content_stems

ARTICLE = [
    "Toyota has said that it will recall up to 1.8 million cars across Europe.",
    "Tadashi Arashima, chief executive of Toyota Motor Europe, commented on the recall.",
    "\u201cWe understand that the situation is creating concerns and we deeply regret it,\u201d said Tadashi Arashima.",
    "\u201cThe issue only occurs in very rare circumstances,\u201d Arashima added.",
    "Analysts expect the cost to reach two billion dollars.",
    "\u201cThis is a blow to the brand,\u201d said Jane Roe, an analyst at Morningstar.",
    "\u201cBut they will recover,\u201d she said.",
]


def test_speaker_of_a_question():
    query = speaker_query("What did Toyota's European chief say about the accelerator pedal recall?")
    assert query.who == frozenset(content_stems("Toyota European chief"))
    assert query.topic == "the accelerator pedal recall"
    unions = speaker_query("How did French unions react to the Airbus job cuts?")
    assert unions.who == frozenset(content_stems("France unions"))
    assert speaker_query("Which airline got the first A380?") is None
    # Markets react by moving, not by speaking.
    assert speaker_query("How did the stock market react when HP's boss was pushed out?") is None
    assert speaker_query("How did investors react to the merger?").who == frozenset(content_stems("investors"))


def test_outside_quotes_keeps_the_reporters_words():
    assert outside_quotes("\u201cWe regret it,\u201d said Tadashi Arashima.").split() == [
        "said", "Tadashi", "Arashima."]
    assert outside_quotes('The committee said, "Growth has rebounded."').split() == ["The", "committee", "said,"]
    assert outside_quotes("international company,\u201d he continued.").split() == ["he", "continued."]


def test_statements_carry_the_speaker_introduction_and_pronouns():
    found = {s.index: s for s in statements(ARTICLE)}
    assert set(found) == {0, 1, 2, 3, 5, 6}
    chief = speaker_query("What did Toyota's European chief say about the recall?")
    # Sentences 2 and 3 name only "Arashima"; his introduction in sentence 1 says who he is.
    assert speaker_match(chief, found[2]) == 1.0 and speaker_match(chief, found[3]) == 1.0
    assert found[2].quoted and not found[1].quoted
    analyst = speaker_query("What did the Morningstar analyst say?")
    assert speaker_match(analyst, found[5]) == 1.0
    assert speaker_match(analyst, found[6]) == 1.0  # "she said" inherits the analyst
    assert speaker_match(analyst, found[2]) == 0.0


def test_a_name_given_bare_after_a_role_statement_is_that_role():
    # Wikinews' own wording: the role comes first, the name only in the quote's attribution.
    article = [
        "Toyota has said that it will recall up to 1.8 million cars across Europe.",
        "The chief executive of Toyota Motor Europe commented on the recall.",
        "\u201cWe understand that the situation is creating concerns,\u201d said Tadashi Arashima.",
        "The firm, however, noted that it wasn't aware of any accidents.",
        "\u201cThe issue only occurs in very rare circumstances,\u201d Arashima added.",
        "\u201cIt will cost us,\u201d said Jane Roe.",
    ]
    found = {s.index: s for s in statements(article)}
    chief = speaker_query("What did Toyota's European chief say about the recall?")
    assert speaker_match(chief, found[2]) == 1.0
    assert speaker_match(chief, found[4]) == 1.0  # the surname again, sentences later
    # The firm's note names nobody; Jane Roe follows a quote by someone else, not a report of speech.
    assert speaker_match(chief, found[3]) == 0.0
    assert "chief" not in found[5].speaker_words


def test_short_and_long_forms_match():
    fed = speaker_query("What did the Fed say about growth?")
    [statement] = statements(['The Federal Open Market Committee said, "Growth has rebounded."'])
    assert speaker_match(fed, statement) == 1.0
