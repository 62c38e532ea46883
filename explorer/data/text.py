"""Text as the tutorials feed it to an RNN: tokens, a vocabulary of ids, and the pipeline between them.

raw text ──tokenize──▶ tokens ──Vocabulary.encode──▶ ids (0 = "<pad>", 1 = "<unk>") ──(embedding, model side)

One tokenizer serves English and Chinese: words for scripts that separate words by spaces, single
characters for Chinese (and Japanese kana), whose words are not separated. A character vocabulary of
a few thousand entries covers Chinese text with few unknowns, needs no segmentation dictionary (whose
errors a student could not see), and still lets the network read 不 then 好 ("not" then "good").
Everything here returns plain data (tuples, dicts, dataclasses) that a view can show as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1
SPECIALS = (PAD, UNK)

# Han ideographs (with the compatibility block and the supplementary planes) and Japanese kana:
# scripts written without spaces between words, so each character is one token.
_HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_WORD = rf"[^\W{_HAN}]+(?:'[^\W{_HAN}]+)*"  # letters/digits of other scripts; inner apostrophes: don't, it's
_TOKEN = re.compile(rf"[{_HAN}]|{_WORD}|[^\w\s]")  # a Han character, a word, or one other symbol
_APOSTROPHES = ("\u2018", "\u2019", "\u02bc")  # typographic apostrophes, read as '


def normalize(text: str) -> str:
    """NFKC (full-width Ｔｈｉｎｋ → think, ligatures split), lower case, typographic apostrophes as '."""
    if not unicodedata.is_normalized("NFKC", text):  # the check is ~50x faster than normalizing
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    for a in _APOSTROPHES:
        text = text.replace(a, "'")
    return text


def tokenize(text: str) -> list[str]:
    """The tokens of `text`: words (English "isn't" is one token), single Chinese characters, and each
    punctuation mark or other symbol on its own; white space only separates."""
    return _TOKEN.findall(normalize(text))


@dataclass(frozen=True)
class Vocabulary:
    """Token strings with their ids (the index) and their counts in the text the vocabulary was built from.

    Id 0 is "<pad>" (fills sequences past their end; count 0) and id 1 is "<unk>" (stands for every token
    left out; its count is the number of token occurrences it replaced). The other tokens follow by
    decreasing count, ties in alphabetical order, so the same text always gives the same ids.
    """

    tokens: tuple[str, ...]  # index = id
    counts: tuple[int, ...]  # occurrences of each token in the building text
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.tokens[:2] != SPECIALS:
            raise ValueError(f"a vocabulary starts with {PAD!r} and {UNK!r}")
        if len(self.counts) != len(self.tokens) or len(set(self.tokens)) != len(self.tokens):
            raise ValueError("a vocabulary needs one count per token and no repeated token")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]], min_count: int = 1, max_size: int | None = None) -> Vocabulary:
        """The vocabulary of tokenized `documents`: tokens seen at least `min_count` times, the most
        frequent first, at most `max_size` entries in all (the two special tokens included)."""
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        if max_size is not None and max_size < len(SPECIALS):
            raise ValueError(f"max_size must be at least {len(SPECIALS)}, got {max_size}")
        counts = Counter(t for doc in documents for t in doc)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kept = [(t, n) for t, n in ranked if n >= min_count and t not in SPECIALS]
        if max_size is not None:
            kept = kept[: max_size - len(SPECIALS)]
        n_unknown = sum(counts.values()) - sum(n for _, n in kept)
        return cls(tokens=(*SPECIALS, *(t for t, _ in kept)), counts=(0, n_unknown, *(n for _, n in kept)))

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._index

    def id_of(self, token: str) -> int:
        return self._index.get(token, UNK_ID)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """The id of each token; UNK_ID (1) for a token not in the vocabulary."""
        return [self._index.get(t, UNK_ID) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """The token of each id (IndexError for an id outside 0..len-1)."""
        out = []
        for i in ids:
            if not 0 <= i < len(self.tokens):
                raise IndexError(f"id {i} is outside the vocabulary (0..{len(self.tokens) - 1})")
            out.append(self.tokens[i])
        return out

    def rows(self, limit: int | None = None) -> list[dict]:
        """The vocabulary as a table a view can show: id, token, count, and whether it is special."""
        n = len(self.tokens) if limit is None else min(limit, len(self.tokens))
        return [{"id": i, "token": self.tokens[i], "count": self.counts[i], "special": i < len(SPECIALS)}
                for i in range(n)]


@dataclass(frozen=True)
class EncodedText:
    """One text through the pipeline: what a view shows for a typed sentence or a corpus document."""

    text: str  # the raw text
    tokens: tuple[str, ...]  # its tokens, cut to the length cap
    ids: tuple[int, ...]  # their vocabulary ids (UNK_ID for unknown tokens)
    unknown: tuple[bool, ...]  # True where the token is not in the vocabulary (the model sees "<unk>")
    n_cut: int  # tokens dropped at the end by the length cap (0 if the text fits)

    def to_dict(self) -> dict:
        return {"text": self.text, "tokens": list(self.tokens), "ids": list(self.ids),
                "unknown": list(self.unknown), "n_cut": self.n_cut}


def encode_text(text: str, vocab: Vocabulary, max_len: int | None = None) -> EncodedText:
    """Tokenize and encode `text`, keeping its first `max_len` tokens (all if None)."""
    tokens = tokenize(text)
    kept = tokens if max_len is None else tokens[:max_len]
    ids = vocab.encode(kept)
    return EncodedText(text=text, tokens=tuple(kept), ids=tuple(ids),
                       unknown=tuple(t not in vocab for t in kept), n_cut=len(tokens) - len(kept))


def padded_rows(ids, lengths, vocab: Vocabulary) -> list[dict]:
    """Each row of a padded batch as the view shows it: ids, tokens, and which steps are padding
    or unknown. `ids` (B, T) and `lengths` (B,) are sequences of ints (tensors or arrays work too)."""
    rows = []
    for row, n in zip(ids.tolist() if hasattr(ids, "tolist") else ids,
                      lengths.tolist() if hasattr(lengths, "tolist") else lengths):
        rows.append({"ids": row, "tokens": vocab.decode(row), "length": n,
                     "pad": [t >= n for t in range(len(row))],
                     "unknown": [t < n and i == UNK_ID for t, i in enumerate(row)]})
    return rows
