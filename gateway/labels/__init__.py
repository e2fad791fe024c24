"""Carbon labels (碳标识): bilingual SVG, HTML, PNG and PDF labels whose QR code opens the
public verification page ``{base}/verify/{digest}``."""

from .content import LabelFacts, Registration, label_facts, verify_url
from .label import label_for, make_label
from .layout import Size, lay_out
from .render import Output, render

__all__ = ["LabelFacts", "Output", "Registration", "Size", "lay_out", "label_facts", "label_for", "make_label",
           "render", "verify_url"]
