"""The one test PKI: its CA's certificates chain to it and say what they are for."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from signing.testpki import CertificateAuthority, make_test_pki, read_test_pki


def _signed_by(cert: x509.Certificate, ca: CertificateAuthority) -> bool:
    ca.certificate.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    return cert.issuer == ca.certificate.subject


def test_a_server_credential_names_loopback_and_serves() -> None:
    ca = CertificateAuthority()
    cert = ca.issue("gateway.test", uris=("urn:jjj:gateway:jjj",), server=True).certificate
    assert _signed_by(cert, ca)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert san.get_values_for_type(x509.IPAddress) == [IPv4Address("127.0.0.1")]
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == ["urn:jjj:gateway:jjj"]
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]


def test_a_client_credential_names_its_entity_only(tmp_path) -> None:
    ca = CertificateAuthority()
    credential = ca.issue("Exporter", uris=("urn:example:exporter:x",))
    cert_file, key_file = credential.write(tmp_path, "exporter")
    assert cert_file.read_bytes() == credential.cert_pem and key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    cert = credential.certificate
    assert _signed_by(cert, ca)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == [] and len(list(san)) == 1
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert cert.not_valid_before_utc == ca.valid[0].replace(microsecond=0) and cert.not_valid_after_utc == ca.valid[1].replace(microsecond=0)


def test_a_certificate_of_another_ca_with_the_same_name_does_not_chain() -> None:
    rogue = CertificateAuthority().issue("not Hebei", uris=("urn:jjj:platform:hebei",)).certificate
    with pytest.raises(InvalidSignature):
        _signed_by(rogue, CertificateAuthority())


def test_the_pki_entities_carry_their_p256_key_in_a_ca_certificate(tmp_path) -> None:
    pki = make_test_pki(tmp_path)
    hebei = pki["hebei"]
    assert _signed_by(hebei.certificate, pki.ca)
    assert hebei.certificate.public_key().public_numbers() == hebei.p256.key.public_key().public_numbers()
    assert (tmp_path / "hebei.pem").read_bytes() == hebei.cert_pem
    assert (tmp_path / "server.pem").read_bytes() == pki.server.cert_pem and pki.ca_pem == (tmp_path / "ca.pem").read_bytes()


def test_a_written_pki_reads_back_and_without_its_ca_key_issues_nothing(tmp_path) -> None:
    made = make_test_pki(tmp_path)
    read = read_test_pki(tmp_path)
    assert read.files == made.files
    assert read.trust_list.digest == made.trust_list.digest and read.root_multikey == made.root_multikey
    for short in ("beijing", "verifier", "gateway"):
        assert read[short].ed25519.public_key.multikey == made[short].ed25519.public_key.multikey
        assert read[short].cert_pem == made[short].cert_pem and read[short].p256_key_id == made[short].p256_key_id
    assert read.ca_pem == made.ca_pem and read.server == made.server
    with pytest.raises(ValueError, match="without its private key"):
        read.ca.issue("Another exporter", uris=("urn:example:exporter:other",))
