"""Reports of the comparison jobs: pure table builders and small file writers.

Builders take frames and return frames (no I/O); writers take a frame and a
path and write one file. The job functions in :mod:`childlink.pipeline` call
the writers; the flows call the summary builders for their artifacts.
"""

from childlink.reports.flags_table import build_flags_table, evidence_text, flag_counts, township_summary
from childlink.reports.linkage_tables import build_links_table, build_review_queue
from childlink.reports.run_summary import (
    build_run_summary,
    code_version,
    file_checksum,
    file_count_rows,
    flag_count_rows,
    folder_checksums,
    summary_markdown,
    summary_totals,
)
from childlink.reports.school_list import build_school_list
from childlink.reports.writers import (
    write_flags_csv,
    write_flags_xlsx,
    write_links_csv,
    write_review_queue_csv,
    write_run_summary,
    write_school_list,
)

__all__ = [
    "build_flags_table",
    "build_links_table",
    "build_review_queue",
    "build_run_summary",
    "build_school_list",
    "code_version",
    "evidence_text",
    "file_checksum",
    "file_count_rows",
    "flag_count_rows",
    "flag_counts",
    "folder_checksums",
    "summary_markdown",
    "summary_totals",
    "township_summary",
    "write_flags_csv",
    "write_flags_xlsx",
    "write_links_csv",
    "write_review_queue_csv",
    "write_run_summary",
    "write_school_list",
]
