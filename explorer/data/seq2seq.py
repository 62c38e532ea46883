"""Seeded sequence-to-sequence tasks, generated (nothing is downloaded), character-level:

- reverse: "abcde" → "edcba" (the alignment is the anti-diagonal);
- sort:    "dbeab" → "abbde" (each output letter comes from wherever that letter stands);
- dates:   one day of 2000–2099 in one of 13 surface forms ("28 November 2026", "nov 28, 26",
  "2026年11月28日", "Saturday, the 28th of November 2026", ...) → its ISO form "2026-11-28"
  (the year, month and day digits sit at different places in each form: the attention must find them).

Each task has three disjoint splits, "train", "val" and "test": for dates a seeded tenth of the days
is the validation split and another tenth the test split (so a held-out day is never seen in any form),
for reverse/sort a tenth of the sources each (chosen by a checksum of the sequence). Training batches come
from the training split only. A pair depends only on (data_seed, split, batch seed).
"""
from __future__ import annotations

import datetime
import math
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..config import MAX_SEED, Seq2SeqConfig, check_choice, check_int
from ..i18n import UserError, UserText

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ("<pad>", "<bos>", "<eos>")
SPLITS = ("train", "val", "test")
HELD_OUT_FRACTION = 0.1     # of the days or sources, for each of the validation and the test split
MIN_DISTINCT_SOURCES = 200  # reverse/sort: fewer cannot be split into a training and a held-out set
BASELINE_SAMPLES = 4096     # training targets from which the memoryless baseline is estimated
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def ordinal(day: int) -> str:
    """1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th", 22 → "22nd"."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _fields(d: datetime.date) -> dict[str, str]:
    month, weekday = MONTHS[d.month - 1], WEEKDAYS[d.weekday()]
    return {"d": str(d.day), "dd": f"{d.day:02d}", "dth": ordinal(d.day), "m": str(d.month), "mm": f"{d.month:02d}",
            "Y": str(d.year), "yy": f"{d.year % 100:02d}", "Month": month, "month": month.lower(),
            "Mon": month[:3], "mon": month[:3].lower(), "MON": month[:3].upper(), "Weekday": weekday,
            "weekday": weekday.lower(), "Wkd": weekday[:3]}


# The surface forms of a date (Python format strings over _fields); a two-digit year yy means 20yy.
DATE_FORMATS = {
    "D Month YYYY": "{d} {Month} {Y}",                                # 28 November 2026
    "D Mon YYYY": "{d} {Mon} {Y}",                                    # 28 Nov 2026
    "Month D, YYYY": "{Month} {d}, {Y}",                              # November 28, 2026
    "mon D, YY": "{mon} {d}, {yy}",                                   # nov 28, 26
    "YYYY年M月D日": "{Y}年{m}月{d}日",                                   # 2026年11月28日
    "Weekday, the Dth of Month YYYY": "{Weekday}, the {dth} of {Month} {Y}",  # Saturday, the 28th of November 2026
    "Wkd D Mon YYYY": "{Wkd} {d} {Mon} {Y}",                          # Sat 28 Nov 2026
    "DD.MM.YYYY": "{dd}.{mm}.{Y}",                                    # 28.11.2026
    "YYYY/MM/DD": "{Y}/{mm}/{dd}",                                    # 2026/11/28
    "MM/DD/YY": "{mm}/{dd}/{yy}",                                     # 11/28/26 (US order)
    "Dth Month YYYY": "{dth} {Month} {Y}",                            # 28th November 2026
    "weekday D month YYYY": "{weekday} {d} {month} {Y}",              # saturday 28 november 2026
    "MON DD YYYY": "{MON} {dd} {Y}",                                  # NOV 28 2026
}


def format_date(d: datetime.date, form: str) -> str:
    """The date `d` written in the surface form named `form` (a key of DATE_FORMATS)."""
    return DATE_FORMATS[form].format(**_fields(d))


@dataclass
class Seq2SeqBatch:
    src: torch.Tensor          # (B, S) int64 source ids; <pad> (0) after each source's end
    src_lengths: torch.Tensor  # (B,) int64: real length of each source
    tgt_in: torch.Tensor       # (B, J) int64 decoder inputs: <bos>, y_1, ..., y_n, then <pad>
    tgt_out: torch.Tensor      # (B, J) int64 decoder targets: y_1, ..., y_n, <eos>, then <pad>
    sources: list[list[str]]   # the source tokens of each pair
    targets: list[list[str]]   # the target tokens of each pair (without <eos>)

    @property
    def tgt_mask(self) -> torch.Tensor:
        """(B, J) bool: the target positions that count (not padding)."""
        return self.tgt_out != PAD


class Seq2SeqTask:
    """Seeded (source, target) pairs of one task, their vocabularies, and the memoryless baseline.

    Subclasses set the alphabets and implement `_draw` (one pair) and `reference`.
    """

    def __init__(self, cfg: Seq2SeqConfig, src_alphabet: list[str], tgt_alphabet: list[str],
                 max_src_len: int, max_tgt_len: int):
        self.name = cfg.task
        self.src_vocab = ["<pad>", *src_alphabet]  # index = id
        self.tgt_vocab = [*SPECIALS, *tgt_alphabet]
        self.max_src_len = max_src_len             # longest source, in tokens
        self.max_tgt_len = max_tgt_len             # longest target, in tokens, without <eos>
        self._src_ids = {t: i for i, t in enumerate(self.src_vocab) if i > 0}
        self._tgt_ids = {t: i for i, t in enumerate(self.tgt_vocab)}
        self._seed = cfg.data_seed
        self.baseline = self._position_entropy(self.pairs(BASELINE_SAMPLES, seed=MAX_SEED))
        self.baseline_label = UserText("guess from the output position alone (CE {ce:.3f})", ce=self.baseline)

    # -- drawing pairs ---------------------------------------------------------------------------
    def _draw(self, rng: np.random.Generator, split: str) -> tuple[list[str], list[str]]:
        """One (source, target) pair of `split`."""
        raise NotImplementedError

    def reference(self, source: list[str]) -> list[str] | None:
        """The correct target of a source, when the task can compute it for any source; else None."""
        raise NotImplementedError

    def pairs(self, n: int, seed: int, split: str = "train") -> list[tuple[list[str], list[str]]]:
        """n (source, target) token pairs of `split`, identical for identical (data_seed, seed, split)."""
        check_int("n", n, 0, 1 << 16)
        check_int("seed", seed, 0, 2**63 - 1)
        check_choice("split", split, SPLITS)
        rng = np.random.default_rng([self._seed, seed, SPLITS.index(split)])
        return [self._draw(rng, split) for _ in range(n)]

    def batch(self, batch_size: int, seed: int) -> Seq2SeqBatch:
        """A training batch (never a held-out pair)."""
        return self.collate(self.pairs(batch_size, seed))

    def eval_set(self, split: str, n: int) -> Seq2SeqBatch:
        """The first n pairs of the fixed evaluation set of `split` (a larger n extends a smaller one); seed 0,
        which no training batch uses (their seeds count from 1)."""
        return self.collate(self.pairs(n, seed=0, split=split))

    def collate(self, pairs: list[tuple[list[str], list[str]]]) -> Seq2SeqBatch:
        """Pad the pairs into one batch (padding at the end)."""
        b = len(pairs)
        s_len = max(len(s) for s, _ in pairs)
        j_len = max(len(t) for _, t in pairs) + 1  # + <bos> / <eos>
        src = np.full((b, s_len), PAD, dtype=np.int64)
        tgt_in = np.full((b, j_len), PAD, dtype=np.int64)
        tgt_out = np.full((b, j_len), PAD, dtype=np.int64)
        for i, (s, t) in enumerate(pairs):
            src[i, : len(s)] = [self._src_ids[c] for c in s]
            ids = [self._tgt_ids[c] for c in t]
            tgt_in[i, : len(t) + 1] = [BOS, *ids]
            tgt_out[i, : len(t) + 1] = [*ids, EOS]
        src, tgt_in, tgt_out = (torch.from_numpy(a) for a in (src, tgt_in, tgt_out))
        lengths = torch.tensor([len(s) for s, _ in pairs], dtype=torch.long)
        return Seq2SeqBatch(src, lengths, tgt_in, tgt_out, [list(s) for s, _ in pairs], [list(t) for _, t in pairs])

    # -- loss and the training batch's score (what Trainer.step calls) ------------------------------
    def loss(self, logits: torch.Tensor, batch: Seq2SeqBatch) -> torch.Tensor:
        """Cross-entropy per target token (<eos> included, padding excluded) of logits (B, J, V)."""
        return F.cross_entropy(logits.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=PAD)

    @torch.no_grad()
    def metrics(self, logits: torch.Tensor, batch: Seq2SeqBatch) -> dict[str, float]:
        """"next-token accuracy": how often the most probable token is the target, under teacher forcing."""
        mask = batch.tgt_mask
        return {"next-token accuracy": (logits.argmax(-1)[mask] == batch.tgt_out[mask]).float().mean().item()}

    # -- typed input -------------------------------------------------------------------------------
    def encode_source(self, text: str) -> list[str]:
        """The tokens of a typed source (surrounding spaces dropped); ValueError with a sentence a UI can show
        if it is empty, holds a character outside the source alphabet, or is longer than any training source."""
        if not isinstance(text, str):
            raise UserError("The source must be text.")
        tokens = list(text.strip())
        if not tokens:
            raise UserError("The source is empty: type something to translate.")
        unknown = sorted({c for c in tokens if c not in self._src_ids})
        if unknown:
            shown = " ".join(repr(c) for c in unknown[:5])
            raise UserError("The source holds characters this model never saw: {shown}. It knows only these: "
                            "{known}", shown=shown, known="".join(self.src_vocab[1:]))
        if len(tokens) > self.max_src_len:
            raise UserError("The source has {n} characters; this model was trained on sources of at most {most}.",
                            n=len(tokens), most=self.max_src_len)
        return tokens

    def source_ids(self, tokens: list[str]) -> list[int]:
        """The ids of source tokens (each must be in the source alphabet)."""
        return [self._src_ids[t] for t in tokens]

    def target_tokens(self, ids: list[int]) -> list[str]:
        """Target tokens of ids, stopping before the first <eos> (and skipping <bos>/<pad>)."""
        out = []
        for i in ids:
            if i == EOS:
                break
            if i > EOS:
                out.append(self.tgt_vocab[i])
        return out

    # -- baseline ----------------------------------------------------------------------------------
    @staticmethod
    def _position_entropy(pairs: list[tuple[list[str], list[str]]]) -> float:
        """Cross-entropy per target token (<eos> included) of the best guess that sees only the output
        position j: the empirical distribution of the token at j. This is the conditional entropy H(y_j | j)
        of a large training sample, averaged over tokens like the training loss."""
        counts: dict[int, Counter] = {}
        for _, t in pairs:
            for j, tok in enumerate([*t, "<eos>"]):
                counts.setdefault(j, Counter())[tok] += 1
        total = sum(sum(c.values()) for c in counts.values())
        nats = 0.0
        for c in counts.values():
            n_j = sum(c.values())
            nats -= sum(k * math.log(k / n_j) for k in c.values())
        return nats / total


class _SymbolTask(Seq2SeqTask):
    """Reverse or sort a string of letters drawn uniformly from the first n_symbols letters."""

    def __init__(self, cfg: Seq2SeqConfig):
        self._symbols = [chr(ord("a") + i) for i in range(cfg.n_symbols)]
        self._min, self._max = cfg.min_len, cfg.max_len
        distinct = sum(cfg.n_symbols**n for n in range(cfg.min_len, cfg.max_len + 1))
        if distinct < MIN_DISTINCT_SOURCES:
            raise UserError("These lengths and symbols allow only {n} distinct sources, too few to hold some out "
                            "for validation: allow longer sources or more symbols.", n=distinct)
        super().__init__(cfg, self._symbols, self._symbols, cfg.max_len, cfg.max_len)

    def split_of(self, source: list[str]) -> str:
        """The split a source belongs to, by a checksum of the sequence (and the data seed)."""
        bucket = zlib.crc32(f"{self._seed}:{''.join(source)}".encode()) % 1000
        return "test" if bucket < 1000 * HELD_OUT_FRACTION else "val" if bucket < 2000 * HELD_OUT_FRACTION else "train"

    def _draw(self, rng, split):
        for _ in range(10_000):  # rejection: a tenth of the draws is in each held-out split
            n = int(rng.integers(self._min, self._max + 1))
            source = [self._symbols[i] for i in rng.integers(0, len(self._symbols), n)]
            if self.split_of(source) == split:
                return source, self.reference(source)
        raise UserError("These lengths and symbols leave a split (almost) empty: allow longer sources or more "
                        "symbols.")


class ReverseTask(_SymbolTask):
    def reference(self, source):
        return source[::-1]


class SortTask(_SymbolTask):
    def reference(self, source):
        return sorted(source)


def _date_alphabet() -> list[str]:
    """Every character of every surface form (one year shows every month, weekday and ordinal suffix)."""
    days = [datetime.date(2026, 1, 1) + datetime.timedelta(k) for k in range(365)]
    return sorted({c for d in days for form in DATE_FORMATS for c in format_date(d, form)})


class DateTask(Seq2SeqTask):
    """A day of 2000–2099 in a random surface form → "YYYY-MM-DD"; a seeded tenth of the days is held out."""

    MAX_SOURCE = 37  # "Wednesday, the 30th of September 2026" (tests check it against the whole calendar)

    def __init__(self, cfg: Seq2SeqConfig):
        n_days = (LAST_DAY - FIRST_DAY).days + 1
        order = np.random.default_rng([cfg.data_seed, 7]).permutation(n_days)
        n_held = round(HELD_OUT_FRACTION * n_days)
        self._days = {"test": np.sort(order[:n_held]), "val": np.sort(order[n_held : 2 * n_held]),
                      "train": np.sort(order[2 * n_held :])}  # day offsets (from FIRST_DAY) of each split
        self._forms = list(DATE_FORMATS)
        super().__init__(cfg, _date_alphabet(), list("0123456789-"), self.MAX_SOURCE, 10)

    def split_of(self, d: datetime.date) -> str:
        """The split a day belongs to."""
        offset = (d - FIRST_DAY).days
        for split in ("val", "test"):
            days = self._days[split]
            i = np.searchsorted(days, offset)
            if i < len(days) and days[i] == offset:
                return split
        return "train"

    def _draw(self, rng, split):
        d = FIRST_DAY + datetime.timedelta(int(rng.choice(self._days[split])))
        form = self._forms[int(rng.integers(len(self._forms)))]
        return list(format_date(d, form)), list(d.isoformat())

    def reference(self, source):
        return None


def make_seq2seq_task(cfg: Seq2SeqConfig) -> Seq2SeqTask:
    """The task of `cfg` (ValueError on a setting that cannot be split into training and held-out data)."""
    return {"reverse": ReverseTask, "sort": SortTask, "dates": DateTask}[cfg.task](cfg)
