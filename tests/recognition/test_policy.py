"""Policy loading: shipped policies, JSON policies, digests, equivalence tables and paths."""

from __future__ import annotations

import json

import pytest

from gateway.core.errors import PolicyError, UnknownPolicy
from gateway.recognition import get_policy, load_policy, shipped_policies
from gateway.recognition.equivalence import parse_table, shipped_table
from gateway.recognition.paths import check_path, present, resolve
from gateway.recognition.policy import build_policy


def test_shipped_policies() -> None:
    policies = shipped_policies()
    assert sorted(policies) == ["cn-bj", "cn-he", "cn-tj", "eu-battery-cfp"]
    assert {p.region for p in policies.values()} == {"110000", "120000", "130000", "EU"}
    assert len({p.digest for p in policies.values()}) == 4


def test_policies_differ_where_the_issue_says() -> None:
    tj, bj, he = (shipped_policies()[k] for k in ("cn-tj", "cn-bj", "cn-he"))
    verification = next(c for c in tj.criteria if c.id == "verification")
    assert verification.params_for("batteries")["min_level"] == "reasonable"
    assert verification.params_for("steel")["min_level"] == "limited"
    gwp = next(c for c in bj.criteria if c.id == "gwp")
    assert gwp.params_for(None) == {"allowed": ["AR6"], "recharacterisable": ["AR5"]}
    dq = next(c for c in he.criteria if c.id == "data-quality")
    assert dq.params_for("steel")["min_primary_share"] == "50"
    assert dq.params_for("batteries")["min_primary_share"] == "30"


def test_a_policy_as_json_has_the_same_digest(tmp_path) -> None:
    policy = shipped_policies()["cn-he"]
    path = tmp_path / "he.json"
    path.write_text(json.dumps(policy.data, ensure_ascii=False), "utf-8")
    assert load_policy(path).digest == policy.digest
    assert get_policy(str(path)).id == "cn-he"


def test_digest_covers_the_policy_data() -> None:
    data = json.loads(json.dumps(shipped_policies()["cn-tj"].data))
    data["criterion"][6]["params"]["max_dqr"] = "2.9"
    assert build_policy(data).digest != shipped_policies()["cn-tj"].digest


def test_all_errors_are_listed_with_paths() -> None:
    data = json.loads(json.dumps(shipped_policies()["cn-tj"].data))
    data["criterion"][0]["params"]["sectors"] = ["steel", "textiles"]
    data["criterion"][5]["params"]["paths"] = ["a//b"]
    with pytest.raises(PolicyError) as info:
        build_policy(data)
    assert [v.path for v in info.value.violations] == ["/criterion/0/params/sectors/1", "/criterion/5/params/paths/0"]


def test_unknown_policy_and_bad_syntax() -> None:
    with pytest.raises(UnknownPolicy):
        get_policy("cn-xx")
    with pytest.raises(PolicyError) as info:
        load_policy(b"id = ", name="broken.toml")
    assert info.value.reason == "INVALID_POLICY"
    with pytest.raises(PolicyError) as info:
        load_policy(b'\xff\xfeid = "x"', name="utf16.toml")
    assert info.value.reason == "INVALID_POLICY" and "utf-8" in info.value.message


def test_schema_errors_come_before_meaning_checks() -> None:
    data = json.loads(json.dumps(shipped_policies()["cn-tj"].data))
    del data["criterion"][0]["params"]["sectors"]
    data["region"] = "999999"
    with pytest.raises(PolicyError) as info:
        build_policy(data)
    assert [v.path for v in info.value.violations] == ["/criterion/0/params"]


def test_equivalence_classes_and_directional_conditions() -> None:
    table = shipped_table("methodology")
    assert table.match("ISO 14067:2018", ["GB/T 24067-2024"]).relation == "equivalent"
    assert table.match("GB/T 24067-2024", ["GB/T 24067-2024"]).relation == "identical"
    m = table.match("GHG Protocol Product Standard", ["GB/T 24067-2024"])
    assert m.relation == "conditional" and "allocation" in m.condition.en
    assert table.match("GB/T 24067-2024", ["GHG Protocol Product Standard"]) is None
    pcr = shipped_table("pcr")
    assert pcr.match("T/CESA 1296-2024", ["T/CIAPS 0031-2024"], "batteries").relation == "equivalent"
    assert pcr.match("T/CESA 1296-2024", ["T/CIAPS 0031-2024"], "steel") is None


def test_equivalence_table_rows_are_checked() -> None:
    with pytest.raises(PolicyError) as info:
        parse_table({"id": "x", "version": "1", "title": {"zh": "x", "en": "x"}, "pair": [{"a": "A", "b": "B", "relation": "conditional"}]}, "x.toml")
    assert info.value.path == "/pair/0/condition"


def test_paths() -> None:
    data = {"organisation": {"ids": [{"scheme": "lei", "value": "L"}, {"scheme": "uscc", "value": "U"}]}, "links": {"attachments": []}}
    assert resolve(data, "organisation/ids[scheme=uscc]/value") == "U"
    assert resolve(data, "organisation/ids/0/value") == "L"
    assert resolve(data, "organisation/ids[scheme=gln]/value") is None
    assert not present(resolve(data, "links/attachments"))
    with pytest.raises(ValueError):
        check_path("organisation//ids")
