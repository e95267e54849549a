"""Proper names in a question ("Xiaomi", "Motorola Mobility"): what an archive must mention to answer it."""

from __future__ import annotations

import calendar
import re

_TOKEN = re.compile(r"[A-Za-z0-9][\w&'’.-]*")
# A full name in running text: capitalised words joined by spaces or hyphens, with an optional
# middle initial ("Tadashi Arashima", "George W. Bush", "Hewlett-Packard", "Motorola Mobility").
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
# Capitals stand for their governments in news ("Moscow said", "talks with Brussels"): an article
# answering the question names the country instead as often as not.
CAPITALS = frozenset("""washington moscow beijing tokyo london paris berlin brussels canberra ottawa delhi
    tehran baghdad kabul islamabad jerusalem cairo ankara athens rome madrid lisbon dublin vienna warsaw
    stockholm oslo copenhagen helsinki seoul pyongyang taipei hanoi bangkok jakarta manila kiev kyiv minsk
    damascus beirut riyadh caracas havana brasilia pretoria nairobi harare abuja khartoum""".split())
_DESCRIPTIVE = frozenset(DEMONYMS) | frozenset(DEMONYMS.values()) | CAPITALS | frozenset(
    """us usa uk eu un tv pc it ai england wales hong kong silicon valley wall street
    north south east west northern southern eastern western upper lower central""".split())


def question_names(question: str) -> list[str]:
    """Capitalised words of a question that are not its first word, a month, a weekday or a title.

    Hyphenated compounds count by their parts ("Facebook-funded" names Facebook) and a possessive
    's is dropped; the result keeps the question's order, without repeats.
    """
    names: dict[str, None] = {}
    for index, match in enumerate(_TOKEN.finditer(question)):
        for part in re.split(r"[-–]", match.group()):
            word = re.sub(r"['’]s?$", "", part).rstrip(".")
            if index == 0 or len(word) < 2 or not word[0].isupper() or word.lower() in _NOT_NAMES:
                continue
            names.setdefault(word, None)
    return list(names)


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
