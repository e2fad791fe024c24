"""The public verification page ``GET /verify/{digest}`` (HTML and JSON), mounted on the
HTTPS server by the route factory :func:`verification_pages`."""

from .page import verification_page
from .routes import verification_pages, verification_routes_for
from .view import Publication, parse_page_digest, verification_view

__all__ = ["Publication", "parse_page_digest", "verification_page", "verification_pages", "verification_routes_for",
           "verification_view"]
