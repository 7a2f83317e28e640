"""Pinyin of enterprise names, and searching them by syllable pairs.

A name's full pinyin ("yanqingqugongshanglian") is searched as a substring with a trigram
index. Pinyin has few letters, and a query's trigrams ("xia", "ian", "ang"...) are each in
tens of thousands of names: a first search for 「xiangyang」 rechecked 14,000 candidate rows
to find 60. So each name also keeps its pairs of adjacent syllables as words
("yan0qing qing0qu qu0gong ...", `pair_words`), under a full-text index (exact words, and
prefixes for the last syllable, which a user may not have finished typing). A query that
splits into two or more syllables (`pair_phrases`) is found by those words, and the letters
in a row in the full pinyin.
"""

import functools
import itertools
import re
import unicodedata
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

# Between the two syllables of a pair word: a digit, which no syllable has, so that the
# prefix 「xi0an:*」 (西安...) does not also find 「xian0g...」 (先高...).
PAIR_SEPARATOR = "0"
# A query that splits in more ways than this is searched as a substring.
MAX_SPLITS = 16
LONGEST_SYLLABLE = 6  # zhuang, shuang, chuang


class NamePinyin(NamedTuple):
    full: str  # 延庆 → "yanqing"
    initials: str  # "yq"
    pairs: str  # "yan0qing"


def name_pinyin(name: str) -> NamePinyin:
    """Full pinyin, initials and syllable-pair words of a Chinese name, for search (full-width
    letters and digits as their half-width forms, as searches are)."""
    return joined(*name_syllables(name))


def name_syllables(name: str) -> tuple[list[str], list[str]]:
    """The syllables of a name and their initials, lower case: 延庆 → ([yan, qing], [y, q])."""
    name = unicodedata.normalize("NFKC", name)
    syllables = [s.lower() for s in lazy_pinyin(name, errors="default") if s.strip()]
    initials = [s.lower() for s in lazy_pinyin(name, style=Style.FIRST_LETTER) if s.strip()]
    return syllables, initials


def joined(syllables: list[str], initials: list[str]) -> NamePinyin:
    """A name's NamePinyin from its syllables and initials (name_syllables)."""
    return NamePinyin("".join(syllables)[:400], "".join(initials)[:100], pair_words(syllables))


def pair_words(syllables: list[str]) -> str:
    """ "yan0qing qing0qu ...": each syllable joined to the next. A run of other letters in a
    name that spells syllables (「Meta」: me ta) counts as those, as a query that spells them
    is read (`metakeji` finds 「Meta科技」); one that does not (「IBM」, 「3D」) counts as one
    syllable, which only the search by letters in the full pinyin finds."""
    tokens = [t for t in (re.sub(r"[^a-z0-9]", "", s.lower()) for s in syllables) if t]
    tokens = [piece for token in tokens for piece in spelled(token)]
    return " ".join(f"{a}{PAIR_SEPARATOR}{b}" for a, b in itertools.pairwise(tokens))


def spelled(token: str) -> tuple[str, ...]:
    """The whole syllables `token` spells, if it is not one itself: meta → (me, ta); else
    (token,). Of several ways, the one of fewest and, first, longest syllables (xiaomi: xiao
    mi, not xi a o mi), as someone typing the start of it reads it; a whole query is read in
    every way it splits."""
    whole = syllables()
    if token in whole:
        return (token,)
    ways = [split for split in splits(token) or () if split[-1] in whole]
    if not ways:
        return (token,)
    return min(ways, key=lambda split: (len(split), [-len(piece) for piece in split]))


@functools.cache
def syllables() -> frozenset[str]:
    """Every syllable of Mandarin in pypinyin's dictionary, toneless, ü written v (as
    lazy_pinyin writes it); not the vowel-less interjections (m, n, ng, hm), which would let
    almost any string split."""
    readings = {r for value in pinyin_dict.values() for r in value.split(",")}
    found = {to_normal(r).replace("ü", "v") for r in readings}
    return frozenset(s for s in found if s.isascii() and s.isalpha() and re.search(r"[aeiouv]", s))


@functools.cache
def _prefixes() -> frozenset[str]:
    return frozenset(s[:n] for s in syllables() for n in range(1, len(s) + 1))


def splits(letters: str, limit: int = MAX_SPLITS) -> list[tuple[str, ...]] | None:
    """The ways `letters` splits into whole syllables, the last one possibly unfinished:
    xinyu → (xin, yu), xinyuang → (xin, yuan, g). A last letter that finishes the syllable
    before it is taken as doing so: xiang is not also (xian, g...), which would find every
    「...xian gong si」 (有限公司). None if there are more than `limit`."""
    whole, prefixes = syllables(), _prefixes()
    n = len(letters)

    @functools.cache
    def rest(i: int) -> tuple[tuple[str, ...], ...] | None:
        found = []
        for j in range(i + 1, min(n, i + LONGEST_SYLLABLE) + 1):
            piece = letters[i:j]
            if j == n:
                if piece in whole or piece in prefixes:
                    found.append((piece,))
            elif piece in whole and not (j == n - 1 and letters[i:] in whole):
                tails = rest(j)
                if tails is None:
                    return None
                found.extend((piece, *tail) for tail in tails)
            if len(found) > limit:
                return None
        return tuple(found)

    result = rest(0)
    return None if result is None else list(result)


def pair_phrases(letters: str) -> list[list[str]] | None:
    """The pair words that names holding the syllables of `letters` in a row have in a row,
    for each way `letters` splits: xiangyang → [["xiang0yang"], ["xi0ang", "ang0yang"]]. The
    last word is a prefix (yu for yu, yuan, yue...). None when `letters` is not two syllables
    or more (or splits in too many ways), for a substring search instead."""
    found = splits(letters)
    if not found or any(len(split) < 2 for split in found):
        return None
    return [[f"{a}{PAIR_SEPARATOR}{b}" for a, b in itertools.pairwise(split)] for split in found]


def tsquery(phrases: list[list[str]]) -> str:
    """PostgreSQL's full-text query (to_tsquery syntax) for names holding all the words of
    any of these phrases. Not in a row (a phrase query, <->, is checked name by name against
    the words computed again; 0.3 s for 76,000 names): the caller checks the letters in the
    full pinyin instead."""
    return " | ".join(f"({' & '.join(words)}:*)" for words in phrases)


def regex(phrases: list[list[str]]) -> str:
    """The same as a regular expression on the pair words (without the full-text index)."""
    return "|".join(f"(^| ){re.escape(' '.join(words))}" for words in phrases)
