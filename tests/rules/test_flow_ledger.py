"""policy §2.4: the flow-children ledger keeps children who fail §1.5, with the reason."""

from __future__ import annotations

from datetime import date

import polars as pl

from childlink.rules.flow_ledger import flow_ledger
from tests.rules.scenario import AS_OF, COUNTY, POLICY, County, entity, months_ago
from tests.rules.test_eligibility import OTHER_COUNTY, flow_child


def test_flow_ledger_2_4():
    c = County()
    passes = flow_child(c, months=8)
    recent = flow_child(c, months=3)
    local = flow_child(c, hukou=COUNTY)
    holder = c.person(date(1990, 1, 1), division=OTHER_COUNTY)
    c.add("residence_permit", id_number=holder, name="父", hukou_division=OTHER_COUNTY, residence_division=COUNTY,
          registered_on=months_ago(20))
    pupil = c.person(date(2015, 1, 1), division=OTHER_COUNTY)
    c.add("hukou_population", id_number=pupil, name="学", division=OTHER_COUNTY + "001001", father_id_number=holder)
    facts = c.facts()
    from childlink.rules.eligibility import evaluate_eligibility

    eligibility = evaluate_eligibility(facts, as_of=AS_OF, settings=POLICY, county=COUNTY)
    ledger = flow_ledger(facts, eligibility, as_of=AS_OF, settings=POLICY, county=COUNTY)
    by = {r["entity_id"]: r for r in ledger.iter_rows(named=True)}
    assert by[entity(passes)]["passes"] is True
    assert by[entity(recent)]["reason"] == "under_6_months"
    assert by[entity(local)]["reason"] == "local_hukou"
    assert by[entity(pupil)]["base_lists"] == ["parent_permit"]
    assert by[entity(pupil)]["reason"] == "arrival_unknown"
    assert ledger.filter(pl.col("passes")).height == 1
