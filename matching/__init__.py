"""Record linkage for Chinese identity data: every accepted record resolves to an entity.

Stages, one module each: ``mentions`` (person roles of rows) → ``standardise``
(names as characters and pinyin, ID parts) → ``blocking`` → ``comparisons`` →
``estimate`` (u by random sampling, m by EM) → ``scoring`` (weights, safety
rules, bands) → ``clustering`` (constrained union-find) → ``identities``
(stable ids, lineage); ``review``, ``explain`` and ``evaluation`` around them.
``Linker`` runs them in order.
"""

from matching.evaluation import pairwise_scores
from matching.identities import assign_stable_ids
from matching.linker import Linker, LinkResult
from matching.mentions import person_mentions

__all__ = ["LinkResult", "Linker", "assign_stable_ids", "pairwise_scores", "person_mentions"]
