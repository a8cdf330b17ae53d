"""Prefect flows of the scheduled jobs: wiring only.

Each flow calls the same job functions as the CLI (:mod:`childlink.pipeline`)
through the tasks in :mod:`flows.tasks`; deployments and schedules are in
``prefect.yaml`` at the repository root (see docs/prefect.md).
"""
