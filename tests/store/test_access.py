from datetime import datetime, timedelta, timezone

import pytest

from childlink.store import StoreError
from childlink.store.repository import add_user, grant_role, load_audit_log, log_audit, save_role, user_permissions


def test_audit_log_round_trip(store):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    log_audit(store, actor="zhang", action="reveal", target="entity:220183-P0000000001", detail={"field": "id_number"})
    log_audit(store, actor="zhang", action="export", target="flags.xlsx")
    log_audit(store, actor="system", action="run", target="220183-R20261123T100000-abcdef")
    entries = load_audit_log(store, actor="zhang")
    assert entries["action"].to_list() == ["reveal", "export"]
    assert entries["detail"][0] == '{"field": "id_number"}' and entries["detail"][1] is None
    assert entries["at"].min() >= before
    assert load_audit_log(store, since=datetime.now(timezone.utc) + timedelta(hours=1)).is_empty()
    with pytest.raises(ValueError, match="audit action"):
        log_audit(store, actor="zhang", action="delete")


def test_roles_give_permissions_and_grants_are_audited(store):
    save_role(store, role="director", permissions=["view_cases", "reveal_id_number"])
    save_role(store, role="health_officer", permissions=["view_hiv"], description="may see HIV status (policy §4)")
    add_user(store, user_id="li", display_name="李娜", county="220183")
    grant_role(store, user_id="li", role="director", granted_by="admin")
    grant_role(store, user_id="li", role="director", granted_by="admin")
    assert user_permissions(store, user_id="li") == {"view_cases", "reveal_id_number"}
    grant_role(store, user_id="li", role="health_officer", granted_by="admin")
    assert "view_hiv" in user_permissions(store, user_id="li")
    assert user_permissions(store, user_id="nobody") == set()
    assert load_audit_log(store, actor="admin").height == 2
    with pytest.raises(StoreError, match="no such role: auditor"):
        grant_role(store, user_id="li", role="auditor", granted_by="admin")
