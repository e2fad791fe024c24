"""TEST-ONLY: the keys, certificates and trust list that the suite's inputs are signed with.

Two sources with one interface, so that one materialiser makes every input:

* :class:`SuiteKeys` — the committed files under ``suite/<version>/keys/`` (``TEST-ONLY-*``),
  which the generator signs the static inputs with and servers under test are configured with;
* :class:`PkiKeys` — a test PKI made in process (:func:`signing.testpki.make_test_pki`), for
  tests that build a case's inputs in memory with keys of their own.

Keys are named by the stems of the suite's key files: ``root-key``, ``<short>-ed25519``,
``<short>-p256``; certificates by ``<short>`` (a platform's region, ``beijing`` …, or an
entity's role, ``verifier`` …, as :attr:`signing.testpki.TestEntity.short_name`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from signing import PrivateKey, TrustList, load_private_key, load_trust_list
from signing.testpki import TestPki, read_test_pki

from .runner import KEY_PREFIX
from .suite import SUITES


class Keyring(Protocol):
    @property
    def root_public(self) -> str:
        """The pinned root key (Multikey) the trust list is signed with."""

    @property
    def trust_list(self) -> TrustList: ...

    def draft(self) -> dict[str, Any]:
        """The trust list's content without its proof, for edited lists."""

    def private_key(self, stem: str) -> PrivateKey: ...

    def certificate(self, short: str) -> bytes:
        """An entity's certificate, PEM."""


class SuiteKeys:
    """The suite's committed TEST-ONLY files in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.list_path = folder / f"{KEY_PREFIX}trust-list.json"
        self.root_public = (folder / f"{KEY_PREFIX}root-public.txt").read_text("ascii").strip()

    @classmethod
    def of_version(cls, version: str = "v1") -> SuiteKeys:
        return cls(SUITES / version / "keys")

    def pki(self) -> TestPki:
        """The files as the test PKI they were made from (its CA without a key: it issues nothing)."""
        return read_test_pki(self.folder, prefix=KEY_PREFIX)

    def client(self, short: str) -> tuple[Path, Path]:
        """(certificate, P-256 key) files of a client: an entity's, or ``unlisted``, whom the list does not name."""
        return self.folder / f"{KEY_PREFIX}{short}.pem", self.folder / f"{KEY_PREFIX}{short}-p256.pem"

    @property
    def trust_list(self) -> TrustList:
        # The cases are dated; the list they were made under stays readable after it expires.
        return load_trust_list(self.list_path.read_bytes(), self.root_public, accept_expired=True)

    def draft(self) -> dict[str, Any]:
        return {k: v for k, v in json.loads(self.list_path.read_bytes()).items() if k != "proof"}

    def private_key(self, stem: str) -> PrivateKey:
        return load_private_key((self.folder / f"{KEY_PREFIX}{stem}.pem").read_bytes())

    def certificate(self, short: str) -> bytes:
        return (self.folder / f"{KEY_PREFIX}{short}.pem").read_bytes()


class PkiKeys:
    """A test PKI's keys under the suite's names; it has no entity besides those of
    :data:`signing.testpki.ENTITIES` (no revoked or unlisted test entity)."""

    def __init__(self, pki: TestPki) -> None:
        self.pki = pki
        self.root_public = pki.root_multikey

    @property
    def trust_list(self) -> TrustList:
        return self.pki.trust_list

    def draft(self) -> dict[str, Any]:
        return self.pki.draft

    def private_key(self, stem: str) -> PrivateKey:
        if stem == "root-key":
            return self.pki.root_key
        short, _, kind = stem.rpartition("-")
        try:
            entity = self.pki[short]
        except KeyError:
            raise KeyError(f"the test PKI has no key {stem!r}") from None
        if kind not in ("ed25519", "p256"):
            raise KeyError(f"the test PKI has no key {stem!r}")
        return entity.ed25519 if kind == "ed25519" else entity.p256

    def certificate(self, short: str) -> bytes:
        return self.pki[short].cert_pem
