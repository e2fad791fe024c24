"""A format module whose dependency is not installed (for the registry's install-hint test)."""

import a_module_that_is_not_installed  # noqa: F401

FORMAT = None
