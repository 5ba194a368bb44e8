"""Uninstall: clear what would stop Odoo from removing the addon, and drop what Odoo does not know is ours.

Odoo removes an addon's records (in reverse order of creation), then its columns, models and tables. Three
things get in its way or stay behind, and the hook below deals with them first:

- activities, plan lines and server actions that use the addon's activity types: the types cannot be
  deleted while anything still refers to them;
- posted journal entries of the demo data, and the customers they belong to: accounting entries are not
  deleted by an uninstall, so they stay as ordinary records instead of failing to be deleted;
- the indexes the addon creates by hand on core tables (``create_index`` in an ``init()``): Odoo drops the
  addon's columns and tables, not an index on a table that stays;
- the users of the demo data (the demo collector) while the addon's own rows still name them: a contact or
  promise the collector recorded after the install has no external id, so Odoo deletes the user before the
  table holding that row, and the database refuses (the row's user is required).
"""

import logging

from odoo import SUPERUSER_ID
from odoo.tools import SQL
from odoo.tools.sql import drop_index

_logger = logging.getLogger(__name__)

MODULE = "account_collection_litigation"

# Every index that an init() of this addon creates on a table the addon does not own, by name: table.
# Keep it in step with the create_index() calls in models/; the uninstall check of scripts/dev test fails
# on any index whose name contains "collection" left after the uninstall.
CORE_TABLE_INDEXES = {
    "account_move_collection_customer_idx": "account_move",
    "account_move_collection_unfiled_idx": "account_move",
}


def uninstall_hook(env):
    env = env(su=True)  # Odoo runs it as superuser; so does a test, whatever its user
    _unlink_activity_type_uses(env)
    _keep_posted_entries(env)
    _release_own_users(env)
    for index, table in CORE_TABLE_INDEXES.items():
        drop_index(env.cr, index, table)


def _own_ids(env, model):
    """Ids of the records of ``model`` that this addon created from its data files."""
    return env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)]).mapped("res_id")


def _unlink_activity_type_uses(env):
    """Remove what refers to the addon's activity types, so that Odoo can delete them."""
    type_ids = _own_ids(env, "mail.activity.type")
    if not type_ids:
        return
    activities = env["mail.activity"].with_context(active_test=False).search([("activity_type_id", "in", type_ids)])
    plan_lines = env["mail.activity.plan.template"].search([("activity_type_id", "in", type_ids)])
    actions = env["ir.actions.server"].with_context(active_test=False).search([("activity_type_id", "in", type_ids)])
    next_of = env["mail.activity.type"].with_context(active_test=False).search(
        [("triggered_next_type_id", "in", type_ids), ("id", "not in", type_ids)]
    )
    _logger.info("Uninstall: removing %s activities, %s activity plan lines and %s server actions of the "
                 "addon's activity types", len(activities), len(plan_lines), len(actions))
    activities.unlink()
    plan_lines.unlink()
    actions.unlink()
    next_of.write({"triggered_next_type_id": False})


def _keep_posted_entries(env):
    """Detach the demo's posted journal entries and their partners from the addon, so that they stay.

    Uninstalling deletes the records created by the addon's data files. Posted accounting entries are
    not deleted that way (reconciled ones cannot be), and a partner that still has journal entries cannot
    be deleted either: forgetting their external ids keeps them as ordinary records.
    """
    env.flush_all()
    env.cr.execute(SQL(
        """
        WITH kept_move AS (
            SELECT move.id
              FROM account_move move
             WHERE move.state = 'posted'
                OR move.id NOT IN (SELECT res_id FROM ir_model_data WHERE module = %(module)s
                                                                      AND model = 'account.move')
        )
        DELETE FROM ir_model_data data
         WHERE data.module = %(module)s
           AND (
                (data.model = 'account.move' AND data.res_id IN (SELECT id FROM kept_move))
             OR (data.model = 'res.partner' AND EXISTS (
                    SELECT 1
                      FROM account_move_line line
                     WHERE line.move_id IN (SELECT id FROM kept_move)
                       AND line.partner_id = data.res_id
                 UNION ALL
                    SELECT 1
                      FROM account_move move
                     WHERE move.id IN (SELECT id FROM kept_move)
                       AND data.res_id IN (move.partner_id, move.commercial_partner_id)
                ))
           )
        RETURNING data.model
        """,
        module=MODULE,
    ))
    kept = [model for (model,) in env.cr.fetchall()]
    if kept:
        _logger.info("Uninstall: keeping %s posted journal entries and %s partners of the demo data",
                     kept.count("account.move"), kept.count("res.partner"))
    env["ir.model.data"].invalidate_model()


def _release_own_users(env):
    """Hand the addon's rows that name a user of its data over to the superuser, so that Odoo can delete those
    users: only the columns whose foreign key forbids the deletion, only in the addon's own tables (dropped a
    moment later)."""
    user_ids = _own_ids(env, "res.users")
    if not user_ids:
        return
    models = env["ir.model"].browse(_own_ids(env, "ir.model")).mapped("model")
    tables = {env[model]._table for model in models if model in env and env[model]._original_module == MODULE
              and not env[model]._abstract and env[model]._auto}
    env.flush_all()
    env.cr.execute(SQL(
        """
        SELECT cl.relname, att.attname
          FROM pg_constraint con
          JOIN pg_class cl ON cl.oid = con.conrelid
          JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
         WHERE con.contype = 'f' AND con.confrelid = 'res_users'::regclass AND con.confdeltype IN ('r', 'a')
           AND cl.relname IN %s
        """,
        tuple(tables),
    ))
    for table, column in env.cr.fetchall():
        env.cr.execute(SQL("UPDATE %s SET %s = %s WHERE %s IN %s", SQL.identifier(table), SQL.identifier(column),
                           SUPERUSER_ID, SQL.identifier(column), tuple(user_ids)))
        if env.cr.rowcount:
            _logger.info("Uninstall: %s rows of %s.%s handed over from the addon's users to the superuser",
                         env.cr.rowcount, table, column)
    env.invalidate_all()
