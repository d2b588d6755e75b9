"""Ways a community ranks its problems (Aziz's third stage), as pure functions.

The community chooses the method; the software records every ballot and
recomputes the result from them, so anyone can check it and a corrected ballot
changes the result reproducibly. Scores are exact fractions, never floats, so
ties are real ties.

* **Pairwise ranking** (PRA): for every pair of options each voter says which
  matters more, or abstains. A pair is won by the option most voters chose; a
  tied pair gives each half a point. Options are ranked by points.
* **Matrix scoring**: each voter scores each option on each criterion (for
  example 1–5); an option's score is the weighted sum over criteria of its mean
  score over the voters who scored it. An abstention (no score) is left out of
  the mean rather than counted as zero.
* **Dot voting**: each voter places up to `dots` dots on options (several on one
  option if they like); an option's score is its number of dots.
* **Borda count**: each voter ranks options; with n options the first gets n-1
  points, the next n-2, and so on. Options a voter tied share the points of the
  places they occupy; options a voter left unranked get nothing from that voter.

Late arrivals vote like everyone else while the round is open; ballots cast after
`closed_at` are excluded and reported. Ranks use standard competition ranking
(1, 2, 2, 4): tied options share a rank.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from django.utils.translation import gettext as _

Option = Hashable
Voter = Hashable


class MethodError(ValueError):
    """A ballot the method cannot count (unknown option, too many dots, ...), said in the
    reader's language: it reaches the facilitator through `services.vote_record`."""

    def __init__(self, message: str, *, voter: Voter | None = None):
        super().__init__(message)
        self.voter = voter


@dataclass(frozen=True)
class Ballot:
    voter: Voter
    # pairwise: {(a, b): winner or None}; matrix: {(option, criterion): score};
    # dots: {option: count}; borda: {option: place (1 = first)}
    choices: Mapping
    cast_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Standing:
    option: Option
    score: Fraction
    rank: int


@dataclass
class Result:
    method: str
    standings: list[Standing]
    voters: int
    abstentions: int = 0
    late: list[Voter] = field(default_factory=list)

    @property
    def winners(self) -> list[Option]:
        return [s.option for s in self.standings if s.rank == 1]

    @property
    def tied_first(self) -> bool:
        return len(self.winners) > 1


def _rank(scores: Mapping[Option, Fraction], order: Sequence[Option]) -> list[Standing]:
    # Highest score first; equal scores keep the options' listed order and share a rank.
    position = {option: index for index, option in enumerate(order)}
    ordered = sorted(scores, key=lambda o: (-scores[o], position[o]))
    standings, previous, rank = [], None, 0
    for index, option in enumerate(ordered, start=1):
        if scores[option] != previous:
            rank, previous = index, scores[option]
        standings.append(Standing(option, scores[option], rank))
    return standings


def _open_ballots(
    ballots: Iterable[Ballot], closed_at: datetime.datetime | None
) -> tuple[list[Ballot], list[Voter]]:
    counted, late, seen = [], [], set()
    for ballot in ballots:
        if ballot.voter in seen:
            raise MethodError(_("This person has two ballots."), voter=ballot.voter)
        seen.add(ballot.voter)
        if closed_at is not None and ballot.cast_at is not None and ballot.cast_at > closed_at:
            late.append(ballot.voter)
        else:
            counted.append(ballot)
    return counted, late


def _check_options(ballot: Ballot, names: Iterable[Option], options: set) -> None:
    for name in names:
        if name not in options:
            raise MethodError(
                _("“%(option)s” is not one of the options.") % {"option": name},
                voter=ballot.voter,
            )


def pairwise(
    options: Sequence[Option],
    ballots: Iterable[Ballot],
    *,
    closed_at: datetime.datetime | None = None,
) -> Result:
    known = set(options)
    counted, late = _open_ballots(ballots, closed_at)
    tallies: dict[frozenset, dict[Option, int]] = {
        frozenset(pair): dict.fromkeys(pair, 0) for pair in combinations(options, 2)
    }
    abstentions = 0
    for ballot in counted:
        for pair, winner in ballot.choices.items():
            a, b = pair
            _check_options(ballot, (a, b), known)
            if a == b:
                raise MethodError(
                    _("“%(option)s” cannot be compared with itself.") % {"option": a},
                    voter=ballot.voter,
                )
            if winner is None:
                abstentions += 1
                continue
            if winner not in (a, b):
                raise MethodError(
                    _("“%(winner)s” is not in the pair “%(a)s” – “%(b)s”.")
                    % {"winner": winner, "a": a, "b": b},
                    voter=ballot.voter,
                )
            tallies[frozenset(pair)][winner] += 1
    points = {option: Fraction(0) for option in options}
    for tally in tallies.values():
        (a, votes_a), (b, votes_b) = tally.items()
        if votes_a > votes_b:
            points[a] += 1
        elif votes_b > votes_a:
            points[b] += 1
        elif votes_a or votes_b:  # a tie between voters: half a point each
            points[a] += Fraction(1, 2)
            points[b] += Fraction(1, 2)
    return Result("pairwise", _rank(points, options), len(counted), abstentions, late)


def matrix(
    options: Sequence[Option],
    criteria: Mapping[Hashable, Fraction | int],
    ballots: Iterable[Ballot],
    *,
    scale: tuple[int, int] = (1, 5),
    closed_at: datetime.datetime | None = None,
) -> Result:
    known = set(options)
    low, high = scale
    if not criteria or any(Fraction(w) <= 0 for w in criteria.values()):
        raise MethodError(_("Every criterion needs a weight above zero."))
    counted, late = _open_ballots(ballots, closed_at)
    sums = {(o, c): Fraction(0) for o in options for c in criteria}
    counts = dict.fromkeys(sums, 0)
    abstentions = 0
    for ballot in counted:
        for (option, criterion), score in ballot.choices.items():
            _check_options(ballot, (option,), known)
            if criterion not in criteria:
                raise MethodError(
                    _("“%(criterion)s” is not a criterion.") % {"criterion": criterion},
                    voter=ballot.voter,
                )
            if score is None:
                abstentions += 1
                continue
            if not isinstance(score, int) or not low <= score <= high:
                raise MethodError(
                    _("A score is a whole number from %(low)d to %(high)d, not “%(score)s”.")
                    % {"low": low, "high": high, "score": score},
                    voter=ballot.voter,
                )
            sums[option, criterion] += score
            counts[option, criterion] += 1
    totals = {
        option: sum(
            (
                Fraction(weight) * sums[option, criterion] / counts[option, criterion]
                for criterion, weight in criteria.items()
                if counts[option, criterion]
            ),
            Fraction(0),
        )
        for option in options
    }
    return Result("matrix", _rank(totals, options), len(counted), abstentions, late)


def dots(
    options: Sequence[Option],
    ballots: Iterable[Ballot],
    *,
    per_voter: int,
    closed_at: datetime.datetime | None = None,
) -> Result:
    known = set(options)
    counted, late = _open_ballots(ballots, closed_at)
    totals = {option: Fraction(0) for option in options}
    abstentions = 0
    for ballot in counted:
        _check_options(ballot, ballot.choices, known)
        placed = sum(ballot.choices.values())
        if any(not isinstance(n, int) or n < 0 for n in ballot.choices.values()):
            raise MethodError(_("Dots are counted in whole numbers."), voter=ballot.voter)
        if placed > per_voter:
            raise MethodError(
                _("%(placed)d dots placed; each person has %(count)d.")
                % {"placed": placed, "count": per_voter},
                voter=ballot.voter,
            )
        if placed == 0:
            abstentions += 1
        for option, count in ballot.choices.items():
            totals[option] += count
    return Result("dots", _rank(totals, options), len(counted), abstentions, late)


def borda(
    options: Sequence[Option],
    ballots: Iterable[Ballot],
    *,
    closed_at: datetime.datetime | None = None,
) -> Result:
    known = set(options)
    n = len(options)
    counted, late = _open_ballots(ballots, closed_at)
    totals = {option: Fraction(0) for option in options}
    abstentions = 0
    for ballot in counted:
        _check_options(ballot, ballot.choices, known)
        if not ballot.choices:
            abstentions += 1
            continue
        places = sorted(set(ballot.choices.values()))
        if any(not isinstance(p, int) or p < 1 for p in places):
            raise MethodError(_("Places are whole numbers from 1."), voter=ballot.voter)
        next_slot = 0  # the number of options placed ahead so far
        for place in places:
            group = [o for o, p in ballot.choices.items() if p == place]
            # The group occupies slots next_slot .. next_slot+len-1, worth n-1-slot each.
            worth = sum(n - 1 - slot for slot in range(next_slot, next_slot + len(group)))
            for option in group:
                totals[option] += Fraction(worth, len(group))
            next_slot += len(group)
    return Result("borda", _rank(totals, options), len(counted), abstentions, late)


METHODS = {"pairwise": pairwise, "matrix": matrix, "dots": dots, "borda": borda}
