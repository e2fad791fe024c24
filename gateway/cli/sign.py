"""``fpgw sign`` and ``fpgw verify``: attestations, chains and XML signatures."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from gateway.core.errors import GatewayError, InvalidDocument
from gateway.core.i18n import N_, _, localize
from gateway.core.parsing import dump_json

from .keys import load_any_key
from .output import InputFile, echo_json, fail, read_input, write_output
from .trust import ROOT_HELP, load_list, parse_at

if TYPE_CHECKING:
    from signing.digest import Media


def _media(data: bytes, format_id: str | None) -> Media:
    """The format's syntax when ``--format`` names one, else what the bytes look like."""
    from signing.translation import media_of_format

    if format_id:
        return media_of_format(format_id)
    return "xml" if data.lstrip().startswith(b"<") else "json"


def _declaration_facts(data: bytes, format_id: str | None) -> dict[str, Any]:
    """Declaration id, version, region and sector read through the translation pipeline."""
    from gateway.translate import read

    reading = read(data, format_id)
    decl = reading.declaration
    return {
        "format": reading.format.id,
        "declaration_id": str(decl.id),
        "version": decl.version,
        "region": decl.region,
        "sector": getattr(decl.product, "sector", None),
    }


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--claim", "kind", type=click.Choice(["registered", "verified", "translated"]),
              help="The attestation's claim (one of --claim and --xml).")
@click.option("--xml", "xml_signature", is_flag=True,
              help="Instead of an attestation: an enveloped XAdES-B-B signature on the XML document FILE itself "
                   "(ECDSA P-256 key, --cert).")
@click.option("--cert", "cert_file", type=InputFile(), metavar="CHAIN.pem",
              help="--xml: the signer's certificate (SAN URI = its trust-list id), then any intermediates (PEM).")
@click.option("--key", "key_file", required=True, type=InputFile(), help="Private key (PKCS#8 PEM).")
@click.option("--passphrase-env", metavar="VAR", help="Environment variable holding the key's passphrase.")
@click.option("--issuer", help="--claim: issuer entity id on the trust list.")
@click.option("--key-id", help="Verification method id (default: the key's did:key).")
@click.option("--format", "format_id", help="Format id of FILE (detected when omitted).")
@click.option("--declaration-id", help="registered/verified: declaration id (read from FILE when omitted).")
@click.option("--version", "decl_version", type=int, help="registered/verified: declaration version.")
@click.option("--region", help="registered: GB/T 2260 region of the registering platform.")
@click.option("--sector", help="Sector code (verified: must be in the verifier's accredited scope).")
@click.option("--record-id", help="registered: the platform's record number.")
@click.option("--accreditation-body", help="verified: accreditation body id.")
@click.option("--accreditation-number", help="verified: accreditation number.")
@click.option("--level", type=click.Choice(["limited", "reasonable"]), default="reasonable", show_default=True)
@click.option("--verified-on", help="verified: date of the verification (YYYY-MM-DD).")
@click.option("--source", "source_file", type=InputFile(), help="translated: the original document.")
@click.option("--source-format", help="translated: format id of the original.")
@click.option("--report", "report_file", type=InputFile(), help="translated: translation report JSON (convert --report).")
@click.option("--valid-days", type=int, help="Attestation validity in days (open-ended when omitted).")
@click.option("--embed", is_flag=True, help="Embed the document in the attestation.")
@click.option("-o", "--output", default="-", show_default=True, help="Attestation (or, with --xml, signed XML) to write.")
@click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")
def sign(file: str, kind: str | None, xml_signature: bool, cert_file: str | None, key_file: str,
         passphrase_env: str | None, issuer: str | None, key_id: str | None,
         format_id: str | None, declaration_id: str | None, decl_version: int | None, region: str | None,
         sector: str | None, record_id: str | None, accreditation_body: str | None, accreditation_number: str | None,
         level: str, verified_on: str | None, source_file: str | None, source_format: str | None,
         report_file: str | None, valid_days: int | None, embed: bool, output: str, as_json: bool) -> None:
    """Sign an attestation (W3C VC 2.0, Data Integrity) about FILE, or with --xml sign the XML
    document FILE itself (enveloped XAdES-B-B, as the Sign RPC does).

    \b
    Examples:
      fpgw sign decl.json --claim registered --key hebei.pem --issuer urn:jjj:platform:hebei -o decl.registered.json
      fpgw sign decl.xml --xml --key hebei-p256.pem --cert hebei.pem -o decl.signed.xml
    """
    from signing import RegisteredClaim, VerifiedClaim, document_digest, issue_attestation
    from signing import jcs
    from signing.timeutil import utcnow
    from signing.translation import translated_claim

    if xml_signature == bool(kind):
        raise click.UsageError(_("give --claim KIND for an attestation or --xml for an XML signature"))
    data = read_input(file)
    if xml_signature:
        _sign_xml(file, data, key_file, passphrase_env, cert_file, output, as_json)
        return
    if not issuer:
        raise click.UsageError(_("--claim needs --issuer ID (the signer's trust-list entity)"))
    key = load_any_key(key_file, passphrase_env, as_json)
    if not hasattr(key, "sign"):
        raise click.UsageError(_("--key must be a private key"))
    try:
        media = _media(data, format_id)
        if kind == "translated":
            if not (source_file and source_format and report_file and format_id):
                raise click.UsageError(_("--claim translated needs --source, --source-format, --report and --format"))
            # The report is hashed into the claim: read it as strictly as anything signed.
            report = jcs.loads(read_input(report_file))
            claim = translated_claim(read_input(source_file), source_format, format_id, report)
        else:
            facts: dict[str, Any] = {"format": format_id, "declaration_id": declaration_id, "version": decl_version,
                                     "region": region, "sector": sector}
            needed = ("format", "declaration_id", "version") + (("region",) if kind == "registered" else ())
            if any(facts[k] is None for k in needed):
                # What was not given is read from the document, so no claim is signed incomplete.
                facts = {**_declaration_facts(data, format_id), **{k: v for k, v in facts.items() if v is not None}}
            if kind == "registered":
                claim = RegisteredClaim(facts["format"], facts["declaration_id"], facts["version"], facts["region"],
                                        facts["sector"], record_id)
            else:
                if not (accreditation_body and accreditation_number and facts["sector"] and verified_on):
                    raise click.UsageError(_("--claim verified needs --accreditation-body, --accreditation-number, --sector, --verified-on"))
                claim = VerifiedClaim(facts["format"], facts["declaration_id"], facts["version"], facts["sector"],
                                      accreditation_body, accreditation_number, (facts["sector"],), level, verified_on)
        now = utcnow()
        vc = issue_attestation(
            claim, document_digest(data, media), key=key, issuer_id=issuer,
            verification_method=key_id or key.public_key.did_key, valid_from=now - timedelta(seconds=1),
            valid_until=now + timedelta(days=valid_days) if valid_days else None,
            embed=data if embed else None, media=media, created=now,
        )
    except GatewayError as exc:
        fail(exc, as_json, source=file)
    write_output(output, dump_json(vc))
    if output != "-":
        click.echo(_("{kind} attestation by {issuer} over {digest}: {output}").format(kind=kind, issuer=issuer, digest=vc['credentialSubject']['digest'], output=output), err=True)


def _sign_xml(file: str, data: bytes, key_file: str, passphrase_env: str | None, cert_file: str | None,
              output: str, as_json: bool) -> None:
    """An enveloped XAdES-B-B signature by a P-256 key whose certificate heads ``cert_file``."""
    from cryptography import x509

    from gateway.core.errors import MalformedProof, UnsupportedAlgorithm
    from signing import sign_xml
    from signing.keys import Algorithm

    if not cert_file:
        raise click.UsageError(_("--xml needs --cert CHAIN.pem: the signer's certificate, then any intermediates"))
    if _media(data, None) != "xml":
        raise click.UsageError(_("--xml signs an XML document; {file} is not XML").format(file=file))
    key = load_any_key(key_file, passphrase_env, as_json)
    if not hasattr(key, "sign"):
        raise click.UsageError(_("--key must be a private key"))
    if key.algorithm is not Algorithm.ES256:
        fail(UnsupportedAlgorithm(N_("XML signatures use ECDSA P-256 (signxml has no EdDSA); this key is "
                                  "{label}", label=key.algorithm.label)), as_json, source=key_file)
    chain = read_input(cert_file)
    try:
        certificate = x509.load_pem_x509_certificates(chain)[0]
    except ValueError as exc:
        fail(MalformedProof(N_("not a PEM certificate chain: {exc}", exc=exc)), as_json, source=cert_file)
    if certificate.public_key() != key.key.public_key():
        fail(MalformedProof(N_("the first certificate is not the --key's: a verifier would find the signature "
                            "made by someone else")), as_json, source=cert_file)
    try:
        signed = sign_xml(data, key, chain)
    except GatewayError as exc:
        fail(exc, as_json, source=file, data=data, syntax="xml")
    write_output(output, signed)
    if output != "-":
        subject = certificate.subject.rfc4514_string()
        click.echo(_("XAdES-B-B signature by {subject} on {file}: {output}").format(subject=subject, file=file, output=output), err=True)


def _attestation_summary(v) -> dict[str, Any]:
    return {
        "credentialId": v.credential_id,
        "claim": v.claim.to_json(),
        "subjectDigest": v.subject_digest,
        "issuer": {"id": v.issuer.id, "name": {"zh": v.issuer.name_zh, "en": v.issuer.name_en}, "role": v.issuer.role.value},
        "key": v.key.id,
        "signedAt": v.signed_at.isoformat(),
        "cryptosuite": v.cryptosuite,
        "notes": list(v.notes),
    }


def _check_registrations(originals: Any, document: tuple[bytes, str | None] | None) -> list[str]:
    """What Assess and Submit check of a registration beyond its signature, checked here too:
    the signer is the platform of the region its claim names, and the claim names the
    declaration id, version and region of the document (when the document reads as one).
    Returns what was checked, in words; raises naming the first disagreement."""
    from gateway.core.errors import ChainBroken, SignerNotAuthorised, UnknownFormat
    from gateway.translate import read

    registrations = [v for v in originals if v.claim.kind == "registered"]
    if not registrations:
        return []
    checked = []
    for v in registrations:
        if v.issuer.region != v.claim.region:
            raise SignerNotAuthorised(
                N_("{id} is the platform of region {region}; it cannot register a declaration "
                "of region {region2}", id=v.issuer.id, region=v.issuer.region, region2=v.claim.region), path="/credentialSubject/claim/region")
    checked.append(N_("the registering platform's trust-list region is the claim's region"))
    if document is None:
        return checked
    try:
        decl = read(*document).declaration
    except (InvalidDocument, UnknownFormat) as exc:
        checked.append(N_("the document does not read as a declaration ({reason}), so its id, version and region were not "
                          "compared", reason=exc.reason))
        return checked
    for v in registrations:
        stated = {"declarationId": (v.claim.declaration_id, str(decl.id)), "version": (v.claim.version, decl.version),
                  "region": (v.claim.region, decl.region if decl.region is not None else v.claim.region)}
        for field, (claimed, actual) in stated.items():
            if claimed != actual:
                raise ChainBroken(N_("the registration by {id} names {field} {claimed}, the document {actual}", id=v.issuer.id, field=field, claimed=claimed, actual=actual),
                                  path=f"/credentialSubject/claim/{field}")
    checked.append(N_("the registration names the document's declaration id, version and region"))
    return checked


def _is_signed_xml(data: bytes) -> bool:
    return data.lstrip().startswith(b"<") and b"http://www.w3.org/2000/09/xmldsig#" in data


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--attestation", "attestations", multiple=True, type=InputFile(),
              help="Attestation about FILE or about a document it was translated from (repeatable).")
@click.option("--trust-list", required=True, type=InputFile())
@click.option("--root", envvar="FPGW_TRUST_ROOT", help=ROOT_HELP)
@click.option("--min-sequence", type=int, help="Highest trust-list sequence already accepted.")
@click.option("--at", help="Verify as of this time (RFC 3339) instead of now.")
@click.option("--format", "format_id", help="Format id of FILE (checked against the translated claim).")
@click.option("--json", "as_json", is_flag=True)
def verify(file: str, attestations: tuple[str, ...], trust_list: str, root: str | None, min_sequence: int | None,
           at: str | None, format_id: str | None, as_json: bool) -> None:
    """Verify FILE: an attestation itself, a signed XML document, or a document with its
    chain of attestations back to the signed original (printing the loss report)."""
    from signing import verify_attestation, verify_chain, verify_xml

    data = read_input(file)
    try:
        when = parse_at(at)
        tl = load_list(trust_list, root, at=when, min_sequence=min_sequence, as_json=as_json)
        if not attestations and _is_signed_xml(data):
            result = verify_xml(data, tl, at=when)
            signed_at = result.signed_at.isoformat() if result.signed_at else None
            summary = {"kind": "xml-signature", "signer": result.signer.id, "signedAt": signed_at,
                       "certificate": result.certificate.subject.rfc4514_string(), "notes": list(result.notes)}
            lines = [_("XML signature verified: signed by {signer}, signed {at:%Y-%m-%d %H:%M}Z (XAdES)").format(
                signer=result.signer.label, at=result.signed_at) if result.signed_at else
                _("XML signature verified: signed by {signer}").format(signer=result.signer.label)]
            lines += [_("  note: {note}").format(note=localize(n)) for n in result.notes]
        elif not attestations:
            v = verify_attestation(data, tl, at=when)
            checked = _check_registrations([v], None)
            summary = {"kind": "attestation", **_attestation_summary(v), "checked": checked}
            lines = [_("{kind} attestation verified: {issuer}, signed {at:%Y-%m-%d %H:%M}Z").format(
                kind=v.claim.kind, issuer=v.issuer.label, at=v.signed_at), _("  about {digest}").format(digest=v.subject_digest)]
            lines += [_("  note: {note}").format(note=localize(n)) for n in v.notes]
            lines += [_("  checked: {check}").format(check=localize(c)) for c in checked]
        else:
            docs = [read_input(a) for a in attestations]
            chain = verify_chain(data, _media(data, format_id), docs, tl, when, document_format=format_id)
            checked = _check_registrations(chain.original, (data, format_id))
            summary = {"kind": "chain", **chain.as_dict(), "checked": checked}
            lines = [_("chain verified:"), *map(localize, chain.describe())]
            lines.append(_("lossless") if chain.lossless else
                         _("translation lost or changed {count} item(s)").format(count=len(chain.losses)))
            lines += [_("checked: {check}").format(check=localize(c)) for c in checked]
    except GatewayError as exc:
        fail(exc, as_json, source=file)
    if as_json:
        echo_json({"ok": True, **summary})
    else:
        click.echo("\n".join(lines))
