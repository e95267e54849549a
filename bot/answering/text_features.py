"""Word-level features of questions and sentences: stems, overlap, and the answer type a question wants."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from embeddings.names import DEMONYMS, full_names
from embeddings.text_query import query_terms

_STEMMER = snowballstemmer.stemmer("english")
_NUMBER = re.compile(r"\d|[$€£¥]|\b(?:million|billion|trillion|percent|per cent|dozen|hundred|thousand)\b|%", re.I)
_DATE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|today|yesterday|tomorrow|(?:19|20)\d\d)\b", re.I)
_CAUSE = re.compile(r"\b(?:because|due to|after|in response|as a result|since|following|reason|so that|"
                    r"in order to|amid|caused|blamed|led to)\b", re.I)
# Enough of English's finite verbs to tell a sentence from a caption or a heading: auxiliaries,
# common irregular pasts, and common news verbs (base form; -s, -ed and -ing forms match by suffix).
_AUXILIARIES = frozenset("""am is are was were be been being has have had do does did will would shall should
    can could may might must""".split())
_IRREGULAR = frozenset("""said told made took gave went came saw found held began rose fell sold bought won lost
    paid led left met ran set put cut hit kept sent spent grew knew thought brought built chose drew drove
    flew got heard laid lent let meant quit read rode rang sank shook shot shut sang sat slept spoke stood
    stole struck swore taught tore threw understood woke wore wrote withdrew overtook became broke sought
    fought caught dealt felt fled bore forecast forgave froze hid hurt lay led lit overcame rebuilt split
    spread stuck sprang swept undertook upheld""".split())
_COMMON_VERBS = frozenset("""say tell make take give go come see find hold begin rise fall sell buy win lose pay
    lead leave meet run set put cut keep send spend grow know think bring build choose draw drive need want
    plan expect announce report remain include add accept agree allow become believe call cause claim close
    continue cost create decide deny describe develop die end face fail fear follow happen help hope join
    launch lie like look mean move offer open own play produce provide raise reach receive reduce refuse
    release require rule seek seem serve show sign start stay stop suggest support suffer talk try turn use
    vote wait warn work worry account accuse admit argue arrive ask border charge check confirm consider
    contain cover defeat demand depend destroy discover earn enter estimate exist expand explain express fight
    fire force gain hire increase intend invest issue kill list lack lower mark miss note order pass permit
    place plunge predict prefer prepare present prevent promise propose protest prove range rank recall
    recommend record remove repeat replace represent resign return reveal save score share slip soar sue
    surge target threaten total trade travel urge value visit want watch welcome wish""".split())
_VERB_SUFFIX = re.compile(r"\w{2,}(?:ed|ing)$")
_CONTRACTION = re.compile(r"\w(?:'m|'re|'ve|'ll|n't)$|^(?:it|that|he|she|there|what|who)'s$")
_ASKS = {
    "number": re.compile(r"\bhow (?:much|many|long|far|big|large|fast)\b|\b(?:price|cost|worth|pay|paid|rate|"
                         r"percentage|amount|total|number)\b", re.I),
    "date": re.compile(r"\bwhen\b|\bwhat (?:date|year|day|month|time)\b|\bhow long\b", re.I),
    "cause": re.compile(r"\bwhy\b|\bwhat (?:caused|led to|prompted)\b|\bhow come\b", re.I),
    "person": re.compile(r"\bwho(?:m|se)?\b", re.I),
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(DEMONYMS.get(word, word))


def content_stems(text: str) -> list[str]:
    """Stems of the content words of text (stopwords dropped), in order, without repeats."""
    return list(dict.fromkeys(stem(t) for t in query_terms(text, max_terms=400)))


def has_verb(text: str) -> bool:
    """Whether text holds a finite verb (by the lexicon above): a sentence, not a caption or heading."""
    for raw in re.findall(r"[A-Za-z'’]+", text):
        word = raw.lower().replace("’", "'")
        if word in _AUXILIARIES or word in _IRREGULAR or _VERB_SUFFIX.match(word) or _CONTRACTION.search(word):
            return True
        if word in _COMMON_VERBS or (word.endswith("s") and (word[:-1] in _COMMON_VERBS or word[:-2] in _COMMON_VERBS)):
            return True
    return False


def is_caption(body: str, start: int, end: int, max_words: int = 20) -> bool:
    """A line of its own with no verb ("The co-founder and former chief executive officer of Apple Inc."):
    a photo caption or a heading, not a sentence to quote."""
    alone = (start == 0 or body[start - 1] == "\n") and (end == len(body) or body[end] == "\n")
    text = body[start:end]
    return alone and len(text.split()) <= max_words and not has_verb(text)


def answer_types(question: str) -> frozenset[str]:
    """What kind of answer a question wants: number, date, cause, person (possibly several)."""
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(question))


def type_match(types: frozenset[str], sentence: str, question: str) -> float:
    """Share of the wanted answer types a sentence offers (a number, a date, a cause, a new name)."""
    if not types:
        return 0.0
    offered = 0
    if "number" in types and _NUMBER.search(sentence):
        offered += 1
    if "date" in types and _DATE.search(sentence):
        offered += 1
    if "cause" in types and _CAUSE.search(sentence):
        offered += 1
    if "person" in types and set(full_names(sentence)) - set(full_names(question)):
        offered += 1
    return offered / len(types)
