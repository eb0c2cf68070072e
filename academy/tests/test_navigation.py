from academy.navigation import nav_for
from academy.roles import Role


def _active(roles: set[str], path: str) -> list[object]:
    return [item["label"] for item in nav_for(roles=roles, path=path) if item["active"]]


def test_staff_see_people_pages_and_the_longest_match_is_active() -> None:
    labels = [item["label"] for item in nav_for(roles={Role.PSW}, path="/")]
    assert labels[:1] == ["Home"]
    assert {"People", "Teams", "Frameworks"} <= set(labels)
    assert "Audit log" not in labels
    assert _active({Role.PSW}, "/people/teams/") == ["Teams"]
    assert _active({Role.PSW}, "/people/invite/") == ["People"]
    assert _active({Role.PSW}, "/") == ["Home"]


def test_an_nqsw_sees_no_staff_pages() -> None:
    labels = [item["label"] for item in nav_for(roles={Role.NQSW}, path="/frameworks/pcf/2018/")]
    assert "People" not in labels
    assert "Audit log" not in labels
    assert _active({Role.NQSW}, "/frameworks/pcf/2018/") == ["Frameworks"]
