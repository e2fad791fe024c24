"""Reports for people: HTML pages drawn from the project's JSON reports."""

from .html import esc, page
from .translation import batch_index_html, group_of, translation_report_html

__all__ = ["batch_index_html", "esc", "group_of", "page", "translation_report_html"]
