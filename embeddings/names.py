"""Proper names in a question ("Xiaomi", "Motorola Mobility"): what an archive must mention to answer it."""

from __future__ import annotations

import calendar
import re

_TOKEN = re.compile(r"[A-Za-z0-9][\w&'’.-]*")
# A full name in running text: capitalised words joined by spaces or hyphens, with an optional
# middle initial ("Tadashi Arashima", "George W. Bush", "Hewlett-Packard", "Motorola Mobility").
_INITIAL = re.compile(r"[A-Z]\.")
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:(?:\s+[A-Z]\.)?[ -][A-Z][a-z]+)+\b")
# Capitalised words that name a time or a nationality, not a thing an article must mention.
_NOT_NAMES = frozenset(
    [m.lower() for m in calendar.month_name if m] + [d.lower() for d in calendar.day_name]
    + """i a the an in on at of for to and or but if what who whom whose which when where why how did does do
    is was were are will would could should has have had can may might ceo cfo chief president""".split()
)

# A nationality and its country are one entity to a reader ("French unions" / "union in France").
DEMONYMS = dict(pair.split(":") for pair in """french:france british:britain european:europe japanese:japan
    chinese:china american:america german:germany australian:australia canadian:canada indian:india
    russian:russia italian:italy spanish:spain korean:korea swiss:switzerland dutch:netherlands irish:ireland
    mexican:mexico brazilian:brazil israeli:israel finnish:finland swedish:sweden norwegian:norway
    danish:denmark turkish:turkey egyptian:egypt african:africa asian:asia taiwanese:taiwan scottish:scotland
    greek:greece portuguese:portugal belgian:belgium austrian:austria nigerian:nigeria kenyan:kenya
    pakistani:pakistan iranian:iran iraqi:iraq vietnamese:vietnam thai:thailand indonesian:indonesia
    singaporean:singapore malaysian:malaysia californian:california texan:texas""".split())
# Capitalised words that describe where or what kind ("the big US PC maker"), which an article that
# answers the question need not repeat.
_DESCRIPTIVE = frozenset(DEMONYMS) | frozenset(DEMONYMS.values()) | frozenset(
    "us usa uk eu un tv pc it ai england wales hong kong silicon valley wall street".split())


def question_names(question: str) -> list[str]:
    """Capitalised words of a question that are not its first word, a month, a weekday or a title.

    Hyphenated compounds count by their parts ("Facebook-funded" names Facebook) and a possessive
    's is dropped; the result keeps the question's order, without repeats.
    """
    return list(dict.fromkeys(word for run in _name_runs(question) for word in run))


def _name_runs(question: str) -> list[list[str]]:
    """The question's name words in runs of adjacent words: "Steve Jobs and Apple" -> [Steve, Jobs], [Apple].

    A middle initial keeps a run going ("George W. Bush"); a possessive, punctuation or any other
    word ends it; a hyphenated compound names each part on its own ("HP-Compaq").
    """
    runs: list[list[str]] = []
    open_run, last_end = False, 0
    for index, match in enumerate(_TOKEN.finditer(question)):
        token, gap, last_end = match.group(), question[last_end:match.start()], match.end()
        if open_run and _INITIAL.fullmatch(token):
            continue
        parts = [re.sub(r"['’]s?$", "", part).rstrip(".") for part in re.split(r"[-–]", token)]
        words = [w for w in parts if index > 0 and len(w) >= 2 and w[0].isupper() and w.lower() not in _NOT_NAMES]
        if len(parts) > 1 or not words:
            runs.extend([word] for word in words)
            open_run = False
            continue
        if open_run and gap.isspace():
            runs[-1].append(words[0])
        else:
            runs.append([words[0]])
        open_run = not re.search(r"['’]s?$", token)
    return runs


def full_names(text: str) -> list[str]:
    """Full names in running text (two or more capitalised words), in order: "Tadashi Arashima"."""
    return _FULL_NAME.findall(text)


def mentions_name(text: str, name: str) -> bool:
    """Whether text holds name as a whole word written with a capital, in the singular or plural.

    "Snap's" mentions Snap, "a snap election" does not; "Jeep" mentions Jeeps.
    """
    stem = name[:-1] if len(name) > 3 and name.endswith("s") and not name.endswith("ss") else name
    pattern = rf"\b{re.escape(stem)}(?:s|es)?\b"
    return any(match.group()[0].isupper() for match in re.finditer(pattern, text, flags=re.IGNORECASE))


def is_descriptive(name: str) -> bool:
    """A place, a nationality or a generic abbreviation ("US", "TV") rather than the name of a party."""
    return name.lower() in _DESCRIPTIVE


def parties(question: str) -> list[str]:
    """The parties a question names, which an article must mention to be answering it.

    Adjacent name words are one party ("Steve Jobs"); descriptive ones are left out ("US", "Swedish").
    """
    found: dict[str, None] = {}
    for run in _name_runs(question):
        kept = [word for word in run if not is_descriptive(word)]
        if kept:
            found.setdefault(" ".join(kept), None)
    return list(found)


def names_together(names: list[str], text: str) -> bool:
    """Whether text mentions every one of the names, or all but one of three or more.

    A full name counts as mentioned by its last word too ("Jobs" for "Steve Jobs"). One of three
    may be the question's other word for another ("Coca-Cola ... the Coke employee"); of two
    names, a text holding only one is about something else: an article on Microsoft's sales and
    one on Nokia's takeovers do not answer what Microsoft paid for Nokia's phone business.
    """
    missing = sum(not (mentions_name(text, name) or mentions_name(text, name.split()[-1])) for name in names)
    return missing <= (0 if len(names) <= 2 else 1)


def coordinated(question: str, names: list[str]) -> bool:
    """Whether the question joins names with "and"/"or" ("What did Apple and Google announce?").

    Such a question asks about each party and may be answered by an article on each; other
    questions naming several parties ask about them together.
    """
    joined = r"(?:['’]s)?\s*(?:,|&|\band\b|\bor\b)\s*(?:,?\s*(?:and|or)\s+)?(?:the\s+)?"
    return any(re.search(rf"\b{re.escape(a)}{joined}{re.escape(b)}\b", question)
               for a, b in zip(names, names[1:]))
