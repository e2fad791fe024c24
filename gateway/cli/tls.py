"""``fpgw tls ca|server|client``: a platform CA and the certificates the gateway expects, for
trials and small deployments.

The gateway identifies callers by the SAN URI of their client certificate (the trust-list
entity id, e.g. ``urn:jjj:platform:hebei``) and checks that a replication peer's server
certificate names the peer's entity id the same way; so both kinds carry the URI. Keys are
ECDSA P-256 (PKCS#8, unencrypted, mode 0600). With an existing CA, issue certificates with
the same SAN URI and extended key usage instead (docs/operations.md, "Certificates").
"""

from __future__ import annotations

import ipaddress
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gateway.core.i18n import ERROR, _


def _write(path: Path, data: bytes, *, secret: bool, force: bool) -> None:
    if path.exists() and not force:
        click.echo(f"{_(ERROR)}: " + _("{path} exists (use --force to replace it)").format(path=path), err=True)
        sys.exit(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _load_ca(cert: Path, key: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        certificate = x509.load_pem_x509_certificate(cert.read_bytes())
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise click.BadParameter(_("cannot load the CA ({cert}, {key}): {exc}").format(cert=cert, key=key, exc=exc), param_hint="--ca-cert/--ca-key")
    return certificate, private


@click.group()
def tls() -> None:
    """Make a platform CA and the server and client certificates the gateway expects
    (SAN URI = trust-list entity id), for trials and small deployments."""


@tls.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Folder for ca.pem and ca.key.")
@click.option("--name", default="JJJ Platform CA", show_default=True, help="The CA's common name.")
@click.option("--days", type=click.IntRange(1), default=3650, show_default=True)
@click.option("--force", is_flag=True, help="Replace existing files.")
def ca(out: Path, name: str, days: int, force: bool) -> None:
    """A self-signed CA (ca.pem, ca.key); name ca.pem in the trust list for your entities."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(out / "ca.key", _key_pem(key), secret=True, force=force)
    _write(out / "ca.pem", certificate.public_bytes(serialization.Encoding.PEM), secret=False, force=force)
    click.echo(_("wrote {cert} and {key} (keep ca.key offline)").format(cert=out / "ca.pem", key=out / "ca.key"))


def _issue(kind: str, identity: str, out: Path, stem: str, ca_cert: Path, ca_key: Path, dns: tuple[str, ...],
           ips: tuple[str, ...], days: int, force: bool) -> None:
    if not identity.startswith("urn:"):
        raise click.BadParameter(_("the identity is a trust-list entity id such as urn:jjj:platform:hebei"),
                                 param_hint="--identity")
    authority, signer = _load_ca(ca_cert, ca_key)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    try:
        names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(identity), *map(x509.DNSName, dns),
                                         *(x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--ip") from None
    usage = ExtendedKeyUsageOID.SERVER_AUTH if kind == "server" else ExtendedKeyUsageOID.CLIENT_AUTH
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{identity} ({kind})")]))
        .issuer_name(authority.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(min(now + timedelta(days=days), authority.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(signer, hashes.SHA256())
    )
    cert_path, key_path = out / f"{stem}-{kind}.pem", out / f"{stem}-{kind}.key"
    _write(key_path, _key_pem(key), secret=True, force=force)
    _write(cert_path, certificate.public_bytes(serialization.Encoding.PEM), secret=False, force=force)
    text = _("wrote {cert} and {key} (server certificate for {identity})") if kind == "server" \
        else _("wrote {cert} and {key} (client certificate for {identity})")
    click.echo(text.format(cert=cert_path, key=key_path, identity=identity))


def _issuing(command):
    for option in reversed([
        click.option("--identity", required=True, help="Trust-list entity id, e.g. urn:jjj:platform:hebei."),
        click.option("--name", "stem", help="File stem (default: the identity's last part)."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True),
        click.option("--ca-cert", type=click.Path(dir_okay=False, path_type=Path), default=Path("ca.pem"),
                     show_default=True),
        click.option("--ca-key", type=click.Path(dir_okay=False, path_type=Path), default=Path("ca.key"),
                     show_default=True),
        click.option("--days", type=click.IntRange(1), default=825, show_default=True),
        click.option("--force", is_flag=True, help="Replace existing files."),
    ]):
        command = option(command)
    return command


@tls.command()
@_issuing
@click.option("--dns", multiple=True, help="DNS name clients connect to (repeatable).")
@click.option("--ip", "ips", multiple=True, help="IP address clients connect to (repeatable).")
def server(identity: str, stem: str | None, out: Path, ca_cert: Path, ca_key: Path, days: int, force: bool,
           dns: tuple[str, ...], ips: tuple[str, ...]) -> None:
    """A gateway's server certificate: STEM-server.pem/.key with SAN URI = identity plus the
    DNS names and IPs clients connect to ([tls] cert and key)."""
    if not dns and not ips:
        raise click.UsageError(_("give the --dns names or --ip addresses clients connect to"))
    _issue("server", identity, out, stem or identity.rsplit(":", 1)[-1], ca_cert, ca_key, dns, ips, days, force)


@tls.command()
@_issuing
def client(identity: str, stem: str | None, out: Path, ca_cert: Path, ca_key: Path, days: int, force: bool) -> None:
    """A client certificate: STEM-client.pem/.key with SAN URI = identity (the [peers] cert
    and key, or a caller's --cert/--key)."""
    _issue("client", identity, out, stem or identity.rsplit(":", 1)[-1], ca_cert, ca_key, (), (), days, force)
