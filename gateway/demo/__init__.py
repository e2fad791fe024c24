"""``fpgw demo``: three regional gateways on loopback exchanging signed declarations, and the
translation tour (``--tour``)."""

from .hints import demo_state, keep_hints
from .network import DemoNetwork, Exporter, RegionalGateway
from .story import run_story
from .tour import run_tour

__all__ = ["DemoNetwork", "Exporter", "RegionalGateway", "demo_state", "keep_hints",
           "run_story", "run_tour"]
