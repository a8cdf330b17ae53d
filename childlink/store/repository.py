"""Repository functions: every read and write of the store, keyword-only, frames in polars.

This module is the one import callers need; the functions live in modules
named by what they keep (runs, batches, records, entities, reviews, cases,
access).
"""

from __future__ import annotations

from childlink.store.access import (
    add_user,
    grant_role,
    load_audit_log,
    log_audit,
    save_role,
    user_permissions,
)
from childlink.store.batches import (
    BatchAlreadyIngested,
    BatchInfo,
    add_field_flags,
    add_quarantine_rows,
    find_accepted_batch,
    get_batch,
    latest_batches,
    list_batches,
    load_field_flags,
    load_quarantine_rows,
    record_batch,
    set_records_path,
)
from childlink.store.cases import (
    add_flags,
    load_case_events,
    load_cases,
    load_flags,
    load_open_cases,
    record_case_events,
    record_case_outcome,
    upsert_cases,
)
from childlink.store.entities import (
    allocate_entity_ids,
    entity_status,
    load_entity_assignments,
    load_lineage,
    record_lineage,
    save_entity_assignments,
)
from childlink.store.ids import allocate_ids, new_run_id
from childlink.store.records import (
    read_batch_records,
    read_current_records,
    save_accepted_batch,
    write_batch_records,
)
from childlink.store.reviews import (
    add_review_items,
    canonical_pair,
    load_review_decisions,
    load_review_items,
    save_review_decision,
)
from childlink.store.runs import finish_run, get_run, start_run

__all__ = [
    "BatchAlreadyIngested",
    "BatchInfo",
    "add_field_flags",
    "add_flags",
    "add_quarantine_rows",
    "add_review_items",
    "add_user",
    "allocate_entity_ids",
    "allocate_ids",
    "canonical_pair",
    "entity_status",
    "find_accepted_batch",
    "finish_run",
    "get_batch",
    "get_run",
    "grant_role",
    "latest_batches",
    "list_batches",
    "load_audit_log",
    "load_case_events",
    "load_cases",
    "load_entity_assignments",
    "load_field_flags",
    "load_flags",
    "load_lineage",
    "load_open_cases",
    "load_quarantine_rows",
    "load_review_decisions",
    "load_review_items",
    "log_audit",
    "new_run_id",
    "read_batch_records",
    "read_current_records",
    "record_batch",
    "record_case_events",
    "record_case_outcome",
    "record_lineage",
    "save_accepted_batch",
    "save_entity_assignments",
    "save_review_decision",
    "save_role",
    "set_records_path",
    "start_run",
    "upsert_cases",
    "user_permissions",
    "write_batch_records",
]
