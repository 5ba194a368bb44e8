from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_index

HISTORY_EVENTS = [
    ("stage", "Stage change"),
    ("action", "Calendar action"),
    ("pause", "Paused"),
    ("resume", "Resumed"),
    ("promise_broken", "Promise broken"),
    ("promise_kept", "Promise kept"),
    ("waiver", "Interest waived"),
    ("waiver_reversed", "Interest waiver reversed"),
    ("contact", "Contact"), ("plan_broken", "Payment plan broken"), ("approval", "Approval"), ("override", "Override"),
]
HISTORY_TRIGGERS = [
    ("cron", "Daily escalation"),
    ("manual", "Manual"),
    ("payment", "Payment"),
    ("policy", "Policy change"),
]
ACTION_STATES = [
    ("done", "Done"),
    ("to_review", "Waiting for review"),
    ("deferred", "Deferred (quiet hours)"),
    ("cancelled", "Cancelled"),
]
INSERT_COLUMNS = ["company_id", "customer_id", "partner_id", "move_id", "event", "trigger", "stage_from_id",
                  "stage_to_id", "action_id", "days_overdue", "dedup_key", "state", "note"]
# Only the delivery state of an action moves after the fact; everything else is evidence.
MUTABLE_FIELDS = {"state", "scheduled_at", "mail_id", "activity_id", "reviewed_by_id"}


HISTORY_COLUMN_TYPES = {"event": "varchar", "trigger": "varchar", "dedup_key": "varchar", "state": "varchar",
                        "note": "text"}


class CollectionHistory(models.Model):
    """Immutable log of every stage change and every calendar action carried out.

    Rows are written in bulk by the escalation (one INSERT per batch) and kept out of mail.message, which
    costs a query per row; customer-level changes are also summarised in the customer file's chatter."""

    _name = "collection.history"
    _description = "Collection History"
    _order = "date desc, id desc"
    _rec_name = "event"
    _check_company_auto = True

    # === Fields === #
    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    customer_id = fields.Many2one("collection.customer", string="Customer File", readonly=True, index=True,
                                  ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, index="btree_not_null")
    event = fields.Selection(HISTORY_EVENTS, required=True, readonly=True)
    trigger = fields.Selection(HISTORY_TRIGGERS, required=True, readonly=True, default="manual")
    stage_from_id = fields.Many2one("collection.stage", string="From Stage", readonly=True)
    stage_to_id = fields.Many2one("collection.stage", string="To Stage", readonly=True)
    action_id = fields.Many2one("collection.action", string="Calendar Action", readonly=True, index="btree_not_null")
    action_type = fields.Selection(related="action_id.action_type")
    days_overdue = fields.Integer(readonly=True)
    dedup_key = fields.Char(readonly=True, copy=False,
                            help="Identifies a calendar action for one customer, episode and period.")
    user_id = fields.Many2one("res.users", string="By", readonly=True, default=lambda self: self.env.user)
    note = fields.Text(readonly=True)
    state = fields.Selection(ACTION_STATES, readonly=True)
    scheduled_at = fields.Datetime(readonly=True, help="When a deferred email or SMS may go out.")
    mail_id = fields.Many2one("mail.mail", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    reviewed_by_id = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [
        ("dedup_key_unique", "UNIQUE(dedup_key)", "This calendar action was already carried out."),
    ]

    def init(self):
        res = super().init()
        # Every escalation batch looks for SMS whose quiet hours are over; they are few in a large history.
        create_index(self.env.cr, "collection_history_deferred_idx", self._table, ["scheduled_at"],
                     where="state = 'deferred'")
        return res

    # === CRUD === #
    def write(self, vals):
        if set(vals) - MUTABLE_FIELDS:
            raise UserError(self.env._("The collection history is evidence: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("The collection history is evidence: it cannot be deleted."))

    # === Actions === #
    def action_approve_send(self):
        """Approve emails of the review queue and send them (outside quiet hours)."""
        self.env["collection.customer"].check_access("write")
        queued = self.filtered(lambda h: h.state == "to_review")
        if not queued:
            raise UserError(self.env._("Select emails that wait for review."))
        queued.sudo()._send_email(reviewer=self.env.user)
        return True

    def action_cancel(self):
        self.env["collection.customer"].check_access("write")
        self.filtered(lambda h: h.state in ("to_review", "deferred")).sudo().write({"state": "cancelled"})
        return True

    # === Business === #
    @api.model
    def _insert_rows(self, rows, on_conflict_key=False):
        """Insert history rows in one statement.

        With on_conflict_key, rows whose dedup key exists already are skipped (an action carried out before,
        or by a concurrent run) and {dedup_key: id} of the inserted ones is returned."""
        if not rows:
            return {}
        # The ORM's False for an empty link is SQL's NULL.
        values = [tuple(None if row.get(col) is False else row.get(col) for col in INSERT_COLUMNS) for row in rows]
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_history (date, user_id, create_uid, write_uid, create_date, write_date, %(cols)s)
            SELECT now() at time zone 'UTC', %(uid)s, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC', %(casts)s
              FROM (VALUES %(rows)s) AS v(%(cols)s)
            %(conflict)s
            RETURNING id, dedup_key
            """,
            cols=SQL(", ").join(SQL.identifier(col) for col in INSERT_COLUMNS),
            casts=SQL(", ").join(
                SQL("v.%s::%s", SQL.identifier(col), SQL(HISTORY_COLUMN_TYPES.get(col, "int4")))
                for col in INSERT_COLUMNS
            ),
            rows=SQL(", ").join(SQL("%s", row) for row in values),
            uid=self.env.uid,
            conflict=SQL("ON CONFLICT (dedup_key) DO NOTHING") if on_conflict_key else SQL(),
        ))
        inserted = {key: hid for hid, key in self.env.cr.fetchall()}
        # New rows behind the ORM's back: the cached history lists of customers and invoices are stale.
        self.env["collection.customer"].invalidate_model(["history_ids"])
        self.env["account.move"].invalidate_model(["collection_history_ids"])
        return inserted

    def _execute(self, file_actions):
        """Carry out freshly logged calendar actions; self[i] is the history row of file_actions[i]."""
        activity_rows = []
        for row, (file, action) in zip(self, file_actions, strict=True):
            if action.action_type in ("activity", "letter"):
                activity_rows.append((row, file, action))
            elif action.action_type == "email" and row.state == "done":
                row._send_email()
            elif action.action_type == "sms":
                row._send_sms()
        self._create_activities(activity_rows)

    def _create_activities(self, activity_rows):
        """One batched create; a follow-up still open from the same action is moved to today instead."""
        if not activity_rows:
            return
        today = fields.Date.context_today(self)
        files = self.env["collection.customer"].union(*(file for _row, file, _action in activity_rows))
        self.env.cr.execute(SQL(
            """
            SELECT h.customer_id, h.action_id, max(h.activity_id)
              FROM collection_history h JOIN mail_activity a ON a.id = h.activity_id
             WHERE h.customer_id IN %s GROUP BY h.customer_id, h.action_id
            """,
            tuple(files.ids),
        ))
        open_activity = {(cid, aid): act for cid, aid, act in self.env.cr.fetchall()}
        letter_type = self.env.ref("account_collection_litigation.mail_activity_type_collection_letter")
        model_id = self.env["ir.model"]._get_id("collection.customer")
        letter_kinds = dict(self.env["collection.action"]._fields["letter_kind"]._description_selection(self.env))
        to_create, created_for, reused = [], [], defaultdict(list)
        for row, file, action in activity_rows:
            existing = open_activity.get((file.id, action.id))
            if existing:
                reused[existing].append(row)
                continue
            if action.action_type == "letter":
                activity_type = letter_type
                summary = self.env._("Letter to send: %(kind)s", kind=letter_kinds.get(action.letter_kind))
            else:
                activity_type = action.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
                summary = action.name
            to_create.append({
                "res_model_id": model_id, "res_id": file.id, "activity_type_id": activity_type.id,
                "user_id": file._responsible_user(action.assignee).id, "date_deadline": today,
                "summary": summary, "automated": True,
            })
            created_for.append(row)
        activities = self.env["collection.customer"]._create_activities(to_create)
        if reused:
            self.env["mail.activity"].browse(list(reused)).sudo().write({"date_deadline": today})
        pairs = [(row.id, act.id) for row, act in zip(created_for, activities, strict=True)]
        pairs += [(row.id, act_id) for act_id, rows in reused.items() for row in rows]
        self.env["collection.customer"]._bulk_update("collection.history", ["activity_id"], pairs)

    def _send_sms(self):
        for row in self:
            customer = row.customer_id
            send_at = customer._quiet_until()
            if send_at:
                row.write({"state": "deferred", "scheduled_at": send_at})
                self.env.ref("account_collection_litigation.ir_cron_collection_escalate")._trigger(at=send_at)
                continue
            partner = customer.partner_id
            number = partner.mobile or partner.phone
            if not number:
                row.write({"state": "cancelled"})
                continue
            body = row.action_id.sms_template_id._render_field("body", customer.ids)[customer.id]
            self.env["sms.sms"].sudo().create({"number": number, "partner_id": partner.id, "body": body})
            row.write({"state": "done"})

    @api.model
    def _send_deferred(self):
        """Send the SMS held back by quiet hours whose time has come."""
        self.search([("state", "=", "deferred"), ("scheduled_at", "<=", fields.Datetime.now())])._send_sms()

    def _send_email(self, reviewer=None):
        """Send the action's email now, or schedule it for the end of the customer's quiet hours."""
        for row in self:
            customer = row.customer_id
            send_at = customer._quiet_until()
            mail_id = row.action_id.mail_template_id.send_mail(
                customer.id,
                email_values={"scheduled_date": send_at} if send_at else None,
            )
            row.write({
                "state": "done",
                "mail_id": mail_id,
                "scheduled_at": send_at,
                "reviewed_by_id": reviewer.id if reviewer else False,
            })
