"""``fpgw_pact_unservable``: declaration versions the PACT host cannot serve, by spec and
reason, as of the last listing (``fpgw pact status`` names each one)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .footprints import TARGETS, Catalogue


class UnservableCollector(Collector):
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def collect(self) -> Iterable[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("fpgw_pact_unservable",
                                  "Stored declaration versions not served as PACT footprints, by format and reason.",
                                  labels=["format", "reason"])
        for spec, refused in sorted(self.catalogue.refused.items()):
            for reason, count in sorted(Counter(u.reason for u in refused).items()):
                gauge.add_metric([TARGETS[spec], reason], count)
        return [gauge]
