"""Carbon-label grading schemes (分级), as data (read by :mod:`mappings.grading.scheme`).

``schemes/*.toml`` are the schemes shipped and applied by default; ``examples/*.toml`` are
clearly marked examples with made-up thresholds, applied only when selected by path. Both
are validated against ``grading.schema.json``.
"""

from .scheme import Grade, GradingScheme, grade, load_scheme, load_schemes, shipped_schemes

__all__ = ["Grade", "GradingScheme", "grade", "load_scheme", "load_schemes", "shipped_schemes"]
