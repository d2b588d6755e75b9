"""Error pages in the user's language, with a way back."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _page(request, status: int, message: str):
    return render(request, "error.html", {"message": message, "status": status}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, _("The request could not be understood. Please try again."))


def permission_denied(request, exception=None):
    return _page(request, 403, _("You do not have access to this page."))


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("This page does not exist, or it belongs to a village you do not work in."),
    )


def server_error(request):
    return _page(request, 500, _("Something went wrong on our side. It has been logged."))
