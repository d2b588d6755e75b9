"""Every write of the learning app: one module per concept, re-exported here."""

from .empowerment import (  # noqa: F401
    FRAMEWORKS,
    empowerment_assess,
    rubric_adopt,
    rubric_current,
)
from .msc import (  # noqa: F401
    DEFAULT_DOMAINS,
    DomainInput,
    domains_current,
    domains_revise,
    feedback_record,
    panel_hold,
    period_create,
    selection_record,
    story_analyse,
    story_attach,
    story_record,
    verification_record,
)
from .practice import (  # noqa: F401
    blocking,
    graduation_approve,
    graduation_assess,
    graduation_recommend,
    pathway_create,
    pathway_default_household,
    post_exit_visit,
    review_cite_in_revision,
    review_record,
    rothman_answer,
)
from .results import (  # noqa: F401
    DIMENSIONS,
    actual_record,
    indicator_create,
    indicator_refresh,
    result_node_create,
    target_set,
)
