"""policy §2.5: school-age orphans and de facto unsupported children."""

from __future__ import annotations

from datetime import date

from childlink.rules.school_list import school_age_orphans_and_unsupported
from tests.rules.scenario import AS_OF, POLICY, County
from tests.rules.test_eligibility import dead


def test_school_list_2_5():
    c = County()
    listed, f, m = c.family(child_birth=date(2015, 3, 1))
    dead(c, f), dead(c, m)
    infant, f2, m2 = c.family(child_birth=date(2023, 3, 1))
    dead(c, f2), dead(c, m2)
    facts = c.facts()
    from childlink.rules.eligibility import evaluate_eligibility

    eligibility = evaluate_eligibility(facts, as_of=AS_OF, settings=POLICY, county="220183")
    out = school_age_orphans_and_unsupported(eligibility, facts.people, as_of=AS_OF, settings=POLICY)
    assert out["id_number"].to_list() == [listed]
    assert out["category_label"].to_list() == ["社会散居孤儿"]
