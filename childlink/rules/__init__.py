"""The business rules of policy.md: facts with time, eligibility, flags with evidence, cases.

    facts = build_facts(records, assignments, as_of=as_of, settings=policy)
    eligibility = evaluate_eligibility(facts, as_of=as_of, settings=policy, county=county)
    flags = compare_with_register(facts, eligibility, as_of=as_of, settings=policy, county=county)
    cases, events = reconcile_cases(flags, known_cases, run_id=run_id, county=county, next_counter=n)

Every function is pure (frames in, frames out); the store and the reports do
the I/O.
"""

from childlink.rules.cases import attach_case_ids, reconcile_cases
from childlink.rules.eligibility import Eligibility, evaluate_eligibility
from childlink.rules.eligibility.focus import rural_single_parent_list
from childlink.rules.facts import Facts, build_facts
from childlink.rules.flags import FLAG_COLUMNS, FLAG_KINDS, compare_with_register
from childlink.rules.flow_ledger import flow_ledger
from childlink.rules.school_list import school_age_orphans_and_unsupported

__all__ = [
    "FLAG_COLUMNS",
    "FLAG_KINDS",
    "Eligibility",
    "Facts",
    "attach_case_ids",
    "build_facts",
    "compare_with_register",
    "evaluate_eligibility",
    "flow_ledger",
    "reconcile_cases",
    "rural_single_parent_list",
    "school_age_orphans_and_unsupported",
]
