from ..pages.conftest import site  # noqa: F401  the same real gateway for the page in the browser
