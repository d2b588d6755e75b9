"""The analysis library's error type: a message a user can act on."""


class AnalysisError(ValueError):
    """Bad input to a measure: a missing column, bad weights, an empty table."""
