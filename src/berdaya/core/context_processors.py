from django.utils.functional import SimpleLazyObject

from .access import organisation_ids_for, village_codes_for
from .workspace import workspace_for


def workspace(request):
    """The chosen programme and village, and what the menu offers this user, computed only
    if a template uses them."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "workspace": SimpleLazyObject(lambda: workspace_for(request)),
        "menu": SimpleLazyObject(lambda: menu_for(request.user)),
    }


class Menu:
    """Which pages of the menu lead somewhere for this user (none that only refuses)."""

    def __init__(self, user):
        from berdaya.organisations.models import Role

        self.personal = bool(village_codes_for(user, personal=True))  # not viewers
        self.audit = bool(organisation_ids_for(user, roles={Role.ADMIN}))


def menu_for(user) -> Menu:
    return Menu(user)
