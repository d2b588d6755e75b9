"""Writes for the six-stage planning flow. Votes are validated by counting them."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.programmes.models import Programme, ProgrammeVillage
from berdaya.registry.models import Person

from . import methods
from .ballots import to_ballot
from .models import (
    ActionTask,
    Criterion,
    Evaluation,
    PlanningCycle,
    Problem,
    Solution,
    TreeNode,
    Vote,
)


def _in_village(person: Person | None, cycle: PlanningCycle, field: str) -> None:
    if person is None:
        return
    if person.organisation_id != cycle.organisation_id or (
        person.household.village_id != cycle.village_id
    ):
        raise ValidationFailed(
            _("%(name)s is not registered in this village.") % {"name": person.name}, field=field
        )


@transaction.atomic
def cycle_start(
    *,
    user,
    programme: Programme,
    village_code: str,
    title: str,
    started_on: datetime.date,
    group=None,
) -> PlanningCycle:
    if village_code not in village_codes_for(
        user, personal=True, organisation_id=programme.organisation_id
    ):
        raise PermissionDenied(_("You do not work in this village for this programme."))
    if not ProgrammeVillage.objects.filter(programme=programme, village_id=village_code).exists():
        raise ValidationFailed(_("This village is not in the programme."), field="village")
    if group is not None and group.village_id != village_code:
        raise ValidationFailed(_("This group is not in this village."), field="group")
    if not title.strip():
        raise ValidationFailed(_("Give the plan a title."), field="title")
    return PlanningCycle.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        group=group,
        title=title.strip(),
        started_on=started_on,
        created_by=user,
    )


def _at_step(cycle: PlanningCycle, *steps: int) -> None:
    if cycle.step not in steps:
        raise ValidationFailed(
            _("This belongs to another step; the plan is at step %(step)d (%(name)s).")
            % {"step": cycle.step, "name": cycle.get_step_display()}
        )


@transaction.atomic
def problem_add(
    *,
    cycle: PlanningCycle,
    title: str,
    description: str = "",
    raised_by: Person | None = None,
    raised_at=None,
) -> Problem:
    _at_step(cycle, PlanningCycle.Step.PROBLEMS, PlanningCycle.Step.ANALYSIS)
    _in_village(raised_by, cycle, "raised_by")
    if not title.strip():
        raise ValidationFailed(_("Name the problem."), field="title")
    return Problem.objects.create(
        cycle=cycle,
        title=title.strip(),
        description=description.strip(),
        raised_by=raised_by,
        raised_at=raised_at,
    )


@transaction.atomic
def problem_update(
    *,
    cycle: PlanningCycle,
    problem: Problem,
    title: str,
    description: str = "",
    raised_by: Person | None = None,
) -> Problem:
    """Correct a problem as written down, until prioritising starts: after that the
    votes were cast on its words. Every change is in the audit trail."""
    _at_step(cycle, PlanningCycle.Step.PROBLEMS, PlanningCycle.Step.ANALYSIS)
    if problem.cycle_id != cycle.pk:
        raise ValidationFailed(_("That problem is not in this plan."), field="problem")
    _in_village(raised_by, cycle, "raised_by")
    if not title.strip():
        raise ValidationFailed(_("Name the problem."), field="title")
    problem.title = title.strip()
    problem.description = description.strip()
    problem.raised_by = raised_by
    problem.save(update_fields=["title", "description", "raised_by"])
    return problem


@transaction.atomic
def tree_node_add(
    *, problem: Problem, kind: str, text: str, parent: TreeNode | None = None
) -> TreeNode:
    _at_step(problem.cycle, PlanningCycle.Step.PROBLEMS, PlanningCycle.Step.ANALYSIS)
    if kind not in TreeNode.Kind.values:
        raise ValidationFailed(_("Choose cause or effect."), field="kind")
    if parent is not None and (parent.problem_id != problem.pk or parent.kind != kind):
        raise ValidationFailed(_("A deeper cause hangs under a cause of the same problem."))
    if not text.strip():
        raise ValidationFailed(_("Write the cause or effect."), field="text")
    return TreeNode.objects.create(problem=problem, kind=kind, text=text.strip(), parent=parent)


@transaction.atomic
def voting_open(
    *,
    cycle: PlanningCycle,
    method: str,
    criteria: Mapping[str, int] | None = None,
    dots_per_voter: int = 3,
) -> PlanningCycle:
    """Move to step 3 with the method the community chose."""
    _at_step(cycle, PlanningCycle.Step.PROBLEMS, PlanningCycle.Step.ANALYSIS)
    if method not in PlanningCycle.Method.values:
        raise ValidationFailed(_("Choose one of the listed methods."), field="method")
    if cycle.problems.count() < 2:
        raise ValidationFailed(_("Prioritising needs at least two problems."))
    if method == PlanningCycle.Method.MATRIX:
        if not criteria:
            raise ValidationFailed(_("Matrix scoring needs criteria."), field="criteria")
        for name, weight in criteria.items():
            if not isinstance(weight, int) or weight < 1:
                raise ValidationFailed(_("A weight is a whole number from 1."), field="criteria")
            Criterion.objects.create(cycle=cycle, name=name.strip(), weight=weight)
    if dots_per_voter < 1:
        raise ValidationFailed(_("Each person needs at least one dot."), field="dots_per_voter")
    cycle.method, cycle.dots_per_voter = method, dots_per_voter
    cycle.step = PlanningCycle.Step.PRIORITIES
    cycle.voting_opened_at = timezone.now()
    cycle.save()
    return cycle


def count(cycle: PlanningCycle, votes: Sequence[Vote]) -> methods.Result:
    """Run the cycle's method over these votes: the one place a result is computed."""
    options = list(cycle.problems.order_by("pk").values_list("pk", flat=True))
    ballots = [to_ballot(cycle.method, vote.voter_id, vote.ballot, vote.cast_at) for vote in votes]
    closed = cycle.voting_closed_at
    if cycle.method == PlanningCycle.Method.MATRIX:
        criteria = {c.pk: c.weight for c in cycle.criteria.all()}
        return methods.matrix(options, criteria, ballots, closed_at=closed)
    if cycle.method == PlanningCycle.Method.DOTS:
        return methods.dots(options, ballots, per_voter=cycle.dots_per_voter, closed_at=closed)
    return methods.METHODS[cycle.method](options, ballots, closed_at=closed)


@transaction.atomic
def vote_record(
    *, cycle: PlanningCycle, voter: Person, ballot, cast_at: datetime.datetime | None = None
) -> Vote:
    """Record (or correct) one person's ballot; a ballot the method cannot count is refused."""
    _at_step(cycle, PlanningCycle.Step.PRIORITIES)
    if cycle.voting_closed_at is not None:
        raise ValidationFailed(_("Voting is closed."))
    _in_village(voter, cycle, "voter")
    cast_at = cast_at or timezone.now()
    probe = Vote(cycle=cycle, voter=voter, ballot=ballot, cast_at=cast_at)
    try:
        count(cycle, [probe])
    except (methods.MethodError, TypeError, ValueError, KeyError) as error:
        raise ValidationFailed(
            _("This ballot cannot be counted: %(reason)s") % {"reason": error}, field="ballot"
        ) from error
    vote, _created = Vote.objects.update_or_create(
        cycle=cycle, voter=voter, defaults={"ballot": ballot, "cast_at": cast_at}
    )
    return vote


@transaction.atomic
def voting_close(*, cycle: PlanningCycle, at: datetime.datetime | None = None) -> methods.Result:
    _at_step(cycle, PlanningCycle.Step.PRIORITIES)
    if not cycle.votes.exists():
        raise ValidationFailed(_("Nobody has voted yet."))
    cycle.voting_closed_at = at or timezone.now()
    cycle.step = PlanningCycle.Step.SOLUTIONS
    cycle.save(update_fields=["voting_closed_at", "step"])
    return count(cycle, list(cycle.votes.all()))


@transaction.atomic
def solution_add(
    *,
    problem: Problem,
    title: str,
    socio_cultural: bool,
    internal_resources: str = "",
    external_resources: str = "",
) -> Solution:
    _at_step(problem.cycle, PlanningCycle.Step.SOLUTIONS, PlanningCycle.Step.ACTION)
    if not title.strip():
        raise ValidationFailed(_("Name the solution."), field="title")
    return Solution.objects.create(
        problem=problem,
        title=title.strip(),
        socio_cultural=socio_cultural,
        internal_resources=internal_resources.strip(),
        external_resources=external_resources.strip(),
    )


@transaction.atomic
def solution_update(
    *,
    solution: Solution,
    problem: Problem,
    title: str,
    socio_cultural: bool,
    internal_resources: str = "",
    external_resources: str = "",
) -> Solution:
    """Correct a solution while solutions and the action plan are being made."""
    cycle = solution.problem.cycle
    _at_step(cycle, PlanningCycle.Step.SOLUTIONS, PlanningCycle.Step.ACTION)
    if problem.cycle_id != cycle.pk:
        raise ValidationFailed(_("That problem is not in this plan."), field="problem")
    if not title.strip():
        raise ValidationFailed(_("Name the solution."), field="title")
    solution.problem = problem
    solution.title = title.strip()
    solution.socio_cultural = socio_cultural
    solution.internal_resources = internal_resources.strip()
    solution.external_resources = external_resources.strip()
    solution.save()
    return solution


@transaction.atomic
def task_add(
    *,
    solution: Solution,
    title: str,
    success_indicator: str,
    owner: Person | None = None,
    owner_outside: str = "",
    due_on: datetime.date | None = None,
) -> ActionTask:
    cycle = solution.problem.cycle
    _at_step(cycle, PlanningCycle.Step.SOLUTIONS, PlanningCycle.Step.ACTION)
    _in_village(owner, cycle, "owner")
    if owner is None and not owner_outside.strip():
        raise ValidationFailed(_("Every task needs an owner."), field="owner")
    if not success_indicator.strip():
        raise ValidationFailed(
            _("Say how the community will know it worked (stage 6 checks it)."),
            field="success_indicator",
        )
    if cycle.step == PlanningCycle.Step.SOLUTIONS:
        cycle.step = PlanningCycle.Step.ACTION
        cycle.save(update_fields=["step"])
    return ActionTask.objects.create(
        solution=solution,
        title=title.strip(),
        owner=owner,
        owner_outside=owner_outside.strip(),
        due_on=due_on,
        success_indicator=success_indicator.strip(),
    )


@transaction.atomic
def task_update(*, task: ActionTask, status: str) -> ActionTask:
    if status not in ActionTask.Status.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="status")
    task.status = status
    task.save(update_fields=["status"])
    return task


@transaction.atomic
def task_evaluate(
    *, task: ActionTask, evaluated_on: datetime.date, outcome: str, lessons: str = ""
) -> Evaluation:
    cycle = task.solution.problem.cycle
    _at_step(cycle, PlanningCycle.Step.ACTION, PlanningCycle.Step.EVALUATION)
    if outcome not in Evaluation.Outcome.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="outcome")
    if cycle.step == PlanningCycle.Step.ACTION:
        cycle.step = PlanningCycle.Step.EVALUATION
        cycle.save(update_fields=["step"])
    return Evaluation.objects.create(
        task=task, evaluated_on=evaluated_on, outcome=outcome, lessons=lessons.strip()
    )


@transaction.atomic
def cycle_advance(*, cycle: PlanningCycle) -> PlanningCycle:
    """Problems found → analysis (the other steps advance by doing them)."""
    _at_step(cycle, PlanningCycle.Step.PROBLEMS)
    if not cycle.problems.exists():
        raise ValidationFailed(_("Write down at least one problem first."))
    cycle.step = PlanningCycle.Step.ANALYSIS
    cycle.save(update_fields=["step"])
    return cycle
