"""``fpgw demo``: three regional gateways on loopback exchanging signed declarations, and the
translation tour (``--tour``)."""

from .hints import keep_hints
from .network import DemoNetwork, RegionalGateway
from .pki import issue_client_credential
from .story import run_story
from .tour import run_tour

__all__ = ["DemoNetwork", "RegionalGateway", "issue_client_credential", "keep_hints",
           "run_story", "run_tour"]
