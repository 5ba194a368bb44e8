from collections import defaultdict
from datetime import timedelta
from functools import lru_cache

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.aging import aging_bucket
from ..tools.calendar_actions import action_slot, dedup_key, fires_today, next_slot_day, slot_bounds
from ..tools.quiet_hours import quiet_until
from ..tools.stages import pick_stage, soft_collection_failed

# Thousands of invoices share a handful of (days, ladder, failed) combinations: classify each once.
pick_stage_cached = lru_cache(maxsize=8192)(pick_stage)

NOT_CHASED_REASONS = [
    ("paused", "Paused"),
    ("below_minimum", "Below the minimum amount"),
    ("covered_by_credit", "Covered by credit notes or payments"),
    ("nothing_due", "Nothing overdue"),
]


# Advisory lock taken by the runner that creates missing customer files (any constant unique to this addon).
SYNC_LOCK_KEY = 7_310_018

# What the escalation sets on each invoice, in the order of account.move._collection_write_rows.
MOVE_TARGET_KEYS = ("stage_id", "bucket", "pause_id", "pause_reason", "reason", "note")


# What the escalation sets on each customer file, in the order of the rows of _escalate_company.
FILE_ENGINE_COLUMNS = [
    "policy_id", "user_id", "stage_id", "stage_date", "credit_hold", "days_overdue", "anchor_date", "overdue_amount",
    "due_amount", "credit_amount", "claim_amount", "overdue_count", "open_count", "not_chased_reason", "stage_note",
    "next_action_id", "next_action_date",
]


class CollectionCustomer(models.Model):
    """A customer's collection file in one company: its stage, figures and calendar.

    The daily escalation keeps these rows right in bulk; res.partner shows the file of the current company."""

    _name = "collection.customer"
    _description = "Customer Collection File"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "days_overdue desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    # === Fields === #
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("collection.policy", readonly=True, check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Collector", tracking=True, index=True, domain=[("share", "=", False)]
    )
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    customer_type = fields.Selection(related="partner_id.collection_customer_type")
    blacklisted = fields.Boolean(related="partner_id.collection_blacklisted")
    stage_id = fields.Many2one(
        "collection.stage", readonly=True, index=True, tracking=True,
        group_expand="_read_group_stage_ids",
    )
    stage_color = fields.Integer(related="stage_id.color")
    stage_date = fields.Date(string="In Stage Since", readonly=True)
    credit_hold = fields.Boolean(readonly=True, tracking=True)
    days_overdue = fields.Integer(string="Oldest Days Overdue", readonly=True, aggregator="max")
    anchor_date = fields.Date(string="Oldest Due Date", readonly=True,
                              help="Due date of the oldest invoice being chased; the calendar counts from it.")
    overdue_amount = fields.Monetary(string="Total Overdue", readonly=True)
    due_amount = fields.Monetary(string="Total Due", readonly=True)
    credit_amount = fields.Monetary(string="Unapplied Credits", readonly=True,
                                    help="Open credit notes and unreconciled payments, netted against the claim.")
    claim_amount = fields.Monetary(string="Amount Claimed", readonly=True,
                                   help="Overdue amount being chased, less unapplied credits.")
    overdue_count = fields.Integer(string="Overdue Invoices", readonly=True)
    open_count = fields.Integer(string="Open Invoices", readonly=True)
    not_chased_reason = fields.Selection(NOT_CHASED_REASONS, string="Not Chased Because", readonly=True)
    stage_note = fields.Char(readonly=True, help="Why the customer is not in a more advanced stage.")
    next_action_id = fields.Many2one("collection.action", readonly=True)
    next_action_date = fields.Date(readonly=True)
    checked_on = fields.Date(readonly=True, copy=False, help="Day of the last escalation of this file.")
    move_ids = fields.One2many("account.move", "collection_customer_id", string="Invoices")
    pause_ids = fields.One2many("collection.pause", "customer_id", string="Pauses")
    active_pause_ids = fields.One2many("collection.pause", "customer_id", domain=[("state", "=", "active")])
    history_ids = fields.One2many("collection.history", "customer_id")

    _sql_constraints = [
        ("partner_company_unique", "UNIQUE(partner_id, company_id)", "A customer has one collection file per company."),
    ]

    # === Compute === #
    def _compute_display_name(self):
        for customer in self:
            customer.display_name = customer.partner_id.display_name

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        policies = self.env["collection.policy"].search([("company_id", "in", self.env.companies.ids)])
        return stages.search([("policy_id", "in", policies.ids)])

    # === Actions === #
    def action_escalate_now(self):
        self.check_access("write")
        self._escalate(trigger="manual")
        return True

    @api.model
    def action_run_escalation(self):
        """Run the daily escalation from the web client, batch after batch, and say what it did."""
        self.check_access("write")
        done = 0
        while processed := self.sudo()._cron_escalate():
            done += processed
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if done else "info",
                "message": self.env._("%(count)s customers escalated.", count=done) if done
                else self.env._("Every customer was already escalated today: nothing to do."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.account_move_action_collection"
        )
        action["domain"] = [("collection_customer_id", "=", self.id)]
        action["context"] = {"search_default_filter_collection_open": 1}
        return action

    def action_pause(self):
        return self.env["collection.pause"]._action_open_wizard(partners=self.partner_id)

    # === Cron === #
    @api.model
    def _cron_escalate(self, batch_size=500):
        """One batch of customer files per call; the cron runner commits and calls again while work remains.

        A file is done for the day once `checked_on` is today, so a rerun or a run resumed after a crash
        continues where it stopped; rows locked by a concurrent run are skipped, never waited for."""
        today = fields.Date.context_today(self)
        self.env["collection.history"]._send_deferred()
        self._sync_customer_files(today)
        files = self._lock_files_to_check(today, batch_size)
        if files:
            files._escalate(trigger="cron", today=today)
        remaining = self._count_files_to_check(today) if len(files) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(files), remaining=remaining)
        return len(files)

    # === Business: selection of work === #
    @api.model
    def _open_invoice_sql(self, alias="m"):
        return SQL(
            "%(m)s.move_type = 'out_invoice' AND %(m)s.state = 'posted' AND %(m)s.amount_residual > 0",
            m=SQL.identifier(alias),
        )

    @api.model
    def _sync_customer_files(self, today):
        """Create the files of customers with open invoices that have none yet (imports, first run)."""
        self.env.cr.execute(SQL(
            "SELECT 1 FROM collection_customer WHERE checked_on = %s LIMIT 1", today,
        ))
        if self.env.cr.rowcount:
            return
        # One runner creates the missing files; a concurrent one skips this step instead of waiting for it.
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", SYNC_LOCK_KEY))
        if not self.env.cr.fetchone()[0]:
            return
        self.env["account.move"].flush_model()
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_customer (partner_id, company_id, create_uid, write_uid, create_date, write_date)
            SELECT DISTINCT m.commercial_partner_id, m.company_id, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC'
              FROM account_move m
             WHERE %(open)s AND m.commercial_partner_id IS NOT NULL
               -- checked first so that rows another run is updating are never waited for
               AND NOT EXISTS (SELECT 1 FROM collection_customer c
                                WHERE c.partner_id = m.commercial_partner_id AND c.company_id = m.company_id)
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """,
            uid=self.env.uid, open=self._open_invoice_sql(),
        ))

    @api.model
    def _files_to_check_sql(self, today):
        return SQL(
            "(c.checked_on IS NULL OR (c.checked_on < %(today)s AND (c.open_count > 0 OR c.stage_id IS NOT NULL)))",
            today=today,
        )

    @api.model
    def _lock_files_to_check(self, today, limit):
        self.flush_model()
        self.env.cr.execute(SQL(
            "SELECT c.id FROM collection_customer c WHERE %s ORDER BY c.id LIMIT %s FOR UPDATE SKIP LOCKED",
            self._files_to_check_sql(today), limit,
        ))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _count_files_to_check(self, today):
        self.env.cr.execute(SQL(
            "SELECT count(*) FROM collection_customer c WHERE %s", self._files_to_check_sql(today),
        ))
        return self.env.cr.fetchone()[0]

    def _mark_to_recheck(self):
        """Have the next escalation run look at these files again (after a payment or a setting change)."""
        if self:
            self.flush_recordset()
            self.env.cr.execute(SQL(
                "UPDATE collection_customer SET checked_on = NULL WHERE id IN %s", tuple(self.ids),
            ))
            self.invalidate_recordset(["checked_on"])
            self.env.ref("account_collection_litigation.ir_cron_collection_escalate")._trigger()

    @api.model
    def _ensure_files(self, pairs):
        """Files for (commercial partner id, company id) pairs, created when missing."""
        pairs = {pair for pair in pairs if pair[0]}
        if not pairs:
            return self.browse()
        partner_ids = {p for p, _c in pairs}
        existing = self.search([("partner_id", "in", list(partner_ids))])
        found = {(f.partner_id.id, f.company_id.id) for f in existing}
        new = self.sudo().create([
            {"partner_id": p, "company_id": c} for p, c in pairs - found
        ]) if pairs - found else self.browse()
        return (existing.filtered(lambda f: (f.partner_id.id, f.company_id.id) in pairs) | new).sudo(False)

    # === Business: the escalation === #
    def _escalate(self, trigger="cron", today=None):
        """Classify the invoices of these files and carry out the calendar actions due today."""
        today = today or fields.Date.context_today(self)
        if trigger == "manual":
            self._lock_for_manual_run()
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT company_id, array_agg(id ORDER BY id) FROM collection_customer WHERE id IN %s GROUP BY company_id",
            tuple(self.ids),
        ))
        for company_id, file_ids in self.env.cr.fetchall():
            company = self.env["res.company"].browse(company_id)
            self.sudo().browse(file_ids).with_company(company)._escalate_company(trigger, today)
        self.env.invalidate_all()

    def _lock_for_manual_run(self):
        """A user's "escalate now" must not wait behind (or duplicate) a run working on the same customers."""
        # SKIP LOCKED rather than NOWAIT: a busy row is simply not returned, no error is raised and logged.
        self.env.cr.execute(SQL(
            "SELECT id FROM collection_customer WHERE id IN %s FOR UPDATE SKIP LOCKED", tuple(self.ids),
        ))
        if self.env.cr.rowcount < len(self):
            raise UserError(self.env._(
                "The escalation is working on these customers right now. Try again in a minute."
            ))

    def _escalate_company(self, trigger, today):
        """One batch of one company, on plain rows: a few set-based reads, Python rules, one write per table."""
        company = self.env.company
        policy_model = self.env["collection.policy"]
        if not policy_model.search_count([("company_id", "=", company.id)], limit=1):
            policy_model._create_default_policies(company)
        files = self._fetch_files()
        files_by_id = {file["id"]: file for file in files}
        partner_ids = tuple(file["partner_id"] for file in files)
        policy_of = policy_model._policy_ids_for_partners(partner_ids, company)
        rules_by_policy = policy_model.browse(set(policy_of.values()))._engine_rules()

        invoices = self._fetch_invoices(company, partner_ids)
        pauses = self.env["collection.pause"]._fetch_active(company, partner_ids, today, invoices)
        credits, last_payment = self._fetch_credits(company, partner_ids)
        soft = self._fetch_soft_collection(company, partner_ids, last_payment)

        invoices_by_partner = defaultdict(list)
        for inv in invoices:
            invoices_by_partner[inv["partner_id"]].append(inv)

        move_updates, history_rows, file_updates, stage_changes, chased = [], [], [], [], []
        for file in files:
            partner_id = file["partner_id"]
            rules = rules_by_policy[policy_of[partner_id]]
            broken, actions_done = soft.get(partner_id, (0, 0))
            failed = soft_collection_failed(broken, actions_done, rules.legal_min_actions)
            summary = self._classify_customer(
                invoices_by_partner[partner_id], rules, failed, credits.get(partner_id, 0.0), pauses, today,
            )
            collector_id = file["user_id"] or rules.collector_id
            for inv, target in summary["invoices"]:
                changes = (collector_id, *(target[key] for key in MOVE_TARGET_KEYS))
                current = (inv["user_id"], *(inv[key] for key in MOVE_TARGET_KEYS))
                if changes != current or inv["customer_id"] != file["id"]:
                    stage_date = today if target["stage_id"] != inv["stage_id"] else inv["stage_date"]
                    move_updates.append((inv["id"], file["id"], *changes, stage_date))
                if target["stage_id"] != inv["stage_id"]:
                    history_rows.append(self._history_row(
                        company, file, "stage", inv["stage_trigger"] or trigger, move_id=inv["id"],
                        stage_from_id=inv["stage_id"], stage_to_id=target["stage_id"], days_overdue=inv["days"],
                    ))
            stage_id = summary["stage_id"]
            next_action_id, next_action_date = None, None
            if summary["chased"]:
                chased.append((file, rules, summary))
                next_action_id, next_action_date = self._next_action(rules, summary["days"], summary["anchor"])
            file_updates.append((
                file["id"], rules.id, collector_id, stage_id,
                today if stage_id != file["stage_id"] else file["stage_date"],
                stage_id in rules.credit_hold_stage_ids,
                summary["days"], summary["anchor"], summary["overdue_amount"], summary["due_amount"],
                credits.get(partner_id, 0.0), summary["claim_amount"], summary["overdue_count"],
                summary["open_count"], summary["reason"], summary["note"], next_action_id, next_action_date,
            ))
            if stage_id != file["stage_id"]:
                history_rows.append(self._history_row(
                    company, file, "stage", trigger, stage_from_id=file["stage_id"], stage_to_id=stage_id,
                    days_overdue=summary["days"],
                ))
                stage_changes.append((file["id"], file["stage_id"], stage_id))

        self.env["account.move"]._collection_write_rows(move_updates)
        # Most files are as they were yesterday: rewrite only those that changed, and mark all as done today.
        changed = [row for row in file_updates
                   if any(row[n] != files_by_id[row[0]][col] for n, col in enumerate(FILE_ENGINE_COLUMNS, 1))]
        self._bulk_update("collection.customer", FILE_ENGINE_COLUMNS, changed)
        self.env.cr.execute(SQL(
            "UPDATE collection_customer SET checked_on = %s WHERE id IN %s", today, tuple(files_by_id),
        ))
        self.invalidate_model(["checked_on"])
        self.env["collection.history"]._insert_rows(history_rows)
        self._log_stage_changes(stage_changes, trigger)
        self._carry_out_actions(chased, trigger, today)
        self._invoice_interest_monthly(chased, today)

    def _fetch_files(self):
        """The files as rows: their customer and what the escalation last wrote on them."""
        self.env.cr.execute(SQL(
            "SELECT id, partner_id, %s FROM collection_customer WHERE id IN %s ORDER BY id",
            SQL(", ").join(SQL.identifier(col) for col in FILE_ENGINE_COLUMNS), tuple(self.ids),
        ))
        return self.env.cr.dictfetchall()

    def _fetch_invoices(self, company, partner_ids):
        """The customers' invoices in collection, and those that were and have just left it (paid, cancelled)."""
        self.env.cr.execute(SQL(
            """
            SELECT m.id, m.commercial_partner_id AS partner_id, m.invoice_date_due AS due,
                   m.amount_residual_signed AS residual, m.collection_stage_id AS stage_id,
                   m.collection_stage_date AS stage_date, m.collection_bucket AS bucket,
                   m.collection_pause_id AS pause_id, m.collection_pause_reason AS pause_reason,
                   m.collection_user_id AS user_id, m.collection_not_chased_reason AS reason,
                   m.collection_stage_note AS note, m.collection_customer_id AS customer_id,
                   m.collection_stage_locked AS locked, %(open)s AS is_open, m.payment_state
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.commercial_partner_id IN %(partners)s
               AND m.move_type = 'out_invoice'
               AND (%(open)s OR m.collection_bucket IS NOT NULL)
             ORDER BY m.invoice_date_due, m.id
            """,
            open=self._open_invoice_sql(), company=company.id, partners=partner_ids,
        ))
        return self.env.cr.dictfetchall()

    def _fetch_credits(self, company, partner_ids):
        """Unapplied credits (open credit notes, unreconciled payments) and last payment date per customer."""
        self.env.cr.execute(SQL(
            """
            SELECT p.commercial_partner_id,
                   -SUM(l.amount_residual) FILTER (WHERE l.amount_residual < 0 AND NOT l.reconciled),
                   MAX(l.date) FILTER (WHERE l.credit > 0)
              FROM account_move_line l
              JOIN res_partner p ON p.id = l.partner_id
              JOIN account_account a ON a.id = l.account_id
             WHERE l.company_id = %s AND l.parent_state = 'posted' AND a.account_type = 'asset_receivable'
               AND l.credit > 0
               -- through the partner index of the lines, not a scan of the whole ledger
               AND l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)
             GROUP BY p.commercial_partner_id
            """,
            company.id, partner_ids,
        ))
        credits, last_payment = {}, {}
        for partner_id, credit, last in self.env.cr.fetchall():
            credits[partner_id] = credit or 0.0
            last_payment[partner_id] = last
        return credits, last_payment

    def _fetch_soft_collection(self, company, partner_ids, last_payment):
        """Broken promises and chasing actions carried out since each customer's last payment, counted in SQL
        (the history grows every day; the rows it returns do not)."""
        paid = [(partner_id, day) for partner_id, day in last_payment.items() if day]
        self.env.cr.execute(SQL(
            """
            SELECT h.partner_id,
                   count(*) FILTER (WHERE h.event = 'promise_broken'),
                   count(*) FILTER (WHERE h.event = 'action' AND h.state = 'done')
              FROM collection_history h
              LEFT JOIN unnest(%s::int[], %s::date[]) AS paid(partner_id, day) ON paid.partner_id = h.partner_id
             WHERE h.company_id = %s AND h.partner_id IN %s AND h.event IN ('promise_broken', 'action')
               AND (paid.day IS NULL OR h.date::date > paid.day)
             GROUP BY h.partner_id
            """,
            [p for p, _d in paid], [d for _p, d in paid], company.id, partner_ids,
        ))
        return {partner_id: (broken, actions) for partner_id, broken, actions in self.env.cr.fetchall()}

    @api.model
    def _classify_customer(self, invoices, rules, failed, credit, pauses, today):
        """Target stage, bucket and pause of each invoice, and the customer's summary (no database access)."""
        targets, chased = [], []
        any_paused = False
        for inv in invoices:
            inv["days"] = (today - inv["due"]).days if inv["due"] else 0
            inv["stage_trigger"] = None
            if not inv["is_open"]:
                inv["stage_trigger"] = "payment" if inv["payment_state"] in ("paid", "in_payment") else None
                targets.append((inv, dict.fromkeys(MOVE_TARGET_KEYS)))
                continue
            pause = pauses.get((inv["partner_id"], inv["id"])) or pauses.get((inv["partner_id"], None))
            target = {"stage_id": inv["stage_id"], "bucket": aging_bucket(inv["days"]),
                      "pause_id": pause and pause["id"], "pause_reason": pause and pause["reason"],
                      "reason": "paused" if pause else None, "note": None}
            targets.append((inv, target))
            if pause:
                any_paused = True
            else:
                chased.append((inv, target))

        chased_overdue = sum(inv["residual"] for inv, _target in chased if inv["days"] > 0)
        claim = max(0.0, chased_overdue - credit)
        reason = None
        if chased_overdue and claim <= 0:
            reason = "covered_by_credit"
        elif chased_overdue and claim < rules.minimum_amount:
            reason = "below_minimum"
        blocked_note = None
        staged = []
        for inv, target in chased:
            if reason and inv["days"] > 0:
                target.update(stage_id=None, reason=reason)
                continue
            if not inv["locked"]:
                pick = pick_stage_cached(inv["days"], rules.ladder, failed)
                target["stage_id"] = pick.stage.id if pick.stage else None
                if pick.blocked:
                    blocked_note = blocked_note or self.env._(
                        "Meets the days of a later stage, which is entered only after soft collection failed."
                    )
                    target["note"] = blocked_note
            if target["stage_id"]:
                staged.append((inv, target))
        open_invoices = [inv for inv in invoices if inv["is_open"]]
        return {
            "invoices": targets,
            "chased": bool(staged),
            # the most advanced stage among the chased invoices; a stage set by hand counts as it is
            "stage_id": max((target["stage_id"] for _inv, target in staged),
                            key=lambda stage_id: rules.stage_rank.get(stage_id, (0, 0)), default=None),
            "days": max((inv["days"] for inv, _target in staged), default=0),
            "anchor": min((inv["due"] for inv, _target in staged), default=None),
            "overdue_amount": sum(inv["residual"] for inv in open_invoices if inv["days"] > 0),
            "due_amount": sum(inv["residual"] for inv in open_invoices),
            "claim_amount": 0.0 if reason else claim,
            "overdue_count": sum(1 for inv in open_invoices if inv["days"] > 0),
            "open_count": len(open_invoices),
            "reason": None if staged else reason or ("paused" if any_paused else "nothing_due"),
            "note": blocked_note,
        }

    @api.model
    def _next_action(self, rules, days, anchor):
        """The calendar action whose next period starts first, and that day."""
        best = None
        for action_id, window, _review in rules.windows:
            day = next_slot_day(days, window)
            if day is not None and (best is None or day < best[0]):
                best = (day, action_id)
        if not best:
            return None, None
        return best[1], anchor + timedelta(days=best[0])

    @api.model
    def _history_row(self, company, file, event, trigger, **values):
        return {
            "company_id": company.id, "customer_id": file["id"], "partner_id": file["partner_id"],
            "event": event, "trigger": trigger, **values,
        }

    @api.model
    def _bulk_update(self, model_name, columns, rows):
        """One UPDATE ... FROM (VALUES ...) for many rows: (id, value of each column)."""
        if not rows:
            return
        fields_ = self.env[model_name]._fields
        self.env.cr.execute(SQL(
            "UPDATE %(table)s t SET %(sets)s, write_date = now() at time zone 'UTC', write_uid = %(uid)s "
            "FROM (VALUES %(rows)s) AS v(id, %(cols)s) WHERE t.id = v.id",
            table=SQL.identifier(self.env[model_name]._table),
            sets=SQL(", ").join(
                SQL("%s = v.%s::%s", SQL.identifier(col), SQL.identifier(col), SQL(fields_[col].column_type[1]))
                for col in columns
            ),
            rows=SQL(", ").join(SQL("%s", row) for row in rows),
            cols=SQL(", ").join(SQL.identifier(col) for col in columns),
            uid=self.env.uid,
        ))
        # The rows changed behind the ORM's back: what it cached of them is stale.
        self.env[model_name].invalidate_model(columns)

    def _log_stage_changes(self, stage_changes, trigger):
        """One chatter note per customer whose stage changed; tell salespeople and the legal team."""
        if not stage_changes:
            return
        trigger_label = dict(self.env["collection.history"]._fields["trigger"]._description_selection(self.env))[
            trigger]
        bodies = {}
        activities = []
        legal_type = self.env.ref("account_collection_litigation.mail_activity_type_legal_review")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        file_model = self.env["ir.model"]._get_id("collection.customer")
        hold_note = self.env._("Credit hold: no new sales on credit until the overdue invoices are paid.")
        files = self.browse(change[0] for change in stage_changes)   # prefetched together
        stages = self.env["collection.stage"]
        none = self.env._("none")
        for file_id, old_id, new_id in stage_changes:
            file, old, new = self.browse(file_id).with_prefetch(files._prefetch_ids), stages.browse(old_id), \
                stages.browse(new_id)
            bodies[file.id] = Markup("%s: %s → %s (%s)") % (
                self.env._("Collection stage"), old.name or none, new.name if new else none, trigger_label,
            )
            if not new or (old and old.days_from >= new.days_from):
                continue
            salesperson = file.partner_id.user_id
            if new.notify_salesperson and salesperson:
                activities.append({
                    "res_model_id": partner_model, "res_id": file.partner_id.id, "activity_type_id": todo_type.id,
                    "user_id": salesperson.id, "automated": True,
                    "summary": self.env._("%(customer)s entered %(stage)s", customer=file.partner_id.name,
                                          stage=new.name),
                    "note": escape(hold_note) if new.credit_hold else False,
                })
            if new.propose_legal_case:
                activities.append({
                    "res_model_id": file_model, "res_id": file.id, "activity_type_id": legal_type.id,
                    "user_id": (file.policy_id.legal_user_id or file.policy_id.supervisor_id or file.user_id
                                or self.env.user).id,
                    "automated": True,
                    "summary": self.env._("Consider a legal case: soft collection has failed"),
                })
        self.browse(list(bodies))._message_log_batch(bodies)
        self._create_activities(activities)

    def _carry_out_actions(self, chased, trigger, today):
        """Calendar actions due today, once per customer, window and period (dedup key in the history)."""
        company = self.env.company
        calendar = company.resource_calendar_id
        working = calendar._works_on_date(today) if calendar else today.weekday() < 5
        candidates = []
        for file, rules, summary in chased:
            for action_id, window, review in rules.windows:
                slot = action_slot(summary["days"], window)
                if slot is None:
                    continue
                start, end = slot_bounds(summary["anchor"], window, slot)
                if not fires_today(today, start, end, lambda _day: working):
                    continue
                candidates.append(self._history_row(
                    company, file, "action", trigger, action_id=action_id, days_overdue=summary["days"],
                    dedup_key=dedup_key(file["partner_id"], company.id, action_id, summary["anchor"], slot),
                    state="to_review" if review else "done",
                ))
        if not candidates:
            return
        history = self.env["collection.history"]
        # Most candidates of a rerun were carried out already: look their keys up before building the INSERT.
        self.env.cr.execute(SQL(
            "SELECT dedup_key FROM collection_history WHERE dedup_key = ANY(%s)",
            [row["dedup_key"] for row in candidates],
        ))
        done = {key for (key,) in self.env.cr.fetchall()}
        candidates = [row for row in candidates if row["dedup_key"] not in done]
        if not candidates:
            return
        inserted = history._insert_rows(candidates, on_conflict_key=True)
        todo = [row for row in candidates if row["dedup_key"] in inserted]
        files = self.browse(row["customer_id"] for row in todo)
        actions = self.env["collection.action"].browse(row["action_id"] for row in todo)
        history.browse(inserted[row["dedup_key"]] for row in todo)._execute(list(zip(files, actions, strict=True)))

    @api.model
    def _create_activities(self, vals_list):
        """Create activities in one batch, without a notification email each.

        Assignees are subscribed first, once per record: mail.activity.create subscribes them per activity and
        fails on two activities of one user on the same record in a batch."""
        if not vals_list:
            return self.env["mail.activity"]
        records_by_model_user = defaultdict(set)
        for vals in vals_list:
            records_by_model_user[(vals["res_model_id"], vals["user_id"])].add(vals["res_id"])
        for (model_id, user_id), res_ids in records_by_model_user.items():
            model = self.env["ir.model"].browse(model_id).sudo().model
            partner = self.env["res.users"].browse(user_id).sudo().partner_id
            self.env[model].sudo().browse(res_ids).message_subscribe(partner_ids=partner.ids)
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _invoice_interest_monthly(self, chased, today):
        """Policies that invoice interest monthly: in the first week of a month, invoice the interest accrued up to
        the end of the previous one on the invoices being chased (once: invoiced interest is linked by date)."""
        if today.day > 7 or not chased:
            return
        policies = self.env["collection.policy"].browse({rules.id for _file, rules, _summary in chased})
        monthly = policies.filtered(lambda p: p.interest_invoicing == "monthly")
        if not monthly:
            return
        month_end = today.replace(day=1) - timedelta(days=1)
        file_ids = [file["id"] for file, rules, _summary in chased if rules.id in monthly.ids]
        moves = self.env["account.move"].search([
            ("collection_customer_id", "in", file_ids), ("collection_pause_id", "=", False),
            ("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("amount_residual", ">", 0),
            ("invoice_date_due", "<", month_end),
            ("collection_interest_invoice_ids", "not any", [("date_to", ">=", month_end)]),
        ])
        moves._collection_invoice_interest(month_end)

    def _quiet_until(self):
        """When the customer's quiet hours end (naive UTC), or None when it may be contacted now."""
        self.ensure_one()
        policy = self.policy_id
        tz = self.partner_id.tz or self.company_id.partner_id.tz
        return quiet_until(
            fields.Datetime.now(), tz,
            policy.quiet_hours_start if policy else 22.0, policy.quiet_hours_end if policy else 8.0,
        )

    def _responsible_user(self, assignee):
        self.ensure_one()
        policy = self.policy_id
        users = {
            "collector": self.user_id or policy.collector_id,
            "supervisor": policy.supervisor_id or self.user_id,
            "legal": policy.legal_user_id or policy.supervisor_id,
            "salesperson": self.partner_id.user_id or self.user_id,
        }
        return users.get(assignee) or self.user_id or policy.supervisor_id or self.env.user


    @api.model
    def _status_domains(self):
        """What a sales rep reads at a glance, as domains in order of precedence: a customer has the first
        status whose domain it matches (the badge), and a search finds exactly those (the filters)."""
        litigation = ["|", ("stage_id.propose_legal_case", "=", True), ("active_pause_ids.reason", "=", "litigation")]
        hold = [("credit_hold", "=", True)]
        paused = [("not_chased_reason", "=", "paused")]
        overdue = [("overdue_count", ">", 0), ("not_chased_reason", "not in", ["covered_by_credit", "below_minimum"])]
        # "!" negates the next term only: a domain of several leaves must be normalised ("&" made explicit) first.
        def negate(domain):
            return expression.distribute_not(["!", *expression.normalize_domain(domain)])

        earlier, domains = [], {}
        for status, domain in (("litigation", litigation), ("hold", hold), ("paused", paused),
                               ("overdue", overdue)):
            domains[status] = expression.AND([domain, *(negate(d) for d in earlier)])
            earlier.append(domain)
        domains["good"] = expression.AND([negate(d) for d in earlier])
        return domains

    def _status(self):
        self.ensure_one()
        return next(status for status, domain in self._status_domains().items() if self.filtered_domain(domain))
