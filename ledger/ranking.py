"""Competition ranking (1, 2, 2, 4) for the public bulletin (实时通报)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, TypeVar, overload

Row = TypeVar("Row")
KeyedRow = TypeVar("KeyedRow", bound=Mapping[Any, Any])


def competition_ranks(values: Sequence[float]) -> list[int]:
    """Ranks for values already sorted descending: ties share a rank and the next rank skips.

    Compare figures as they are shown (e.g. per-member averages rounded to two decimals),
    or two rows that print the same could rank apart.
    """
    ranks: list[int] = []
    for i, value in enumerate(values):
        if i and value > values[i - 1]:
            raise ValueError("competition_ranks() needs values sorted descending")
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks


@overload
def rank_rows(rows: Iterable[Row], key: Callable[[Row], float]) -> list[tuple[int, Row]]: ...
@overload
def rank_rows(rows: Iterable[KeyedRow], key: str) -> list[tuple[int, KeyedRow]]: ...
def rank_rows(rows: Iterable[Any], key: Callable[[Any], float] | Hashable) -> list[tuple[int, Any]]:
    """Rows sorted by `key` descending, with their ranks; ties keep the order they came in.

    `key` is a function of a row, or the name of a mapping key.
    """
    get: Callable[[Any], float] = key if callable(key) else itemgetter(key)
    # sorted() is stable even with reverse=True, which is the tiebreak promised above.
    ordered = sorted(rows, key=get, reverse=True)
    return list(zip(competition_ranks([get(r) for r in ordered]), ordered, strict=True))


def page_ranks(points: Sequence[float], *, offset: int, ahead: int) -> list[int]:
    """Competition ranks of one page of a list sorted descending, the page starting `offset` rows in, known
    from the page alone and `ahead`, how many rows of the whole list have more than the page's best.

    A row tied with the page's best shares that best's rank, 1 + `ahead` (the tie may begin before the page);
    any other row ranks among the page, after the `offset` rows before it, who all have more."""
    return [ahead + 1 if rank == 1 else offset + rank for rank in competition_ranks(points)]
