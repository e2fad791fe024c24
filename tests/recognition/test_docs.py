from gateway.docgen import ROOT
from gateway.recognition import shipped_policies
from gateway.recognition.docs import pages


def test_policy_pages_are_generated_from_the_policy_files() -> None:
    stale = [str(p) for p, text in pages(ROOT).items() if not p.exists() or p.read_text("utf-8") != text]
    assert not stale, f"run `python -m gateway.docgen`; stale: {stale}"


def test_every_policy_has_a_page_with_its_digest_and_criteria() -> None:
    for policy in shipped_policies().values():
        text = (ROOT / "docs" / "recognition" / f"{policy.id}.md").read_text("utf-8")
        assert policy.digest in text
        assert all(f"| `{c.id}` |" in text for c in policy.criteria)
