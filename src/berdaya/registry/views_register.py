"""Registering a household on the phone: where it lives, its members, the survey in steps.

The page calls the same service as every other write (`services.household_register`), so a
household typed on a phone passes the same checks as one imported from KoboToolbox. A refusal
is shown next to the member and field it is about, keeping everything typed.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.workspace import workspace_for

from . import selectors, services
from .forms import MemberFormSet, RegisterHouseholdForm, SurveyForm, target_key
from .models import Person
from .services import InvalidRecords

MEMBERS_PREFIX = "members"
SURVEY_PREFIX = "survey"
ADD_MEMBER = "add_member"

# The survey's questions in steps a phone screen can hold.
SURVEY_STEPS = (
    (
        "house",
        (
            "surveyed_on",
            "floor",
            "wall",
            "roof",
            "water",
            "water_minutes",
            "sanitation",
            "electricity",
            "cooking_fuel",
        ),
    ),
    (
        "livelihood",
        (
            "assets",
            "land_m2",
            "cattle",
            "goats",
            "poultry",
            "income_band",
            "expenditure_band",
            "monthly_expenditure",
            "has_savings",
            "has_debt",
            "child_deaths_5y",
            "disasters",
            "notes",
        ),
    ),
)


def _initial_target(request, targets) -> str:
    workspace = workspace_for(request)
    village = workspace.village.code if workspace.village else ""
    programme_organisation = workspace.programme.organisation_id if workspace.programme else None
    for organisation, target_village in targets:
        if target_village.code == village and organisation.pk in (programme_organisation, None):
            return target_key(organisation, target_village)
    return target_key(*targets[0])


def _chosen(form: RegisterHouseholdForm, fallback: str):
    key = form.data.get("target") if form.is_bound else None
    return form.targets.get(key) or form.targets[fallback]


def _member_formset(data):
    initial = [{"relation": Person.Relation.HEAD}]
    if data is None:
        return MemberFormSet(prefix=MEMBERS_PREFIX, initial=initial)
    formset = MemberFormSet(data, prefix=MEMBERS_PREFIX, initial=initial)
    if ADD_MEMBER in data:  # one more member row, nothing saved (the page without scripts)
        copy = data.copy()
        total = f"{MEMBERS_PREFIX}-TOTAL_FORMS"
        copy[total] = str(int(data.get(total) or 1) + 1)
        formset = MemberFormSet(copy, prefix=MEMBERS_PREFIX, initial=initial)
    return formset


def _filled(form) -> bool:
    return form.is_bound and form.has_changed()


def _survey_given(answers: dict) -> bool:
    return any(value not in (None, "", []) for value in answers.values())


def _show_problems(error: InvalidRecords, *, form, formset, survey) -> None:
    """Each problem beside its field: a member's in that member's block, the survey's in the
    survey, the household's in the household form (or above it)."""
    forms_by_index = [f for f in formset.forms if _filled(f)]
    for problem in error.problems:
        column = problem.column
        if problem.sheet == services.households.MEMBERS and problem.row < len(forms_by_index):
            member_form = forms_by_index[problem.row]
            member_form.add_error(column if column in member_form.fields else None, problem.reason)
        elif column in survey.fields:
            survey.add_error(column, problem.reason)
        elif column in form.fields:
            form.add_error(column, problem.reason)
        else:
            form.add_error(None, problem.reason)


@require_http_methods(["GET", "POST"])
def household_register(request):
    targets = services.import_targets(request.user)
    if not targets:
        raise PermissionDenied(_("You are not assigned to a village where households are kept."))
    initial_target = _initial_target(request, targets)
    posted = request.POST if request.method == "POST" else None
    organisations = {o.pk for o, _v in targets}
    form = RegisterHouseholdForm(
        posted,
        targets=targets,
        schemes=selectors.schemes_for(organisations),
        initial={"target": initial_target, "submission": uuid.uuid4().hex},
    )
    organisation, village = _chosen(form, initial_target)
    questions = selectors.programme_questions(
        organisation_id=organisation.pk, village_code=village.code
    )
    formset = _member_formset(posted)
    survey = SurveyForm(
        posted,
        prefix=SURVEY_PREFIX,
        questions=questions,
        initial={"surveyed_on": timezone.localdate()},
    )
    if posted is not None and ADD_MEMBER not in posted:
        saved = _register(request, form, formset, survey)
        if saved is not None:
            messages.success(
                request,
                _("The household of %(name)s was registered with %(count)d member(s).")
                % {"name": saved.head_name, "count": saved.count},
            )
            return redirect(reverse("registry:household-detail", args=[saved.household.pk]))
    context = {
        "form": form,
        "formset": formset,
        "survey": survey,
        "survey_steps": [
            (name, [survey[field] for field in fields]) for name, fields in SURVEY_STEPS
        ],
        "programme_fields": [survey[name] for name in survey.fields if name.startswith("extra_")],
        "dusun_names": selectors.dusun_names(user=request.user, village_code=village.code),
        "add_member": ADD_MEMBER,
    }
    invalid = posted is not None and ADD_MEMBER not in posted
    return render(
        request, "registry/household_register.html", context, status=422 if invalid else 200
    )


class _Saved:
    def __init__(self, household, members):
        self.household = household
        self.count = len(members)
        head = next((m for m in members if m.relation == Person.Relation.HEAD), members[0])
        self.head_name = head.name


def _register(request, form, formset, survey):
    """Call the service when every form parses; None (errors shown) otherwise."""
    valid = form.is_valid() & formset.is_valid() & survey.is_valid()
    if not valid:
        return None
    members = [f.member() for f in formset.forms if _filled(f)]
    if not members:
        form.add_error(None, _("Add at least the head of the household."))
        return None
    organisation, village = form.chosen_target()
    answers = survey.answers()
    data = form.cleaned_data
    try:
        household = services.household_register(
            organisation=organisation,
            village=village,
            members=members,
            kk=data["kk"],
            dusun=data["dusun"],
            rw=data["rw"],
            rt=data["rt"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            survey=answers if _survey_given(answers) else None,
            surveyed_on=survey.cleaned_data["surveyed_on"],
            schemes=data["schemes"],
            consent_given=data["consent"],
            programme_answers=survey.programme_answers(),
            submission_uuid=data["submission"],
            user=request.user,
        )
    except InvalidRecords as error:
        _show_problems(error, form=form, formset=formset, survey=survey)
        return None
    except ValidationFailed as error:
        form.add_error(None, error.message)
        return None
    return _Saved(household, members)
