"""Prioritisation methods against hand-computed examples (the arithmetic is in each test)."""

import datetime
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from berdaya.planning.methods import Ballot, MethodError, borda, dots, matrix, pairwise

WATER, ROAD, CAPITAL, SCHOOL = "air bersih", "jalan desa", "modal usaha", "PAUD"


def ranks(result):
    return {s.option: s.rank for s in result.standings}


def scores(result):
    return {s.option: s.score for s in result.standings}


def test_pairwise_by_hand():
    # Pair water–road: water 2 (v1, v3), road 1 → water. Water–capital: water 2 (v1, v2) → water.
    # Road–capital: road 2 (v1, v3), capital 1 → road. Points: water 2, road 1, capital 0.
    ballots = [
        Ballot("v1", {(WATER, ROAD): WATER, (WATER, CAPITAL): WATER, (ROAD, CAPITAL): ROAD}),
        Ballot("v2", {(WATER, ROAD): ROAD, (WATER, CAPITAL): WATER, (ROAD, CAPITAL): CAPITAL}),
        Ballot("v3", {(ROAD, WATER): WATER, (CAPITAL, WATER): CAPITAL, (CAPITAL, ROAD): ROAD}),
    ]
    result = pairwise([WATER, ROAD, CAPITAL], ballots)
    assert scores(result) == {WATER: 2, ROAD: 1, CAPITAL: 0}
    assert ranks(result) == {WATER: 1, ROAD: 2, CAPITAL: 3}


def test_pairwise_tied_pair_gives_half_points_and_abstentions_are_counted():
    # Water–road is 1:1 (v3 abstains) → ½ each; water–capital 2:1 → water; road–capital 2:0 → road.
    # Points: water 1½, road 1½, capital 0 → water and road share first place.
    ballots = [
        Ballot("v1", {(WATER, ROAD): WATER, (WATER, CAPITAL): WATER, (ROAD, CAPITAL): ROAD}),
        Ballot("v2", {(WATER, ROAD): ROAD, (WATER, CAPITAL): CAPITAL, (ROAD, CAPITAL): ROAD}),
        Ballot("v3", {(WATER, ROAD): None, (WATER, CAPITAL): WATER}),
    ]
    result = pairwise([WATER, ROAD, CAPITAL], ballots)
    assert scores(result) == {WATER: Fraction(3, 2), ROAD: Fraction(3, 2), CAPITAL: 0}
    assert result.tied_first and set(result.winners) == {WATER, ROAD}
    assert ranks(result)[CAPITAL] == 3
    assert result.abstentions == 1


def test_borda_with_a_tie_inside_a_ballot_and_an_unranked_option():
    # n = 4, places are worth 3, 2, 1, 0.
    # v1: water 3, road 2, capital 1, school 0.   v2: road 3, water 2, school 1, capital 0.
    # v3 ties water and road first: they share 3+2 → 2½ each; capital third → 1;
    # school unranked → 0.
    # Water 3+2+2½ = 7½, road 2+3+2½ = 7½, capital 1+0+1 = 2, school 0+1+0 = 1.
    ballots = [
        Ballot("v1", {WATER: 1, ROAD: 2, CAPITAL: 3, SCHOOL: 4}),
        Ballot("v2", {ROAD: 1, WATER: 2, SCHOOL: 3, CAPITAL: 4}),
        Ballot("v3", {WATER: 1, ROAD: 1, CAPITAL: 3}),
    ]
    result = borda([WATER, ROAD, CAPITAL, SCHOOL], ballots)
    assert scores(result) == {WATER: Fraction(15, 2), ROAD: Fraction(15, 2), CAPITAL: 2, SCHOOL: 1}
    assert ranks(result) == {WATER: 1, ROAD: 1, CAPITAL: 3, SCHOOL: 4}


def test_dots_with_an_abstention_and_a_late_arrival():
    closed = datetime.datetime(2025, 3, 1, 12, 0)
    ballots = [
        Ballot("v1", {WATER: 3}, closed - datetime.timedelta(minutes=30)),
        Ballot("v2", {ROAD: 2, CAPITAL: 1}),
        Ballot("v3", {WATER: 1, ROAD: 1, CAPITAL: 1}, closed),  # arrived late, before closing
        Ballot("v4", {}),  # came, chose not to vote
        Ballot("v5", {CAPITAL: 3}, closed + datetime.timedelta(minutes=5)),  # after closing
    ]
    result = dots([WATER, ROAD, CAPITAL], ballots, per_voter=3, closed_at=closed)
    assert scores(result) == {WATER: 4, ROAD: 3, CAPITAL: 2}
    assert result.voters == 4 and result.abstentions == 1 and result.late == ["v5"]


def test_matrix_scoring_mean_over_those_who_scored_and_a_changed_vote_changes_the_result():
    # Urgency weighs 2, feasibility 1. Water: urgency mean (5+4)/2 = 4½, feasibility 2 (v2
    # abstained) → 2·4½ + 2 = 11. Road: urgency 3, feasibility (5+4)/2 = 4½ → 6 + 4½ = 10½.
    criteria = {"urgency": 2, "feasibility": 1}
    v1 = {
        (WATER, "urgency"): 5,
        (WATER, "feasibility"): 2,
        (ROAD, "urgency"): 3,
        (ROAD, "feasibility"): 5,
    }
    v2 = {
        (WATER, "urgency"): 4,
        (WATER, "feasibility"): None,
        (ROAD, "urgency"): 3,
        (ROAD, "feasibility"): 4,
    }
    result = matrix([WATER, ROAD], criteria, [Ballot("v1", v1), Ballot("v2", v2)])
    assert scores(result) == {WATER: 11, ROAD: Fraction(21, 2)}
    assert result.winners == [WATER] and result.abstentions == 1
    # v2 corrects their urgency for water from 4 to 1: mean 3 → 2·3 + 2 = 8 < 10½.
    corrected = matrix(
        [WATER, ROAD], criteria, [Ballot("v1", v1), Ballot("v2", {**v2, (WATER, "urgency"): 1})]
    )
    assert scores(corrected)[WATER] == 8 and corrected.winners == [ROAD]


@pytest.mark.parametrize(
    ("method", "ballot"),
    [
        (lambda b: pairwise([WATER, ROAD], b), Ballot("v", {(WATER, "bandara"): WATER})),
        (lambda b: pairwise([WATER, ROAD], b), Ballot("v", {(WATER, ROAD): CAPITAL})),
        (lambda b: dots([WATER, ROAD], b, per_voter=3), Ballot("v", {"bandara": 1})),
        (lambda b: dots([WATER, ROAD], b, per_voter=3), Ballot("v", {WATER: 3, ROAD: 1})),
        (lambda b: borda([WATER, ROAD], b), Ballot("v", {"bandara": 1})),
        (lambda b: matrix([WATER], {"u": 1}, b), Ballot("v", {(WATER, "u"): 9})),
        (lambda b: matrix([WATER], {"u": 1}, b), Ballot("v", {(WATER, "biaya"): 3})),
    ],
)
def test_a_ballot_the_method_cannot_count_is_refused(method, ballot):
    with pytest.raises(MethodError):
        method([ballot])


def test_a_voter_cannot_vote_twice():
    with pytest.raises(MethodError):
        dots([WATER], [Ballot("v1", {WATER: 1}), Ballot("v1", {WATER: 1})], per_voter=3)


OPTIONS = ["a", "b", "c", "d"]
full_rankings = st.lists(st.permutations(OPTIONS), min_size=1, max_size=12)


@given(full_rankings, st.randoms(use_true_random=False))
def test_borda_is_independent_of_ballot_order_and_hands_out_all_points(rankings, rnd):
    ballots = [
        Ballot(f"v{i}", {o: place for place, o in enumerate(r, start=1)})
        for i, r in enumerate(rankings)
    ]
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert borda(OPTIONS, ballots).standings == borda(OPTIONS, shuffled).standings
    # Each full ballot hands out 3 + 2 + 1 + 0 = 6 points.
    assert sum(scores(borda(OPTIONS, ballots)).values()) == 6 * len(rankings)


@given(st.lists(st.lists(st.sampled_from(OPTIONS), max_size=3), min_size=1, max_size=15))
def test_dots_total_equals_the_dots_placed(placements):
    ballots = [Ballot(f"v{i}", {o: p.count(o) for o in set(p)}) for i, p in enumerate(placements)]
    result = dots(OPTIONS, ballots, per_voter=3)
    assert sum(scores(result).values()) == sum(len(p) for p in placements)
    assert result.abstentions == sum(1 for p in placements if not p)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_pairwise_points_add_up_to_the_decided_pairs(seed):
    rng = random.Random(seed)
    ballots = [
        Ballot(
            f"v{i}",
            {pair: rng.choice([*pair, None]) for pair in [("a", "b"), ("a", "c"), ("b", "c")]},
        )
        for i in range(rng.randint(1, 7))
    ]
    result = pairwise(["a", "b", "c"], ballots)
    voted_pairs = {
        frozenset(pair)
        for ballot in ballots
        for pair, choice in ballot.choices.items()
        if choice is not None
    }
    assert sum(scores(result).values()) == len(voted_pairs)
