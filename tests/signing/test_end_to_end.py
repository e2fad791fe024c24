"""A regional declaration converted to PACT v3 and signed verifies as a chain to its signed original."""

from __future__ import annotations


import pytest

from gateway import examples
from gateway.core.errors import ChainBroken
from signing import RegisteredClaim, document_digest, verify_chain
from signing.translation import attest_translation

EXAMPLES = examples.folder()


@pytest.mark.parametrize(
    "example, platform, target, media",
    [("hebei-hot-rolled-steel-coil.json", "hebei", "pact-v3", "json"),
     ("tianjin-ev-battery-pack-nmc.json", "tianjin", "eu-battery-xml", "xml")],
)
def test_convert_sign_verify_chain(pki, example: str, platform: str, target: str, media: str) -> None:
    path = EXAMPLES / example
    from gateway.translate import translate

    original = path.read_bytes()
    entity = pki[platform]
    region = pki.trust_list.entity(entity.id).region
    registered = entity.attest(RegisteredClaim("cn-jjj-json", example, 1, region), document_digest(original, "json"))
    gw = pki["gateway"]
    translation = translate(original, target, source="cn-jjj-json")
    translated = attest_translation(original, translation, key=gw.ed25519, issuer_id=gw.id,
                                    verification_method=gw.ed25519_key_id)
    chain = verify_chain(translation.output, media, [translated, registered], pki.trust_list, document_format=target)
    assert chain.original_digest == document_digest(original, "json")
    assert chain.translations[0].claim.output_format == target
    assert chain.lossless == translation.report.lossless
    assert len(chain.losses) == sum(1 for e in translation.report.entries if e.kind.value != "converted")
    with pytest.raises(ChainBroken):
        verify_chain(translation.output, media, [translated], pki.trust_list)
