from django.utils.functional import SimpleLazyObject

from .workspace import workspace_for


def workspace(request):
    """The chosen programme and village, computed only if a template uses them."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"workspace": SimpleLazyObject(lambda: workspace_for(request))}
