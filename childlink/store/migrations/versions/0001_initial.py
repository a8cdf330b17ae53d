"""Initial schema: runs, batches, quarantine, entities, reviews, cases, flags, users, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:01:13.686098
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model column types (migrations never import the models,
# which move on).
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=True),
    sa.Column('detail', JSON_DOC, nullable=True),
    sa.CheckConstraint("action IN ('reveal', 'view', 'export', 'decide', 'ingest', 'run')", name=op.f('ck_audit_log_action')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at'], unique=False)
    op.create_index('ix_audit_log_actor_at', 'audit_log', ['actor', 'at'], unique=False)

    op.create_table('id_counters',
    sa.Column('county', sa.String(length=6), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('next_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('county', 'kind', name=op.f('pk_id_counters'))
    )
    op.create_table('roles',
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('permissions', JSON_DOC, nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_roles'))
    )
    op.create_table('runs',
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('county', sa.String(length=6), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('summary', JSON_DOC, nullable=True),
    sa.Column('settings', JSON_DOC, nullable=True),
    sa.Column('code_version', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('intake', 'link', 'compare', 'flow_children', 'school_list')", name=op.f('ck_runs_kind')),
    sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name=op.f('ck_runs_status')),
    sa.PrimaryKeyConstraint('run_id', name=op.f('pk_runs'))
    )
    op.create_index('ix_runs_county_kind_started_at', 'runs', ['county', 'kind', 'started_at'], unique=False)

    op.create_table('users',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('county', sa.String(length=6), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_users'))
    )
    op.create_table('batches',
    sa.Column('batch_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('source_file', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reject_rule', sa.String(length=64), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=True),
    sa.Column('rows_accepted', sa.Integer(), nullable=True),
    sa.Column('rows_quarantined', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('sheet', sa.String(length=200), nullable=True),
    sa.Column('header_row', sa.Integer(), nullable=True),
    sa.Column('extract_date', sa.Date(), nullable=True),
    sa.Column('records_path', sa.String(length=500), nullable=True),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('accepted', 'rejected')", name=op.f('ck_batches_status')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], name=op.f('fk_batches_run_id_runs')),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_batches'))
    )
    op.create_index(op.f('ix_batches_run_id'), 'batches', ['run_id'], unique=False)
    op.create_index('ix_batches_source_extract_date', 'batches', ['source', 'extract_date'], unique=False)
    op.create_index('uq_batches_accepted_source_checksum', 'batches', ['source', 'checksum'], unique=True, sqlite_where=sa.text("status = 'accepted'"), postgresql_where=sa.text("status = 'accepted'"))

    op.create_table('cases',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('county', sa.String(length=6), nullable=False),
    sa.Column('flag', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_run_id', sa.String(length=40), nullable=False),
    sa.Column('last_seen_run_id', sa.String(length=40), nullable=False),
    sa.Column('evidence_hash', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_by', sa.String(length=64), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('enrol', 'change_category', 'exit', 'dismiss')", name=op.f('ck_cases_outcome')),
    sa.CheckConstraint("status IN ('new', 'open', 'resolved', 'closed')", name=op.f('ck_cases_status')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['runs.run_id'], name=op.f('fk_cases_last_seen_run_id_runs')),
    sa.ForeignKeyConstraint(['opened_run_id'], ['runs.run_id'], name=op.f('fk_cases_opened_run_id_runs')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_cases'))
    )
    op.create_index('ix_cases_county_status', 'cases', ['county', 'status'], unique=False)
    op.create_index('ix_cases_entity_id_flag', 'cases', ['entity_id', 'flag'], unique=False)

    op.create_table('entities',
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('county', sa.String(length=6), nullable=False),
    sa.Column('created_run_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='active', nullable=False),
    sa.Column('superseded_by', sa.String(length=40), nullable=True),
    sa.CheckConstraint("status IN ('active', 'merged', 'split')", name=op.f('ck_entities_status')),
    sa.ForeignKeyConstraint(['created_run_id'], ['runs.run_id'], name=op.f('fk_entities_created_run_id_runs')),
    sa.PrimaryKeyConstraint('entity_id', name=op.f('pk_entities'))
    )
    op.create_index(op.f('ix_entities_county'), 'entities', ['county'], unique=False)

    op.create_table('entity_lineage',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('old_entity_id', sa.String(length=40), nullable=False),
    sa.Column('new_entity_id', sa.String(length=40), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("change IN ('merge', 'split', 'rename')", name=op.f('ck_entity_lineage_change')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], name=op.f('fk_entity_lineage_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_lineage'))
    )
    op.create_index(op.f('ix_entity_lineage_new_entity_id'), 'entity_lineage', ['new_entity_id'], unique=False)
    op.create_index(op.f('ix_entity_lineage_old_entity_id'), 'entity_lineage', ['old_entity_id'], unique=False)
    op.create_index(op.f('ix_entity_lineage_run_id'), 'entity_lineage', ['run_id'], unique=False)

    op.create_table('review_items',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('left_mention_id', sa.String(length=64), nullable=False),
    sa.Column('right_mention_id', sa.String(length=64), nullable=False),
    sa.Column('left_key', sa.String(length=128), nullable=True),
    sa.Column('right_key', sa.String(length=128), nullable=True),
    sa.Column('left_entity_id', sa.String(length=40), nullable=True),
    sa.Column('right_entity_id', sa.String(length=40), nullable=True),
    sa.Column('match_probability', sa.Float(), nullable=True),
    sa.Column('comparison', JSON_DOC, nullable=True),
    sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
    sa.CheckConstraint("status IN ('open', 'decided', 'superseded')", name=op.f('ck_review_items_status')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], name=op.f('fk_review_items_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_items'))
    )
    op.create_index('ix_review_items_run_id_status', 'review_items', ['run_id', 'status'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('granted_by', sa.String(length=64), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['role'], ['roles.role'], name=op.f('fk_user_roles_role_roles')),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], name=op.f('fk_user_roles_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('case_events',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=True),
    sa.Column('event', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('detail', JSON_DOC, nullable=True),
    sa.CheckConstraint("event IN ('new', 'still_open', 'resolved', 'reopened', 'closed')", name=op.f('ck_case_events_event')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.case_id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], name=op.f('fk_case_events_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    op.create_index(op.f('ix_case_events_case_id'), 'case_events', ['case_id'], unique=False)

    op.create_table('entity_members',
    sa.Column('mention_id', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('match_probability', sa.Float(), nullable=True),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.CheckConstraint("method IN ('deterministic', 'probabilistic', 'review', 'singleton')", name=op.f('ck_entity_members_method')),
    sa.PrimaryKeyConstraint('mention_id', name=op.f('pk_entity_members'))
    )
    op.create_index(op.f('ix_entity_members_batch_id'), 'entity_members', ['batch_id'], unique=False)
    op.create_index(op.f('ix_entity_members_entity_id'), 'entity_members', ['entity_id'], unique=False)

    op.create_table('field_flags',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('message_zh', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.batch_id'], name=op.f('fk_field_flags_batch_id_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_flags'))
    )
    op.create_index(op.f('ix_field_flags_batch_id'), 'field_flags', ['batch_id'], unique=False)

    op.create_table('flags',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=True),
    sa.Column('flag', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=True),
    sa.Column('clause', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('evidence', JSON_DOC, nullable=True),
    sa.Column('link_probability', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.case_id'], name=op.f('fk_flags_case_id_cases')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.run_id'], name=op.f('fk_flags_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags'))
    )
    op.create_index(op.f('ix_flags_case_id'), 'flags', ['case_id'], unique=False)
    op.create_index(op.f('ix_flags_entity_id'), 'flags', ['entity_id'], unique=False)
    op.create_index(op.f('ix_flags_run_id'), 'flags', ['run_id'], unique=False)

    op.create_table('quarantine_rows',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('message_zh', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.batch_id'], name=op.f('fk_quarantine_rows_batch_id_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine_rows'))
    )
    op.create_index(op.f('ix_quarantine_rows_batch_id'), 'quarantine_rows', ['batch_id'], unique=False)

    op.create_table('review_decisions',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('left_key', sa.String(length=128), nullable=False),
    sa.Column('right_key', sa.String(length=128), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('review_item_id', BIG_ID, nullable=True),
    sa.CheckConstraint("decision IN ('linked', 'not_linked')", name=op.f('ck_review_decisions_decision')),
    sa.ForeignKeyConstraint(['review_item_id'], ['review_items.id'], name=op.f('fk_review_decisions_review_item_id_review_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decisions'))
    )
    op.create_index('ix_review_decisions_left_key_right_key', 'review_decisions', ['left_key', 'right_key'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_review_decisions_left_key_right_key', table_name='review_decisions')

    op.drop_table('review_decisions')
    op.drop_index(op.f('ix_quarantine_rows_batch_id'), table_name='quarantine_rows')

    op.drop_table('quarantine_rows')
    op.drop_index(op.f('ix_flags_run_id'), table_name='flags')
    op.drop_index(op.f('ix_flags_entity_id'), table_name='flags')
    op.drop_index(op.f('ix_flags_case_id'), table_name='flags')

    op.drop_table('flags')
    op.drop_index(op.f('ix_field_flags_batch_id'), table_name='field_flags')

    op.drop_table('field_flags')
    op.drop_index(op.f('ix_entity_members_entity_id'), table_name='entity_members')
    op.drop_index(op.f('ix_entity_members_batch_id'), table_name='entity_members')

    op.drop_table('entity_members')
    op.drop_index(op.f('ix_case_events_case_id'), table_name='case_events')

    op.drop_table('case_events')
    op.drop_table('user_roles')
    op.drop_index('ix_review_items_run_id_status', table_name='review_items')

    op.drop_table('review_items')
    op.drop_index(op.f('ix_entity_lineage_run_id'), table_name='entity_lineage')
    op.drop_index(op.f('ix_entity_lineage_old_entity_id'), table_name='entity_lineage')
    op.drop_index(op.f('ix_entity_lineage_new_entity_id'), table_name='entity_lineage')

    op.drop_table('entity_lineage')
    op.drop_index(op.f('ix_entities_county'), table_name='entities')

    op.drop_table('entities')
    op.drop_index('ix_cases_entity_id_flag', table_name='cases')
    op.drop_index('ix_cases_county_status', table_name='cases')

    op.drop_table('cases')
    op.drop_index('uq_batches_accepted_source_checksum', table_name='batches', sqlite_where=sa.text("status = 'accepted'"), postgresql_where=sa.text("status = 'accepted'"))
    op.drop_index('ix_batches_source_extract_date', table_name='batches')
    op.drop_index(op.f('ix_batches_run_id'), table_name='batches')

    op.drop_table('batches')
    op.drop_table('users')
    op.drop_index('ix_runs_county_kind_started_at', table_name='runs')

    op.drop_table('runs')
    op.drop_table('roles')
    op.drop_table('id_counters')
    op.drop_index('ix_audit_log_actor_at', table_name='audit_log')
    op.drop_index('ix_audit_log_action_at', table_name='audit_log')

    op.drop_table('audit_log')
