"""Which builder makes each source's extract (every source of exchange.yaml)."""

from __future__ import annotations

from typing import Callable

import polars as pl

from childlink.synth import extracts, residence_extracts, welfare_extracts
from childlink.synth.extracts import Facts

Builder = Callable[[Facts], pl.DataFrame | dict[str, pl.DataFrame]]

BUILDERS: dict[str, Builder] = {
    "hukou_population": extracts.hukou_population,
    "child_register": extracts.child_register,
    "death": extracts.death,
    "court_judgment": extracts.court_judgment,
    "prison": extracts.prison,
    "custody": extracts.custody,
    "drug_rehab": extracts.drug_rehab,
    "missing_report": extracts.missing_report,
    "disability": extracts.disability,
    "serious_illness": extracts.serious_illness,
    "hiv": extracts.hiv,
    "student_roll": extracts.student_roll,
    "birth_certificate": extracts.birth_certificate,
    "child_health": residence_extracts.child_health,
    "vaccination": residence_extracts.vaccination,
    "residence_permit": residence_extracts.residence_permit,
    "employment": residence_extracts.employment,
    "social_assistance": welfare_extracts.social_assistance,
    "medical_insurance": welfare_extracts.medical_insurance,
    "adoption": welfare_extracts.adoption,
    "emergency": welfare_extracts.emergency,
    "rehab_assistance": welfare_extracts.rehab_assistance,
    "inbound_push": residence_extracts.inbound_push,
}
