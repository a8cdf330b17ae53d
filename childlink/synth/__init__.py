"""The synthetic county generator with ground truth.

``generate_county(out_dir, people=..., seed=..., as_of=..., county=..., noise=..., layout=...)``
builds a deterministic world (households, life events, planted scenarios and a
lagging child register), writes every department's extract in the standard
layouts with realistic noise, and writes ``truth/`` beside them: persons,
mentions (file, row, role -> person), expected quarantine, categories, flags
and scenarios. ``generate_source_csv`` writes one source as a plain CSV for
benchmarks.
"""

from childlink.synth.generate import GenerationReport, generate_county, generate_source_csv

__all__ = ["GenerationReport", "generate_county", "generate_source_csv"]
