"""The three-region demo as a story: every step is a real gRPC call over mutual TLS."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from datetime import date
from pathlib import Path

import grpc
import httpx

from signing import VerifiedClaim, document_digest, verify_chain
from signing.jcs import canonicalize

from .._proto import (
    attestation_pb2,
    attestation_pb2_grpc,
    document_pb2,
    exchange_pb2,
    exchange_pb2_grpc,
    recognition_pb2,
    recognition_pb2_grpc,
    translation_pb2,
    translation_pb2_grpc,
)
from ..core.i18n import _
from ..core.parsing import dump_json
from ..rest.pact import PactClient, footprint_id
from ..rest.pact.footprints import CHAIN_SCHEMA_URL
from ..server import error_details
from ..server.trust import ATTESTATION_MEDIA_TYPE
from ..translate import read
from .network import PACT_CLIENT, DemoNetwork

Say = Callable[[str], None]
OUTCOME_PREFIX = "RECOGNITION_OUTCOME_"


def pick_example(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise FileNotFoundError(_("no example matching {pattern} in {folder}").format(pattern=pattern, folder=folder))
    return found[0]


def _document(path: Path) -> document_pb2.Document:
    return document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=path.read_bytes())


def verification_attestation(network: DemoNetwork, document: document_pb2.Document, say: Say) -> document_pb2.Attestation:
    """The accredited verifier signs a ``verified`` attestation with its own key (it runs no gateway)."""
    verifier = network.pki["verifier"]
    decl = read(document.content, document.format_id).declaration
    accreditation = network.pki.trust_list.entity(verifier.id).accreditation
    checked = decl.verification
    level = checked.level.value if checked and checked.level else "limited"
    verified_on = checked.date if checked and checked.date else date.today()
    claim = VerifiedClaim(document.format_id, str(decl.id), decl.version, decl.product.sector or "",
                          accreditation.body, accreditation.number, (decl.product.sector or "",), level,
                          verified_on.isoformat())
    vc = verifier.attest(claim, document_digest(document.content, "json"))
    say(_("  {id} ({number}) signed a 'verified' attestation ({level} assurance)").format(id=verifier.id, number=accreditation.number, level=level))
    return document_pb2.Attestation(media_type=ATTESTATION_MEDIA_TYPE, content=canonicalize(vc))


def register_and_submit(network: DemoNetwork, region: str, path: Path, record_id: str, say: Say,
                        *, verified: bool = False) -> exchange_pb2.SubmitRequest:
    """The platform's back office signs a registered attestation through its own gateway and submits."""
    document = _document(path)
    decl = read(document.content, document.format_id).declaration
    extra = [verification_attestation(network, document, say)] if verified else []
    with network.channel(region, region) as channel:
        signed = attestation_pb2_grpc.AttestationServiceStub(channel).Sign(attestation_pb2.SignRequest(
            document=document, claim_type=attestation_pb2.CLAIM_TYPE_REGISTERED,
            claim_json=json.dumps({"recordId": record_id}).encode()))
        request = exchange_pb2.SubmitRequest(
            metadata=exchange_pb2.DeclarationMetadata(
                declaration_id=str(decl.id), version=decl.version, region=decl.region or "",
                sector=decl.product.sector or "", product_id=decl.product.id_of("gtin") or str(decl.id)),
            document=document, attestations=[signed.attestation, *extra])
        receipt = exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(request).receipt
    say(_("  {value} signed a 'registered' attestation over {value2}… (record {record_id})").format(value=region.title(), value2=signed.digest[:23], record_id=record_id))
    say(_("  and submitted {name}: stored at cursor {cursor}, declaration {declaration_id} v{version}").format(name=path.name, cursor=receipt.cursor, declaration_id=receipt.declaration_id, version=receipt.version))
    return request


def run_story(network: DemoNetwork, examples: Path, say: Say) -> None:
    hebei, tianjin = network.pki["hebei"].id, network.pki["tianjin"].id
    steel = pick_example(examples, "hebei-*steel*.json")
    battery = pick_example(examples, "tianjin-*battery*.json")
    say(_("JJJ Footprint Gateway demo: three regional gateways over mutual TLS\n"))
    if network.fresh:
        say(_("Fresh keys, certificates and a signed trust list (#{sequence}) are in {folder}").format(sequence=network.pki.trust_list.sequence, folder=network.folder))
    else:
        say(_("The conformance suite's TEST-ONLY keys, certificates and trust list (#{sequence}) from {folder}; "
              "stores in {stores}").format(sequence=network.pki.trust_list.sequence, folder=network.pki.directory,
                                           stores=network.folder))
    for gateway in network.gateways.values():
        say(_("  {name:<8} {entity_id:<26} {address}  store {url}").format(name=gateway.name, entity_id=gateway.entity_id, address=gateway.address, url=gateway.config.store.url))

    say(_("\n1. Hebei registers a steel declaration"))
    submitted = register_and_submit(network, "hebei", steel, "HE-2025-000731", say, verified=True)

    say(_("\n2. Hebei's certificate tries to submit it to Beijing's gateway as if Beijing had registered it"))
    with network.channel("beijing", "beijing") as as_beijing:
        forged = attestation_pb2_grpc.AttestationServiceStub(as_beijing).Sign(attestation_pb2.SignRequest(
            document=submitted.document, claim_type=attestation_pb2.CLAIM_TYPE_REGISTERED))
    impersonation = exchange_pb2.SubmitRequest(metadata=submitted.metadata, document=submitted.document,
                                               attestations=[forged.attestation])
    with network.channel("beijing", "hebei") as as_hebei:
        try:
            exchange_pb2_grpc.ExchangeServiceStub(as_hebei).Submit(impersonation)
            raise AssertionError("impersonation was accepted")
        except grpc.RpcError as error:
            details = error_details(error)
            say(_("  refused ({code}): {reason}: {message}").format(code=details['code'], reason=details['reason'], message=details['message']))

    say(_("\n3. Tianjin pulls Hebei's records over Sync, verifying every attestation against the trust list"))
    with network.channel("hebei", "tianjin") as to_hebei:
        outcome = network.gateways["tianjin"].server.replicator().pull(
            exchange_pb2_grpc.ExchangeServiceStub(to_hebei), hebei)
    say(_("  Tianjin synced {stored} record(s) from Hebei, refused {count}; cursor now {cursor}").format(stored=outcome.stored, count=len(outcome.refused), cursor=outcome.cursor))

    with network.channel("tianjin", "tianjin") as channel:
        record = exchange_pb2_grpc.ExchangeServiceStub(channel).Get(
            exchange_pb2.GetRequest(declaration_id=submitted.metadata.declaration_id)).record
        say(_("\n4. Tianjin verifies its copy (replicated from {source_peer})").format(source_peer=record.source_peer))
        verified = attestation_pb2_grpc.AttestationServiceStub(channel).Verify(attestation_pb2.VerifyRequest(
            document=record.document, attestations=record.attestations)).verified
        for v in verified:
            say(_("  verified: {value}"
                " by {issuer} with key {key_id}, digest {value2}…").format(value=attestation_pb2.ClaimType.Name(v.claim_type).removeprefix('CLAIM_TYPE_').lower(), issuer=v.issuer, key_id=v.key_id, value2=v.digest[:23]))

        say(_("\n5. Tianjin assesses recognition (互认) under its policy"))
        answer = recognition_pb2_grpc.RecognitionServiceStub(channel).Assess(recognition_pb2.AssessRequest(
            document=record.document, attestations=record.attestations))
    decision = answer.decision
    say(_("  policy {policy_id} v{policy_version} (region {region}): "
        "{value}").format(policy_id=decision.policy_id, policy_version=decision.policy_version, region=decision.region, value=recognition_pb2.RecognitionOutcome.Name(decision.outcome).removeprefix(OUTCOME_PREFIX)))
    for c in decision.criteria:
        outcome_name = recognition_pb2.CriterionOutcome.Name(c.outcome).removeprefix("CRITERION_OUTCOME_")
        say(f"    {outcome_name:<14} {c.criterion_id:<22} {c.message.en}")

    say(_("\n6. Tianjin registers a battery declaration; an exporter (not on the trust list) translates it"))
    registered = register_and_submit(network, "tianjin", battery, "TJ-2025-004417", say)
    with network.channel("tianjin", "exporter") as channel:
        registration = exchange_pb2_grpc.ExchangeServiceStub(channel).Get(
            exchange_pb2.GetRequest(declaration_id=registered.metadata.declaration_id)).record.attestations
        translations = translation_pb2_grpc.TranslationServiceStub(channel)
        verifier = attestation_pb2_grpc.AttestationServiceStub(channel)
        for target in ("pact-v3", "eu-battery-json"):
            result = translations.Translate(translation_pb2.TranslateRequest(
                document=registered.document, target_format_id=target, attest=True))
            kinds: dict[str, int] = {}
            for entry in result.report.entries:
                kind = translation_pb2.TranslationEntryKind.Name(entry.kind).removeprefix("TRANSLATION_ENTRY_KIND_").lower()
                kinds[kind] = kinds.get(kind, 0) + 1
            say(_("  {id} translated {name} to {target}: {count} bytes, "
                "{value} ({items})").format(id=network.exporter.id, name=battery.name, target=target, count=len(result.document.content), value=_("lossless") if result.report.lossless else _("lossy"), items=', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))))
            chain = verifier.Verify(attestation_pb2.VerifyRequest(
                document=result.document, attestations=[*registration, result.attestation])).verified
            links = " <- ".join(f"{attestation_pb2.ClaimType.Name(v.claim_type).removeprefix('CLAIM_TYPE_').lower()}"
                                f" {v.format_id} by {v.issuer.rsplit(':', 1)[-1]}" for v in reversed(chain))
            say(_("  chain verified: {links}").format(links=links))
    say(_("\n7. An overseas buyer's PACT client pulls Tianjin's battery footprint over the PACT REST API"))
    buyer_pulls_over_pact(network, registered.metadata.declaration_id, say)
    say(_("\n8. A shop prints the battery's carbon label (碳标识); its QR code opens Tianjin's public verification page"))
    label_opens_the_page(network, registered.document.content, list(registration), say)
    verdict = recognition_pb2.RecognitionOutcome.Name(decision.outcome).removeprefix(OUTCOME_PREFIX)
    say(_("\nDone: Hebei's declaration is held by {hebei} and {tianjin} ({verdict} under {policy_id}); "
        "the exporter's PACT and battery-passport documents and the buyer's PACT footprint verify back to "
        "Tianjin's register.").format(hebei=hebei, tianjin=tianjin, verdict=verdict, policy_id=decision.policy_id))


def buyer_pulls_over_pact(network: DemoNetwork, declaration_id: str, say: Say) -> None:
    """ListFootprints over HTTPS with a client-credentials token, then the footprint's
    attestation chain (named in its extension) verified against the trust list."""
    tianjin = network.gateways["tianjin"]
    context = ssl.create_default_context(cafile=str(network.pki.files["ca"]))
    with PactClient(tianjin.pact_base_url, PACT_CLIENT, network.pact_secret, verify=context) as client:
        footprints = list(client.list_footprints("3"))
        say(_("  {pact_client} got a token from {value} and listed {count} footprint(s) "
            "at {pact_base_url}/3/footprints").format(pact_client=PACT_CLIENT, value=client.token_endpoint(), count=len(footprints), pact_base_url=tianjin.pact_base_url))
        battery = next(f for f in footprints if f["id"] == footprint_id(declaration_id, 1))
        chain_ref = next(e["data"] for e in battery["extensions"] if e["dataSchema"] == CHAIN_SCHEMA_URL)
        attestations = client.attestations(battery["id"])
    say(_("  {id}: {product}, "
        "{pcf} kg CO2e per {amount} "
        "{unit} ({status})").format(id=battery['id'], product=battery['productNameCompany'], pcf=battery['pcf']['pcfExcludingBiogenicUptake'], amount=battery['pcf']['declaredUnitAmount'], unit=battery['pcf']['declaredUnitOfMeasurement'], status=battery['status']))
    say(_("  its extension names the original {format} declaration {id} "
        "v{version} and {count} attestation(s) at {attestations}").format(format=chain_ref['originalFormat'], id=chain_ref['declarationId'], version=chain_ref['declarationVersion'], count=len(attestations), attestations=chain_ref['attestations']))
    chain = verify_chain(dump_json(battery), "json", attestations, network.pki.trust_list, document_format="pact-v3")
    links = [_("translated to pact-v3 by {issuer}").format(issuer=t.issuer.label) for t in chain.translations]
    links += [_("{kind} by {issuer}").format(kind=o.claim.kind, issuer=o.issuer.label) for o in chain.original]
    say(_("  chain verified: {links}").format(links=" <- ".join(links)))


def label_opens_the_page(network: DemoNetwork, content: bytes, registration: list[document_pb2.Attestation],
                         say: Say) -> None:
    """The label names {base}/verify/{digest}; anyone who scans it sees the page, verified now."""
    from ..labels import Output, Size, label_for, make_label

    tianjin = network.gateways["tianjin"]
    facts = label_for(content, verify_base=tianjin.pact_base_url, attestations=[a.content for a in registration],
                      trust_list=network.pki.trust_list)
    for output, size in ((Output.SVG, Size.A6), (Output.PDF, Size.STICKER)):
        path = network.folder / f"battery-label.{size.value}.{output.value}"
        path.write_bytes(make_label(facts, output, size)[0])
        say(_("  wrote {name}").format(name=path.name))
    say(_("  QR code: {url}").format(url=facts.url))
    context = ssl.create_default_context(cafile=str(network.pki.files["ca"]))
    with httpx.Client(verify=context) as client:
        view = client.get(facts.url, headers={"Accept": "application/json"}).raise_for_status().json()
    d = view["declaration"]
    say(_("  the page says: {state}; {zh}, {value} "
        "{unit} per {amount} {en}").format(state=view['standing']['state'], zh=d['product']['zh'], value=d['footprint']['value'], unit=d['footprint']['unit'], amount=d['declaredUnit']['amount'], en=d['declaredUnit']['en']))
    for a in view["attestations"]:
        signer = a.get("signer") or {}
        say(_("    {value} by {value2}: {result} now").format(value=a.get('kind', '?'), value2=signer.get('name', {}).get('en', signer.get('id')), result=a['result']))
    say(_("  checked against trust list #{sequence}"
        " ({value}); the same page in a browser is HTML").format(sequence=view['trustList']['sequence'], value='valid' if view['trustList']['valid'] else 'expired'))
