"""What the parser needs to know about a household, prepared once per household: its members and
how a message names them as payers, its category names, its currency."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from households.problems import problem_message
from llmsettings.parser.amounts import SIGNS_BEFORE, WORDS_BEFORE
from llmsettings.parser.categories import (
    CUSTOM_NAME_WEIGHT,
    DEFAULT_NAME_WEIGHT,
    DEFAULT_NAME_WEIGHTS,
    norm_phrase,
    singulars,
)
from llmsettings.parser.text import alternation
from llmsettings.parser.vocabulary import (
    BY_VERBS,
    CURRENCY_KEYWORDS,
    DEFAULT_CATEGORY_NAMES,
    DOLLAR_CURRENCIES,
    PAY_VERBS,
    PAYMENT_METHODS,
)

PAY_VERB = alternation(PAY_VERBS)
BY_VERB = alternation(BY_VERBS)
PAYMENT_METHOD = alternation(PAYMENT_METHODS)


@dataclass(frozen=True)
class Household:
    members: tuple[str, ...]
    speaker: str
    currency: str
    by_lower: dict[str, str]  # category name, lower-cased -> as the household spells it
    names: dict[str, tuple[float, str]]  # phrase -> (weight, category)
    name_max_words: int
    fallback: str
    fallback_problem: str | None
    payer_patterns: tuple[re.Pattern, ...]
    prefix_payer: re.Pattern | None
    suffix_payer: re.Pattern | None
    member_by_lower: dict[str, str]
    currency_keywords: dict[str, tuple[float, tuple[str, ...]]]
    learned: dict[str, str]  # phrase -> category, learned from the household's corrections
    learned_max_words: int

    def member(self, m: re.Match) -> str | None:
        """The member a match's "name" group names."""
        return self.member_by_lower.get(alias_key(m.group("name")))


def alias_key(name: str) -> str:
    """A member name as a lookup key: case, accents and spacing folded away (at least as loose
    as re.IGNORECASE, so whatever the name pattern matches finds its member)."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("ı", "i").split())


@lru_cache(maxsize=256)
def prepare(
    speaker: str,
    members: tuple[str, ...],
    categories: tuple[str, ...],
    currency: str,
    learned: tuple[tuple[str, str], ...] = (),
) -> Household:
    clean_members = tuple(dict.fromkeys(m for m in members if m))  # kept exactly as given
    by_key = {alias_key(m): m for m in reversed(clean_members)}
    if speaker not in clean_members:
        speaker = by_key.get(alias_key(speaker)) or (
            clean_members[0] if clean_members else (speaker.strip() or "Me")
        )
    if not clean_members:
        clean_members = (speaker,)

    cats = tuple(dict.fromkeys(c for c in categories if c))  # kept exactly as given
    by_lower = {" ".join(c.lower().split()): c for c in reversed(cats)}
    default_lower = {n.lower() for n in DEFAULT_CATEGORY_NAMES}
    names: dict[str, tuple[float, str]] = {}
    for cat in cats:
        phrase = norm_phrase(cat)
        if not phrase:
            continue
        if phrase in DEFAULT_NAME_WEIGHTS:
            weight = DEFAULT_NAME_WEIGHTS[phrase]
        elif cat.lower() in default_lower:
            weight = DEFAULT_NAME_WEIGHT
        else:
            weight = CUSTOM_NAME_WEIGHT
        words = phrase.split(" ")
        last = words[-1]
        variants = {last, *singulars(last)}
        if not last.endswith("s"):
            variants.add(last + "s")
        for variant in variants:
            names.setdefault(" ".join([*words[:-1], variant]), (weight, cat))
    name_max_words = max((p.count(" ") + 1 for p in names), default=1)
    own_words: dict[str, str] = {}
    for phrase, category in learned:
        key, cat = norm_phrase(phrase), by_lower.get(" ".join(category.lower().split()))
        if key and cat is not None:
            own_words[key] = cat
    learned_max_words = max((p.count(" ") + 1 for p in own_words), default=1)

    fallback_problem = None
    fallback = by_lower.get("other") or by_lower.get("misc") or by_lower.get("miscellaneous")
    if fallback is None:
        if cats:
            fallback = cats[0]
            fallback_problem = problem_message("no_category_fits")
        else:
            fallback = "Other"

    # Member names, longest first; a first name counts when no other member shares it.
    named = [m for m in clean_members if alias_key(m)]
    aliases: dict[str, str] = {alias_key(m): m for m in reversed(named)}
    spellings = [m.strip() for m in named]
    firsts: dict[str, list[str]] = {}
    for m in named:
        firsts.setdefault(alias_key(m.split()[0]), []).append(m)
    for first, owners in firsts.items():
        if len(owners) == 1 and first not in aliases:
            aliases[first] = owners[0]
            spellings.append(owners[0].split()[0])
    payer_patterns: list[re.Pattern] = []
    prefix_payer = suffix_payer = None
    if aliases:
        alternatives = "|".join(
            r"\s+".join(re.escape(part) for part in spelling.split())
            for spelling in sorted(set(spellings), key=len, reverse=True)
        )
        name = rf"(?<![\w])(?P<name>{alternatives})(?![\w])"
        prefix_payer = re.compile(
            rf"^\s*@?{name}\s*(?::|\s-\s|-\s|\s*(?={SIGNS_BEFORE}|{WORDS_BEFORE}\.?\s*[0-9]|[0-9]))", re.I
        )
        suffix_payer = re.compile(rf"[(\[]?\s*@?{name}\s*[)\]]?[\s.!]*$", re.I)
        payer_patterns = [
            re.compile(rf"@?{name}(?:'s)?\s+(?:(?:has|had|just|also|already)\s+)?{PAY_VERB}\b", re.I),
            re.compile(rf"@?{name}\s+ne\b", re.I),
            re.compile(rf"\b(?:{BY_VERB}\s+)?by\s+@?{name}", re.I),
            re.compile(
                rf"\b(?:(?:on|with|using|via|from|through|by)\s+)?{name}(?:'s|s')?\s+{PAYMENT_METHOD}\b",
                re.I,
            ),
        ]
    currency = (currency or "").strip().upper() or "INR"
    currency_keywords = CURRENCY_KEYWORDS["$" if currency in DOLLAR_CURRENCIES else ""]
    return Household(
        members=clean_members,
        speaker=speaker,
        currency=currency,
        by_lower=by_lower,
        names=names,
        name_max_words=name_max_words,
        fallback=fallback,
        fallback_problem=fallback_problem,
        payer_patterns=tuple(payer_patterns),
        prefix_payer=prefix_payer,
        suffix_payer=suffix_payer,
        member_by_lower=dict(aliases),
        currency_keywords=currency_keywords,
        learned=own_words,
        learned_max_words=learned_max_words,
    )
