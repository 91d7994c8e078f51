"""Channel scoring: how well every organisation fits an ideal profile, or how much it looks like chosen
partners. Pure functions over NumPy columns (no database): ``profiles.py`` loads the columns.

The formula, the same for both uses:

- each criterion gives a similarity ``s`` between 0 and 1 for every organisation;
- a group's score is the weighted mean of its criteria's similarities: ``G = Σ w·s / Σ w``;
- the score is the weighted mean of the groups, on 100: ``score = 100 · Σ W·G / Σ W``; the contribution of
  a group is ``100 · W·G / Σ W`` (the contributions add up to the score).

Similarity per kind of attribute (a missing value always scores 0):

==========  ==========================================  ============================================
kind        look-alike (reference partners)              ideal profile (stated target)
==========  ==========================================  ============================================
number      ``1 − |x − r| / scale`` (floored at 0), ``r``  1 inside ``[min, max]``, else
            the mean of the references' values           ``1 − distance / scale`` (floored at 0)
choice      share of the references with the same value  1 when the value is one of the targets
set         mean Jaccard ``|A∩R| / |A∪R|`` against each  share of the target values held
            reference                                    ``|A∩T| / |T|``
text        as a set, over the words                     share of the target words used
==========  ==========================================  ============================================

``scale`` defaults to the spread (max − min) of the values present; yes/no attributes are choices.
Ties keep the order of the columns (organisations by name).

Similarities and scores are float32 (a score shown to one decimal needs far fewer digits): half the
memory traffic of float64 over a million rows. Small-vocabulary sets are scored once per distinct set;
large ones (a text's words) word by word over contiguous words, skipping the words the target leaves empty.
"""

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

NUMBER, CHOICE, SET = "number", "choice", "set"

if hasattr(np, "bitwise_count"):  # NumPy ≥ 2

    def _popcount(bits: np.ndarray) -> np.ndarray:
        # Word by word: summing along a short last axis is much slower than a few vector additions.
        count = np.bitwise_count(bits[..., 0]).astype(np.int32)
        for word in range(1, bits.shape[-1]):
            count += np.bitwise_count(bits[..., word])
        return count

    def _count_word(word: np.ndarray) -> np.ndarray:
        return np.bitwise_count(word)

else:  # pragma: no cover - older NumPy
    _BYTE_COUNTS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def _popcount(bits: np.ndarray) -> np.ndarray:
        as_bytes = bits.view(np.uint8).reshape(bits.shape[0], -1)
        return _BYTE_COUNTS[as_bytes].sum(axis=-1, dtype=np.int64)

    def _count_word(word: np.ndarray) -> np.ndarray:
        return _BYTE_COUNTS[word.view(np.uint8).reshape(-1, 8)].sum(axis=-1, dtype=np.int16)


class ScoringError(ValueError):
    """A profile that cannot be scored (no weight, no reference, unknown value…): the message says why."""


@dataclass
class NumberColumn:
    values: np.ndarray  # float64, NaN where missing
    kind: str = NUMBER
    _spread: float | None = field(default=None, repr=False)
    _single: np.ndarray | None = field(default=None, repr=False)

    @property
    def single(self) -> np.ndarray:
        """The values in float32, made once: a similarity needs far fewer digits than float32 holds, and
        half the bytes halve the memory traffic of every pass."""
        if self._single is None:
            self._single = self.values.astype(np.float32)
        return self._single

    @property
    def spread(self) -> float:
        """max − min of the values present (1 when they are all equal or missing), computed once."""
        if self._spread is None:
            present = self.values[~np.isnan(self.values)]
            spread = float(present.max() - present.min()) if present.size else 0.0
            self._spread = spread or 1.0
        return self._spread


@dataclass
class ChoiceColumn:
    codes: np.ndarray  # int32, −1 where missing
    labels: list  # code → value
    kind: str = CHOICE

    def code_of(self, value) -> int:
        try:
            return self.labels.index(value)
        except ValueError:
            return -1


@dataclass
class SetColumn:
    bits: np.ndarray  # uint64 (n, words): bit i set when the organisation holds value i
    labels: list  # bit → value
    kind: str = SET
    _distinct: tuple | None = field(default=None, repr=False)
    _words: np.ndarray | None = field(default=None, repr=False)
    _held: np.ndarray | None = field(default=None, repr=False)

    def words(self) -> np.ndarray:
        """The bits word-major (words, n), made once: each word is then one contiguous pass, and a word a
        mask leaves empty is skipped."""
        if self._words is None:
            self._words = np.ascontiguousarray(self.bits.T)
        return self._words

    def held(self) -> np.ndarray:
        """How many values each distinct set holds (int16), counted once."""
        if self._held is None:
            distinct, _inverse = self.distinct()
            self._held = _popcount(distinct).astype(np.int16)
        return self._held

    def distinct(self) -> tuple:
        """(the distinct sets (k, words), each row's index among them (n,) or None), computed once: a
        criterion is then scored on the k distinct sets and gathered back, whatever n. Sets of up to 64
        values only (a large vocabulary, such as a text's words, has about as many sets as rows)."""
        if self._distinct is None:
            if self.bits.shape[1] == 1:
                values, inverse = np.unique(self.bits[:, 0], return_inverse=True)
                self._distinct = (values[:, None], inverse.reshape(-1).astype(np.int32))
            else:
                self._distinct = (self.bits, None)
        return self._distinct

    def mask_of(self, values) -> np.ndarray:
        mask = np.zeros(self.bits.shape[1], dtype=np.uint64)
        for value in values:
            if value in self.labels:
                index = self.labels.index(value)
                mask[index // 64] |= np.uint64(1) << np.uint64(index % 64)
        return mask


def _gather(values: np.ndarray, inverse) -> np.ndarray:
    return values if inverse is None else values[inverse]


def prepare(columns: dict) -> dict:
    """Compute once what scoring reuses (spreads, distinct sets): part of loading the data."""
    for column in columns.values():
        if column.kind == NUMBER:
            column.spread  # noqa: B018
            column.single  # noqa: B018
        elif column.kind == SET:
            column.distinct()
            column.held()
            if column.bits.shape[1] > 1:
                column.words()
    return columns


def pack_sets(rows: list, labels: list | None = None) -> SetColumn:
    """Build a set column from one iterable of values per organisation."""
    if labels is None:
        labels = sorted({value for row in rows for value in row}, key=str)
    position = {value: index for index, value in enumerate(labels)}
    pairs = [
        (row_index, position[value])
        for row_index, row in enumerate(rows)
        for value in row
        if value in position
    ]
    return pack_pairs(len(rows), pairs, labels)


def pack_pairs(size: int, pairs, labels: list) -> SetColumn:
    """Build a set column from (row, value index) pairs, vectorised."""
    words = max(1, (len(labels) + 63) // 64)
    bits = np.zeros((size, words), dtype=np.uint64)
    if pairs:
        rows, indexes = np.array(pairs, dtype=np.int64).T
        masks = np.left_shift(np.uint64(1), (indexes % 64).astype(np.uint64))
        np.bitwise_or.at(bits, (rows, indexes // 64), masks)
    return SetColumn(bits=bits, labels=list(labels))


def choice_column(values: list) -> ChoiceColumn:
    labels = sorted({value for value in values if value not in (None, "")}, key=str)
    position = {value: index for index, value in enumerate(labels)}
    codes = np.array([position.get(value, -1) if value not in (None, "") else -1 for value in values])
    return ChoiceColumn(codes=codes.astype(np.int32), labels=labels)


def number_column(values: list) -> NumberColumn:
    return NumberColumn(
        values=np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    )


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: float = 1.0
    target: object = None  # ideal profiles only
    scale: float | None = None


@dataclass(frozen=True)
class Group:
    name: str
    weight: float
    criteria: tuple


@dataclass
class Scores:
    scores: np.ndarray  # (n,) on 100
    contributions: np.ndarray  # (n, groups) on 100, adding up to the score
    criteria: dict = field(default_factory=dict)  # criterion key → (n,) similarity 0..1
    groups: list = field(default_factory=list)

    def ranking(self, top: int | None = None) -> np.ndarray:
        """Row indices, best first; ties keep the column order."""
        scores = self.scores
        if top is None or top >= scores.shape[0]:
            order = np.argsort(-scores, kind="stable")
            return order if top is None else order[:top]
        # The top only: the k-th best score bounds it, then the few rows above it are sorted.
        threshold = np.partition(scores, scores.shape[0] - top)[scores.shape[0] - top]
        candidates = np.flatnonzero(scores >= threshold)
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return order[:top]


def _check(groups) -> None:
    if not groups:
        raise ScoringError(_("A profile needs at least one group of criteria."))
    if sum(group.weight for group in groups) <= 0:
        raise ScoringError(_("The weights of the groups add up to zero."))
    for group in groups:
        if group.weight < 0 or any(c.weight < 0 for c in group.criteria):
            raise ScoringError(_("Group “%(group)s”: weights cannot be negative.") % {"group": group.name})
        if group.weight > 0 and sum(c.weight for c in group.criteria) <= 0:
            raise ScoringError(_("Group “%(group)s” has no weighted criterion.") % {"group": group.name})


_F32 = np.float32


def _number_similarity(distance: np.ndarray, scale: float) -> np.ndarray:
    # 1 − distance / scale floored at 0, in place; fmax also turns the NaN of a missing value into 0.
    distance *= _F32(-1.0 / scale)
    distance += _F32(1.0)
    return np.fmax(distance, _F32(0.0), out=distance)


def _jaccard(bits: np.ndarray, mask: np.ndarray, held: np.ndarray) -> np.ndarray:
    inter = _popcount(bits & mask)
    union = held + int(_popcount(mask[None, :])[0]) - inter
    return (inter / np.maximum(union, 1)).astype(_F32)  # an empty union has an empty intersection: 0


def _intersections(column, mask: np.ndarray) -> np.ndarray:
    """|A ∩ mask| for every row of a multi-word set column, word by word over contiguous words; the words
    the mask leaves empty add nothing and are skipped."""
    words = column.words()
    inter = np.zeros(words.shape[1], dtype=np.int16)
    for word in np.flatnonzero(mask):
        inter += _count_word(np.bitwise_and(words[word], mask[word]))
    return inter


def _set_similarity_to_rows(column, rows: np.ndarray) -> np.ndarray:
    distinct, inverse = column.distinct()
    if inverse is not None:  # a few distinct sets: scored once each, gathered back
        held = column.held()
        total = np.zeros(distinct.shape[0], dtype=_F32)
        for row in rows:
            total += _jaccard(distinct, column.bits[row], held)
        return _gather(total / _F32(len(rows)), inverse)
    held = column.held()
    total = np.zeros(held.shape[0], dtype=_F32)
    for row in rows:
        mask = column.bits[row]
        inter = _intersections(column, mask)
        union = held + np.int16(int(_popcount(mask[None, :])[0])) - inter
        np.maximum(union, 1, out=union)  # an empty union has an empty intersection: 0
        total += inter.astype(_F32) / union.astype(_F32)
    if len(rows) > 1:
        total /= _F32(len(rows))
    return total


def similarity_to_references(column, rows: np.ndarray, scale=None) -> np.ndarray:
    """Similarity of every organisation to the reference rows (one partner, or the centre of several), in
    float32."""
    if column.kind == NUMBER:
        reference = column.values[rows]
        reference = reference[~np.isnan(reference)]
        if not reference.size:
            return np.zeros(column.values.shape[0], dtype=_F32)
        distance = np.subtract(column.single, _F32(reference.mean()))
        np.abs(distance, out=distance)
        return _number_similarity(distance, float(scale) if scale else column.spread)
    if column.kind == CHOICE:
        # Share of the references holding each value, looked up for every row (missing: the last slot, 0).
        codes = column.codes[rows]
        shares = np.zeros(len(column.labels) + 1, dtype=_F32)
        np.add.at(shares, codes[codes >= 0], _F32(1.0 / len(rows)))
        return shares[column.codes]
    return _set_similarity_to_rows(column, rows)


def similarity_to_target(column, target, scale=None) -> np.ndarray:
    """Fit of every organisation with a stated target, in float32."""
    if column.kind == NUMBER:
        if not isinstance(target, dict) or not ({"min", "max"} & set(target)):
            raise ScoringError(_("A number target is a range with a minimum, a maximum or both."))
        low, high = target.get("min"), target.get("max")
        values = column.single
        distance = np.zeros(values.shape[0], dtype=_F32)
        if low is not None:
            np.maximum(distance, _F32(float(low)) - values, out=distance)
        if high is not None:
            np.maximum(distance, values - _F32(float(high)), out=distance)
        # np.maximum keeps the NaN of a missing value: floored at 0 below.
        return _number_similarity(distance, float(scale) if scale else column.spread)
    wanted = target if isinstance(target, list) else [target]
    if target is None or not wanted:
        raise ScoringError(_("A target names at least one value."))
    if column.kind == CHOICE:
        accepted = np.zeros(len(column.labels) + 1, dtype=_F32)
        for value in wanted:
            code = column.code_of(value)
            if code >= 0:
                accepted[code] = 1.0
        return accepted[column.codes]
    mask = column.mask_of(wanted)
    distinct, inverse = column.distinct()
    held = _intersections(column, mask) if inverse is None else _popcount(distinct & mask)
    return _gather((held / len(set(wanted))).astype(_F32), inverse)


def score(columns: dict, groups, *, references=None) -> Scores:
    """Score every row of ``columns`` against ``groups``: look-alike when ``references`` (row indices) are
    given, else ideal profile against each criterion's target."""
    groups = list(groups)
    _check(groups)
    for group in groups:
        for criterion in group.criteria:
            if criterion.key not in columns:
                raise ScoringError(_("Unknown attribute “%(key)s”.") % {"key": criterion.key})
    if references is not None:
        references = np.asarray(references, dtype=np.int64)
        if not references.size:
            raise ScoringError(_("Choose at least one reference partner."))
    size = _size(columns)
    total_weight = sum(group.weight for group in groups)
    # Group-major, so that each group's sum is one contiguous array; handed out transposed (n, groups).
    contributions = np.zeros((len(groups), size), dtype=_F32)
    scratch = np.empty(size, dtype=_F32)
    similarities = {}
    for index, group in enumerate(groups):
        if group.weight == 0:
            continue
        weights = sum(criterion.weight for criterion in group.criteria)
        group_score = contributions[index]
        for criterion in group.criteria:
            if criterion.weight == 0:
                continue
            column = columns[criterion.key]
            if references is not None:
                similarity = similarity_to_references(column, references, criterion.scale)
            else:
                similarity = similarity_to_target(column, criterion.target, criterion.scale)
            similarities[criterion.key] = similarity
            np.multiply(similarity, _F32(criterion.weight), out=scratch)
            group_score += scratch
        group_score *= _F32(100.0 * group.weight / weights / total_weight)
    return Scores(
        scores=contributions.sum(axis=0),
        contributions=contributions.T,
        criteria=similarities,
        groups=[group.name for group in groups],
    )


def _size(columns: dict) -> int:
    for column in columns.values():
        if column.kind == NUMBER:
            return column.values.shape[0]
        if column.kind == CHOICE:
            return column.codes.shape[0]
        return column.bits.shape[0]
    raise ScoringError(_("Nothing to score."))
