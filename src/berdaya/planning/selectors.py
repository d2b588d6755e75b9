"""Reads of the planning flow, through the access rule: cycles, the problem tree, the
result counted from the ballots, and whose voices were counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import get_visible_or_404, visible_to
from berdaya.facilitation.selectors import (
    OVER_REPRESENTATION_ALERT,
    POOR,
    TOP_SHARE_ALERT,
    poverty_statuses,
)
from berdaya.registry.models import Person
from berdaya.registry.selectors import village_poverty_counts

from . import methods
from .models import ActionTask, PlanningCycle, Problem, Solution, TreeNode, Vote
from .services import count


def cycles_visible_to(user) -> QuerySet[PlanningCycle]:
    return visible_to(user, PlanningCycle.objects.select_related("village", "group", "programme"))


def cycle_get(*, user, pk: int) -> PlanningCycle:
    return get_visible_or_404(
        user, PlanningCycle.objects.select_related("village", "group", "programme"), pk=pk
    )


def problems_of(cycle: PlanningCycle) -> list[Problem]:
    return list(cycle.problems.select_related("raised_by").order_by("pk"))


@dataclass
class Branch:
    node: TreeNode
    children: list[Branch] = field(default_factory=list)


@dataclass
class ProblemTree:
    problem: Problem
    causes: list[Branch]
    effects: list[Branch]


def problem_trees(cycle: PlanningCycle) -> list[ProblemTree]:
    """Each problem with its causes and effects, deeper causes nested under their parent."""
    nodes = list(TreeNode.objects.filter(problem__cycle=cycle).order_by("pk"))
    branches = {node.pk: Branch(node) for node in nodes}
    roots: dict[tuple[int, str], list[Branch]] = {}
    for node in nodes:
        if node.parent_id and node.parent_id in branches:
            branches[node.parent_id].children.append(branches[node.pk])
        else:
            roots.setdefault((node.problem_id, node.kind), []).append(branches[node.pk])
    return [
        ProblemTree(
            problem,
            roots.get((problem.pk, TreeNode.Kind.CAUSE), []),
            roots.get((problem.pk, TreeNode.Kind.EFFECT), []),
        )
        for problem in problems_of(cycle)
    ]


def tree_nodes(cycle: PlanningCycle) -> list[TreeNode]:
    return list(
        TreeNode.objects.filter(problem__cycle=cycle)
        .select_related("problem")
        .order_by("problem_id", "kind", "pk")
    )


def votes_of(cycle: PlanningCycle) -> list[Vote]:
    return list(cycle.votes.select_related("voter__household").order_by("cast_at", "pk"))


@dataclass(frozen=True)
class Row:
    problem: Problem
    score: Fraction
    rank: int
    tied: bool

    @property
    def score_float(self) -> float:
        return float(self.score)


@dataclass
class Counted:
    """The result recomputed from the recorded ballots (`services.count`), for a table."""

    result: methods.Result
    rows: list[Row]
    late: list[Person]

    @property
    def tied_first(self) -> bool:
        return self.result.tied_first


def result_of(cycle: PlanningCycle, votes: list[Vote] | None = None) -> Counted | None:
    if not cycle.method:
        return None
    votes = votes_of(cycle) if votes is None else votes
    result = count(cycle, votes)
    problems = {p.pk: p for p in problems_of(cycle)}
    ranks = Counter(s.rank for s in result.standings)
    rows = [Row(problems[s.option], s.score, s.rank, ranks[s.rank] > 1) for s in result.standings]
    voters = {vote.voter_id: vote.voter for vote in votes}
    return Counted(result, rows, [voters[pk] for pk in result.late if pk in voters])


def problems_ranked(cycle: PlanningCycle) -> list[Problem]:
    """Problems in the order the community put them (or as written before voting)."""
    counted = result_of(cycle) if cycle.voting_closed_at else None
    if counted is None:
        return problems_of(cycle)
    return [row.problem for row in counted.rows]


def solutions_of(cycle: PlanningCycle) -> list[Solution]:
    return list(
        Solution.objects.filter(problem__cycle=cycle)
        .select_related("problem")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=ActionTask.objects.select_related("owner").prefetch_related("evaluations"),
            )
        )
        .order_by("problem_id", "-socio_cultural", "pk")
    )


def tasks_of(cycle: PlanningCycle) -> list[ActionTask]:
    return list(
        ActionTask.objects.filter(solution__problem__cycle=cycle)
        .select_related("owner", "solution__problem")
        .prefetch_related("evaluations")
        .order_by("due_on", "pk")
    )


# -- whose voices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceRow:
    """The distinct people who did one thing (raised a problem, voted, own a task)."""

    label: str
    people: int
    women: int
    men: int
    poor: int  # from severely poor or poor households
    vulnerable: int
    not_poor: int
    unknown: int  # no survey yet

    @property
    def known(self) -> int:
        return self.poor + self.vulnerable + self.not_poor


@dataclass
class Voices:
    rows: list[VoiceRow]
    population_non_poor: Fraction | None  # share of the village's households not poor
    voters_non_poor: Fraction | None  # share of voters (status known) not poor
    top_raisers_share: Fraction | None  # share of problems raised by the top tenth of raisers
    flagged: bool


def _row(label, persons: list[Person], statuses: dict[int, str]) -> VoiceRow:
    status = [statuses.get(p.household_id, "unknown") for p in persons]
    return VoiceRow(
        str(label),
        len(persons),
        sum(1 for p in persons if p.sex == Person.Sex.FEMALE),
        sum(1 for p in persons if p.sex == Person.Sex.MALE),
        sum(1 for s in status if s in POOR),
        sum(1 for s in status if s == "vulnerable"),
        sum(1 for s in status if s == "not_poor"),
        sum(1 for s in status if s == "unknown"),
    )


def voices(cycle: PlanningCycle) -> Voices:
    """Who raised problems, who voted and who owns tasks, by sex and poverty status.

    Flagged (a possible elite capture) when the voters are not poor 1.5 times as often as
    the village's households, or when a tenth of the people who raised problems raised
    half of them or more (with at least four problems raised).
    """
    problems = [p for p in problems_of(cycle) if p.raised_by_id]
    voters = [v.voter for v in votes_of(cycle)]
    owners = [t.owner for t in tasks_of(cycle) if t.owner_id]
    raisers = list({p.raised_by_id: p.raised_by for p in problems}.values())
    owners = list({p.pk: p for p in owners}.values())
    persons = raisers + voters + owners
    statuses = poverty_statuses({p.household_id for p in persons})
    rows = [
        _row(_("Raised problems"), raisers, statuses),
        _row(_("Voted"), voters, statuses),
        _row(_("Own tasks"), owners, statuses),
    ]
    # The village's households per status, from its stored figures (registry.figures).
    population = village_poverty_counts(
        organisation_id=cycle.organisation_id, codes=[cycle.village_id]
    )
    known = sum(n for status, n in population.items() if status != "unknown")
    population_non_poor = Fraction(population.get("not_poor", 0), known) if known else None
    voted = rows[1]
    voters_non_poor = Fraction(voted.not_poor, voted.known) if voted.known else None
    raised = Counter(p.raised_by_id for p in problems)
    top_share = None
    if len(problems) >= 4:
        ranked = sorted(raised.values(), reverse=True)
        top = ranked[: max(1, len(ranked) // 10)]
        top_share = Fraction(sum(top), len(problems))
    over = (
        voters_non_poor is not None
        and population_non_poor
        and voters_non_poor >= OVER_REPRESENTATION_ALERT * population_non_poor
    )
    few = top_share is not None and top_share >= TOP_SHARE_ALERT
    return Voices(rows, population_non_poor, voters_non_poor, top_share, bool(over or few))
