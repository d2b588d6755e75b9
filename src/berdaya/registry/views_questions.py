"""The programme's own survey questions, added to Berdaya's XLSForm.

Thin: the programme comes through `programme_get` (the access rule); only its
managers change the questions, and the services decide what is valid.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.programmes.selectors import may_manage, programme_get

from .forms import CustomQuestionForm, RemoveQuestionForm, show_error
from .services import custom_question_add, custom_question_remove


def _page(request, programme, *, form=None, status=200):
    return render(
        request,
        "registry/questions.html",
        {
            "programme": programme,
            "questions": list(programme.custom_questions.all()),
            "form": form or CustomQuestionForm(),
            "manages": may_manage(request.user, programme),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def programme_questions(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    if request.method != "POST":
        return _page(request, programme)
    if not may_manage(request.user, programme):
        raise PermissionDenied(_("Only the programme's managers change its survey form."))
    form = CustomQuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        last = programme.custom_questions.aggregate(last=Max("position"))["last"]
        try:
            custom_question_add(
                programme=programme,
                name=data["name"],
                kind=data["kind"],
                label_id=data["label_id"],
                label_en=data["label_en"],
                choices=form.parsed_choices(),
                required=data["required"],
                position=0 if last is None else last + 1,
            )
        except ValidationFailed as error:
            if error.field == "choices":  # typed as lines in one box
                form.add_error("choices_text", error.message)
            else:
                show_error(form, error)
        else:
            messages.success(
                request, _("The question was added; download the form again to collect it.")
            )
            return redirect("registry:programme-questions", programme_id=programme.pk)
    return _page(request, programme, form=form, status=422)


@require_POST
def programme_question_remove(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    form = RemoveQuestionForm(request.POST)
    question = (
        programme.custom_questions.filter(pk=form.cleaned_data["question"]).first()
        if form.is_valid()
        else None
    )
    if question is None:
        messages.error(request, _("That question is not in the programme's form."))
    elif not may_manage(request.user, programme):
        raise PermissionDenied(_("Only the programme's managers change its survey form."))
    else:
        try:
            custom_question_remove(question=question)
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The question was taken out of the form."))
    return redirect("registry:programme-questions", programme_id=programme.pk)
