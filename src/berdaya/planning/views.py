"""The planning flow: Aziz's six stages as one guided page per step, with a stepper.

Thin: parse a form, call one service or selector, render. Every cycle comes through
`selectors.cycle_get`, which applies the access rule before any input is read, so a cycle
of another village answers 404 whatever is posted. The result of prioritising is always
recomputed from the recorded ballots (`services.count`), never stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.viewer_figures import is_viewer, plan_figures
from berdaya.core.workspace import workspace_for
from berdaya.facilitation.forms import show_error
from berdaya.facilitation.selectors import person_for, recording_villages
from berdaya.facilitation.views import NOT_RECORDING
from berdaya.groups.selectors import groups_visible_to

from . import selectors, services
from .forms import (
    BallotForm,
    CycleForm,
    EvaluationForm,
    MethodForm,
    ProblemForm,
    SolutionForm,
    TaskForm,
    TaskStatusForm,
    TreeNodeForm,
)
from .models import PlanningCycle

GET_POST = require_http_methods(["GET", "POST"])
STEP_PAGES = {
    PlanningCycle.Step.PROBLEMS: "planning:problems",
    PlanningCycle.Step.ANALYSIS: "planning:tree",
    PlanningCycle.Step.PRIORITIES: "planning:priorities",
    PlanningCycle.Step.SOLUTIONS: "planning:solutions",
    PlanningCycle.Step.ACTION: "planning:action",
    PlanningCycle.Step.EVALUATION: "planning:evaluation",
}


def _posted(request):
    return request.POST if request.method == "POST" else None


def _step_url(cycle: PlanningCycle, step: int) -> str:
    return reverse(STEP_PAGES[step], args=[cycle.pk])


def _stepper(cycle: PlanningCycle, shown: int) -> list[dict]:
    return [
        {
            "number": step.value,
            "label": step.label,
            "url": _step_url(cycle, step.value),
            "state": "done" if step < cycle.step else "current" if step == cycle.step else "later",
            "shown": step == shown,
        }
        for step in PlanningCycle.Step
    ]


def _page(request, cycle, step: int, template: str, *, status: int = 200, **context):
    return render(
        request,
        template,
        {
            "cycle": cycle,
            "steps": _stepper(cycle, step),
            "step": step,
            "step_label": PlanningCycle.Step(step).label,
            "voices": selectors.voices(cycle),
            **context,
        },
        status=status,
    )


def _done(request, cycle, step: int, message: str):
    messages.success(request, message)
    return redirect(_step_url(cycle, step))


# -- cycles ------------------------------------------------------------------------------------


@require_GET
def cycle_list(request):
    workspace = workspace_for(request)
    cycles = selectors.cycles_visible_to(request.user)
    if workspace.programme:
        cycles = cycles.filter(programme=workspace.programme)
    if workspace.village:
        cycles = cycles.filter(village=workspace.village)
    can_start = bool(
        workspace.programme
        and recording_villages(user=request.user, programme=workspace.programme).exists()
    )
    figures = None
    if is_viewer(request.user) and workspace.programme:
        figures = plan_figures(
            request.user, PlanningCycle.objects.filter(programme=workspace.programme)
        )
    return render(
        request,
        "planning/cycle_list.html",
        {"cycles": cycles, "can_start": can_start, "figures": figures},
    )


@GET_POST
def cycle_create(request):
    workspace = workspace_for(request)
    programme = workspace.programme
    villages = list(recording_villages(user=request.user, programme=programme)) if programme else []
    if not villages:
        raise PermissionDenied(NOT_RECORDING)
    groups = groups_visible_to(request.user).filter(
        organisation_id=programme.organisation_id, village__in=villages
    )
    form = CycleForm(
        _posted(request),
        villages=villages,
        groups=groups,
        initial={
            "started_on": timezone.localdate(),
            "village": workspace.village.code if workspace.village else villages[0].code,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_start(
                user=request.user,
                programme=programme,
                village_code=data["village"],
                title=data["title"],
                started_on=data["started_on"],
                group=groups.filter(pk=data["group"]).first() if data["group"] else None,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(
                request, cycle, 1, _("The plan was started. Write down the problems people raise.")
            )
    status = 422 if form.errors else 200
    return render(
        request, "planning/cycle_form.html", {"form": form, "programme": programme}, status=status
    )


@require_GET
def cycle_detail(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    return redirect(_step_url(cycle, cycle.step))


# -- 1 problems --------------------------------------------------------------------------------


@GET_POST
def problems(request, cycle_id: int):
    """Step 1: problems and who raised them; `?ubah=<id>` corrects one (until step 3)."""
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    listed = selectors.problems_of(cycle)
    wanted = request.GET.get("ubah", "")
    editing = next((p for p in listed if str(p.pk) == wanted), None)
    initial = (
        {
            "problem": editing.pk,
            "title": editing.title,
            "description": editing.description,
            "raised_by": editing.raised_by_id,
        }
        if editing
        else None
    )
    form = ProblemForm(_posted(request), initial=initial)
    picked = editing.raised_by if editing else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        picked = person_for(
            user=request.user, pk=data["raised_by"], organisation_id=cycle.organisation_id
        )
        try:
            if data["raised_by"] and picked is None:
                raise ValidationFailed(
                    _("Choose a person registered in this village."), field="raised_by"
                )
            fields = {
                "title": data["title"],
                "description": data["description"],
                "raised_by": picked,
            }
            if data["problem"]:
                problem = next((p for p in listed if p.pk == data["problem"]), None)
                if problem is None:
                    raise ValidationFailed(_("That problem is not in this plan."))
                services.problem_update(cycle=cycle, problem=problem, **fields)
                message = _("The problem was corrected.")
            else:
                services.problem_add(cycle=cycle, **fields)
                message = _("The problem was written down.")
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(request, cycle, 1, message)
    return _page(
        request,
        cycle,
        1,
        "planning/problems.html",
        status=422 if form.errors else 200,
        form=form,
        picked=picked,
        problems=listed,
    )


@require_POST
def cycle_advance(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    try:
        services.cycle_advance(cycle=cycle)
    except ValidationFailed as error:
        messages.error(request, error.message)
        return redirect(_step_url(cycle, 1))
    return _done(
        request,
        cycle,
        2,
        _("On to the analysis: what causes each problem, and what follows from it?"),
    )


# -- 2 analysis --------------------------------------------------------------------------------


@GET_POST
def tree(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    nodes = selectors.tree_nodes(cycle)
    form = TreeNodeForm(
        _posted(request),
        problems=selectors.problems_of(cycle),
        nodes=nodes,
        initial={"kind": "cause"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = cycle.problems.get(pk=data["problem"])
        parent = next((n for n in nodes if str(n.pk) == data["parent"]), None)
        try:
            services.tree_node_add(
                problem=problem, kind=data["kind"], text=data["text"], parent=parent
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(request, cycle, 2, _("Added to the problem tree."))
    return _page(
        request,
        cycle,
        2,
        "planning/tree.html",
        status=422 if form.errors else 200,
        form=form,
        trees=selectors.problem_trees(cycle),
    )


# -- 3 priorities ------------------------------------------------------------------------------


def _ballot_form(cycle, data=None, *, initial=None):
    return BallotForm(
        data,
        cycle=cycle,
        problems=selectors.problems_of(cycle),
        criteria=list(cycle.criteria.all()),
        initial=initial,
    )


def _priorities_page(
    request, cycle, *, status=200, method_form=None, ballot_form=None, picked=None
):
    votes = selectors.votes_of(cycle)
    if ballot_form is None and cycle.method and not cycle.voting_closed_at:
        initial, picked = {}, None
        correcting = request.GET.get("voter", "")
        vote = next((v for v in votes if str(v.voter_id) == correcting), None)
        if vote is not None:
            initial = {"voter": vote.voter_id, **BallotForm.initial_from(cycle.method, vote.ballot)}
            picked = vote.voter
        ballot_form = _ballot_form(cycle, initial=initial)
    return _page(
        request,
        cycle,
        3,
        "planning/priorities.html",
        status=status,
        method_form=method_form
        or (
            MethodForm(initial={"method": "borda", "dots_per_voter": 3})
            if not cycle.method
            else None
        ),
        ballot_form=ballot_form,
        picked=picked,
        votes=votes,
        counted=selectors.result_of(cycle, votes),
        criteria=list(cycle.criteria.all()),
    )


@require_GET
def priorities(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    return _priorities_page(request, cycle)


@require_POST
def voting_open(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    form = MethodForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.voting_open(
                cycle=cycle,
                method=data["method"],
                criteria=data["criteria"]
                if data["method"] == PlanningCycle.Method.MATRIX
                else None,
                dots_per_voter=data["dots_per_voter"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(request, cycle, 3, _("Voting is open. Record each person's ballot."))
    return _priorities_page(request, cycle, status=422, method_form=form)


@require_POST
def vote(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    if not cycle.method:
        raise ValidationFailed(_("Choose the method first."))
    form = _ballot_form(cycle, request.POST)
    picked = None
    if form.is_valid():
        picked = person_for(
            user=request.user, pk=form.cleaned_data["voter"], organisation_id=cycle.organisation_id
        )
        try:
            if picked is None:
                raise ValidationFailed(
                    _("Choose a person registered in this village."), field="voter"
                )
            services.vote_record(cycle=cycle, voter=picked, ballot=form.ballot())
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(
                request, cycle, 3, _("The ballot of %(name)s was counted.") % {"name": picked.name}
            )
    return _priorities_page(request, cycle, status=422, ballot_form=form, picked=picked)


@require_POST
def voting_close(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    try:
        services.voting_close(cycle=cycle)
    except ValidationFailed as error:
        messages.error(request, error.message)
        return redirect(_step_url(cycle, 3))
    return _done(request, cycle, 3, _("Voting is closed; the result below is final."))


# -- 4 solutions -------------------------------------------------------------------------------


@GET_POST
def solutions(request, cycle_id: int):
    """Step 4: solutions per problem in the community's order; `?ubah=<id>` corrects one."""
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    ranked = selectors.problems_ranked(cycle)
    found = selectors.solutions_of(cycle)
    wanted = request.GET.get("ubah", "")
    editing = next((s for s in found if str(s.pk) == wanted), None)
    initial = (
        {
            "solution": editing.pk,
            "problem": str(editing.problem_id),
            "title": editing.title,
            "socio_cultural": editing.socio_cultural,
            "internal_resources": editing.internal_resources,
            "external_resources": editing.external_resources,
        }
        if editing
        else None
    )
    form = SolutionForm(_posted(request), problems=ranked, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "problem": next(p for p in ranked if str(p.pk) == data["problem"]),
            "title": data["title"],
            "socio_cultural": data["socio_cultural"],
            "internal_resources": data["internal_resources"],
            "external_resources": data["external_resources"],
        }
        try:
            if data["solution"]:
                solution = next((s for s in found if s.pk == data["solution"]), None)
                if solution is None:
                    raise ValidationFailed(_("That solution is not in this plan."))
                services.solution_update(solution=solution, **fields)
                message = _("The solution was corrected.")
            else:
                services.solution_add(**fields)
                message = _("The solution was written down.")
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(request, cycle, 4, message)
    by_problem = [(p, [s for s in found if s.problem_id == p.pk]) for p in ranked]
    return _page(
        request,
        cycle,
        4,
        "planning/solutions.html",
        status=422 if form.errors else 200,
        form=form,
        by_problem=by_problem,
    )


# -- 5 action ----------------------------------------------------------------------------------


@GET_POST
def action(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    found = selectors.solutions_of(cycle)
    form = TaskForm(_posted(request), solutions=found)
    picked = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        picked = person_for(
            user=request.user, pk=data["owner"], organisation_id=cycle.organisation_id
        )
        try:
            if data["owner"] and picked is None:
                raise ValidationFailed(
                    _("Choose a person registered in this village."), field="owner"
                )
            services.task_add(
                solution=next(s for s in found if str(s.pk) == data["solution"]),
                title=data["title"],
                success_indicator=data["success_indicator"],
                owner=picked,
                owner_outside=data["owner_outside"],
                due_on=data["due_on"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(request, cycle, 5, _("The task was added to the action plan."))
    return _page(
        request,
        cycle,
        5,
        "planning/action.html",
        status=422 if form.errors else 200,
        form=form,
        picked=picked,
        solutions=found,
        today=timezone.localdate(),
        statuses=TaskStatusForm.base_fields["status"].choices,
    )


@require_POST
def task_status(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    form = TaskStatusForm(request.POST)
    task = None
    if form.is_valid():
        task = next(
            (t for t in selectors.tasks_of(cycle) if t.pk == form.cleaned_data["task"]), None
        )
    if task is None:
        messages.error(request, _("Choose a task of this plan and one of the listed statuses."))
        return redirect(_step_url(cycle, 5))
    services.task_update(task=task, status=form.cleaned_data["status"])
    return _done(request, cycle, 5, _("The status of “%(task)s” was saved.") % {"task": task.title})


# -- 6 evaluation ------------------------------------------------------------------------------


@GET_POST
def evaluation(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    tasks = selectors.tasks_of(cycle)
    form = EvaluationForm(
        _posted(request), tasks=tasks, initial={"evaluated_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_evaluate(
                task=next(t for t in tasks if str(t.pk) == data["task"]),
                evaluated_on=data["evaluated_on"],
                outcome=data["outcome"],
                lessons=data["lessons"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return _done(request, cycle, 6, _("The evaluation was recorded."))
    return _page(
        request,
        cycle,
        6,
        "planning/evaluation.html",
        status=422 if form.errors else 200,
        form=form,
        tasks=tasks,
    )
