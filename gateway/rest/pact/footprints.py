"""Which footprints the PACT host serves: the store's declarations, each version translated
by the same pipeline as the Translate RPC (:mod:`gateway.translate`), cached by digest.

Identity is the host's: footprint id = UUIDv5 of ``declaration id / version`` (the same
declaration version gives the same id across requests and restarts); the highest stored
version of a declaration is ``Active`` and lists the ids of its stored predecessors in
``precedingPfIds``, every older version is ``Deprecated``. These are set on the canonical
declaration before the mapping writes it, and named in the report. Each footprint carries
the reference to its attestation chain in a data-model extension. A declaration that cannot
become a schema-valid PACT footprint without inventing values is not served: it is listed in
:meth:`Catalogue.unservable` with the reason, and logged once.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mappings import get_format
from signing import document_digest
from signing.translation import media_of_format, translated_claim

from ...core.errors import GatewayError
from ...core.model import Status
from ...core.parsing import dump_json, load_json
from ...server.trust import GatewayTrust
from ...store import Store, StoredDeclaration
from ...translate import read, write

log = logging.getLogger("gateway.rest.pact")

# The namespace of footprint ids (UUIDv5 over "declaration-id/version").
FOOTPRINT_NAMESPACE = uuid.UUID("6f1c2a4e-5b7d-5e8f-9a0b-1c2d3e4f5a6b")
TARGETS = {"2": "pact-v2", "3": "pact-v3"}
CHAIN_SCHEMA_URL = "https://jjj-footprint.example/schemas/pact-extension/v1/attestation-chain.json"
CHAIN_DOCS_URL = "https://jjj-footprint.example/docs/pact-api#attestation-chain"
CHAIN_EXTENSION_VERSION = "2.0.0"
CACHE_SIZE = 4096
STORE_PAGE = 500


def footprint_id(declaration_id: str, version: int) -> str:
    return str(uuid.uuid5(FOOTPRINT_NAMESPACE, f"{declaration_id}/{version}"))


@dataclass(frozen=True, slots=True)
class Footprint:
    """One served footprint in one spec version, with what access and filters look at."""

    id: str
    declaration_id: str
    version: int
    digest: str
    region: str
    document: dict[str, Any]
    body: bytes
    """``document`` as JSON, ready to embed in a response."""
    attestations: tuple[dict[str, Any], ...]
    """The translated attestation (when the gateway signs) and the original's attestations."""

    @property
    def company_ids(self) -> list[str]:
        return self.document.get("companyIds", [])

    @property
    def product_ids(self) -> list[str]:
        return self.document.get("productIds", [])


@dataclass(frozen=True, slots=True)
class Unservable:
    declaration_id: str
    version: int
    digest: str
    reason: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class _Version:
    record_cursor: int
    declaration_id: str
    version: int


class Catalogue:
    """Footprints of the store, rendered on demand and cached by (digest, spec, identity)."""

    def __init__(self, store: Store, trust: GatewayTrust | None, base_url: str, *, cache_size: int = CACHE_SIZE) -> None:
        self.store = store
        self.trust = trust
        self.base_url = base_url
        self._cache: OrderedDict[tuple, Footprint | Unservable] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._index: dict[str, tuple[str, int]] = {}
        self._reported: set[tuple[str, str]] = set()
        self.refused: dict[str, list[Unservable]] = {}
        """The declaration versions the last listing of each spec could not serve."""

    # --- listing ---------------------------------------------------------------------

    def _records(self) -> list[StoredDeclaration]:
        records: list[StoredDeclaration] = []
        token = ""
        while True:
            page = self.store.list_declarations(page_size=STORE_PAGE, page_token=token)
            records.extend(page.records)
            token = page.next_page_token
            if not token:
                return records

    def all(self, spec: str) -> tuple[list[Footprint], list[Unservable]]:
        """Every stored declaration version as a ``spec`` ("2" or "3") footprint, oldest first."""
        records = self._records()
        versions: dict[str, list[int]] = {}
        for r in records:
            versions.setdefault(r.declaration_id, []).append(r.version)
        served: list[Footprint] = []
        refused: list[Unservable] = []
        for r in records:
            item = self._render(r, spec, sorted(versions[r.declaration_id]))
            (served if isinstance(item, Footprint) else refused).append(item)  # type: ignore[arg-type]
        self.refused[spec] = refused
        return served, refused

    def get(self, spec: str, pf_id: str) -> Footprint | None:
        """The footprint with this id, or None (unknown, or not servable)."""
        with self._lock:
            known = self._index.get(pf_id)
        if known is None:
            self.all(spec)  # (re)build the index: the id may belong to a record stored since
            with self._lock:
                known = self._index.get(pf_id)
            if known is None:
                return None
        declaration_id, version = known
        try:
            latest = self.store.get_declaration(declaration_id)
            record = latest if latest.version == version else self.store.get_declaration(declaration_id, version)
        except GatewayError:
            return None
        stored = self._stored_versions(declaration_id, latest.version)
        item = self._render(record, spec, stored)
        return item if isinstance(item, Footprint) else None

    def _stored_versions(self, declaration_id: str, latest: int) -> list[int]:
        with self._lock:
            known = sorted(v for d, v in self._index.values() if d == declaration_id)
        if latest not in known:
            known.append(latest)
        return known

    # --- rendering -------------------------------------------------------------------

    def _render(self, record: StoredDeclaration, spec: str, versions: list[int]) -> Footprint | Unservable:
        pf_id = footprint_id(record.declaration_id, record.version)
        active = record.version == max(versions)
        preceding = tuple(footprint_id(record.declaration_id, v) for v in versions if v < record.version)
        key = (record.digest, spec, active, preceding, len(record.attestations))
        with self._lock:
            self._index[pf_id] = (record.declaration_id, record.version)
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        try:
            item: Footprint | Unservable = self._translate(record, spec, pf_id, active, preceding)
        except GatewayError as error:
            item = Unservable(record.declaration_id, record.version, record.digest, error.reason, str(error))
            if (record.digest, spec) not in self._reported:
                self._reported.add((record.digest, spec))
                log.warning("not served as PACT %s: %s v%d (%s): %s: %s", TARGETS[spec], record.declaration_id,
                            record.version, record.digest, error.reason, error)
        with self._lock:
            self._cache[key] = item
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return item

    def _translate(self, record: StoredDeclaration, spec: str, pf_id: str, active: bool,
                   preceding: tuple[str, ...]) -> Footprint:
        target = TARGETS[spec]
        reading = read(record.content, record.format_id)
        own = reading.declaration
        identity = dataclasses.replace(
            own, id=uuid.UUID(pf_id),
            status=Status.ACTIVE if active and own.status == Status.ACTIVE else Status.DEPRECATED,
            preceding_ids=tuple(dict.fromkeys((*own.preceding_ids, *map(uuid.UUID, preceding)))),
        )
        output, out_report = write(identity, target)
        report = reading.report
        report.source_format, report.target_format = reading.format.id, target
        report.mapping_version = f"{reading.format.id}@{reading.format.mapping_version}->{target}@{get_format(target).mapping_version}"
        report.extend(out_report)
        report.converted("id", "id", f"PACT host: footprint id of {record.declaration_id} version {record.version}")
        report.converted("status", "status", "PACT host: the highest stored version is Active, older ones Deprecated")
        if preceding:
            report.converted("preceding_ids", "precedingPfIds", "PACT host: ids of the stored earlier versions")
        document = load_json(output)
        document.setdefault("extensions", []).append(self._chain_extension(record, pf_id))
        get_format(target).validate(document)
        body = dump_json(document, indent=None)
        attestations = [load_json(a.content) for a in record.attestations if a.media_type.endswith("json")]
        if self.trust is not None and self.trust.signer is not None:
            media = media_of_format(target)
            claim = translated_claim(record.content, reading.format.id, target, report.as_dict())
            attestations.insert(0, load_json(self.trust.sign(claim, document_digest(body, media), media=media)))
        return Footprint(pf_id, record.declaration_id, record.version, record.digest, record.region,
                         document, body, tuple(attestations))

    def _chain_extension(self, record: StoredDeclaration, pf_id: str) -> dict[str, Any]:
        return {
            "specVersion": CHAIN_EXTENSION_VERSION,
            "dataSchema": CHAIN_SCHEMA_URL,
            "documentation": CHAIN_DOCS_URL,
            "data": {
                "declarationId": record.declaration_id,
                "declarationVersion": record.version,
                "originalDigest": record.digest,
                "originalFormat": record.format_id,
                "attestations": f"{self.base_url}/x-jjj/footprints/{pf_id}/attestations",
                "attestationDigests": [a.digest for a in record.attestations],
            },
        }
