from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare

PAUSE_REASONS = [
    ("excluded", "Excluded by a user"),
    ("dispute", "Disputed"),
    ("promise", "Promise to pay"),
    ("payment_plan", "Payment plan"),
    ("litigation", "In litigation"),
    ("group", "Group pause"),
]
PAUSE_STATES = [
    ("active", "Active"),
    ("ended", "Ended"),
    ("kept", "Promise kept"),
    ("broken", "Promise broken"),
]


class CollectionPause(models.Model):
    """The one mechanism that stops chasing: a customer (all its invoices) or some of its invoices, for a
    reason, from a date, until a date or until resumed. Disputes, promises, plans and cases only set these."""

    _name = "collection.pause"
    _description = "Collection Pause"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    # === Fields === #
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    customer_id = fields.Many2one("collection.customer", check_company=True,
                                  string="Customer File", readonly=True, index=True)
    move_ids = fields.Many2many(
        "account.move", "collection_pause_move_rel", "pause_id", "move_id", string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
        help="Leave empty to pause every invoice of the customer.",
    )
    reason = fields.Selection(PAUSE_REASONS, required=True, default="excluded", tracking=True)
    note = fields.Text()
    user_id = fields.Many2one("res.users", string="Paused By", readonly=True, default=lambda self: self.env.user)
    date_from = fields.Date(required=True, tracking=True,
                            default=lambda self: self.env["collection.escalation"]._today())
    date_to = fields.Date(string="Until", tracking=True, help="Chasing resumes by itself after this day.")
    state = fields.Selection(PAUSE_STATES, required=True, default="active", readonly=True, tracking=True)
    ended_on = fields.Date(readonly=True)
    ended_by_id = fields.Many2one("res.users", readonly=True)
    promise_amount = fields.Monetary(string="Promised Amount")
    promise_ids = fields.One2many("collection.promise", "pause_id", string="Promises")
    amount_at_start = fields.Monetary(string="Open When Paused", readonly=True)
    group_pause_id = fields.Many2one("collection.group.pause", check_company=True,
                                     readonly=True, index="btree_not_null",
                                     ondelete="cascade")

    _sql_constraints = [
        ("dates_ordered", "CHECK(date_to IS NULL OR date_to >= date_from)", "A pause cannot end before it starts."),
        ("promise_amount_positive", "CHECK(promise_amount IS NULL OR promise_amount >= 0)",
         "A promised amount cannot be negative."),
    ]

    # === Compute === #
    @api.depends("partner_id.name", "reason")
    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for pause in self:
            pause.display_name = f"{pause.partner_id.name or ''} · {reasons.get(pause.reason, '')}"

    # === Constraints === #
    @api.constrains("reason", "date_to", "move_ids", "partner_id")
    def _check_pause(self):
        for pause in self:
            if pause.reason in ("promise", "group") and not pause.date_to:
                raise ValidationError(self.env._("A promise to pay or a group pause needs an end date."))
            if pause.move_ids.commercial_partner_id - pause.partner_id:
                raise ValidationError(self.env._("A pause only covers invoices of its own customer."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        pauses = super().create(vals_list)
        files = self.env["collection.customer"]._ensure_files(
            {(p.partner_id.id, p.company_id.id) for p in pauses}
        )
        file_by_key = {(f.partner_id.id, f.company_id.id): f for f in files}
        open_amounts = pauses._open_amounts()
        for pause in pauses:
            pause.customer_id = file_by_key[(pause.partner_id.id, pause.company_id.id)]
            pause.amount_at_start = open_amounts[pause.id]
            if pause.reason == "promise" and not pause.promise_amount:
                pause.promise_amount = pause.amount_at_start
        pauses._log_history("pause")
        # Chasing stops with the next run (triggered now), not inside the user's request.
        pauses.customer_id._mark_to_recheck()
        return pauses

    # === Actions === #
    def action_resume(self):
        active = self.filtered(lambda p: p.state == "active")
        if not active:
            raise UserError(self.env._("Only active pauses can be resumed."))
        active._end("ended")
        active.customer_id._mark_to_recheck()
        return True

    @api.model
    def _action_open_wizard(self, partners=None, moves=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_pause_wizard_action"
        )
        action["context"] = {
            "default_partner_ids": (partners or self.env["res.partner"]).commercial_partner_id.ids,
            "default_move_ids": (moves or self.env["account.move"]).ids,
        }
        return action

    # === Business === #
    def _open_amounts(self):
        """{pause id: what its invoices still owe, in company currency}, for a whole group pause in one read."""
        whole_customer = self.filtered(lambda p: not p.move_ids)
        owed = {}
        if whole_customer:
            groups = self.env["account.move"]._read_group(
                [*self.env["account.move"]._collection_open_domain(),
                 ("commercial_partner_id", "in", whole_customer.partner_id.ids),
                 ("company_id", "in", whole_customer.company_id.ids)],
                ["commercial_partner_id", "company_id"], ["amount_residual_signed:sum"],
            )
            owed = {(partner.id, company.id): amount for partner, company, amount in groups}
        return {
            pause.id: sum(pause.move_ids._collection_open().mapped("amount_residual_signed"))
            if pause.move_ids else owed.get((pause.partner_id.id, pause.company_id.id), 0.0)
            for pause in self
        }

    def _end(self, state, note=None):
        for company, pauses in self.grouped("company_id").items():
            pauses.write({"state": state, "ended_on": self.env["collection.escalation"]._today(company),
                          "ended_by_id": self.env.user.id})
        event = {"ended": "resume", "kept": "promise_kept", "broken": "promise_broken"}[state]
        self._log_history(event, note=note)
        # a promise's outcome is the outcome of the pause that carries it
        self.promise_ids._record_outcome(state)

    def _log_history(self, event, note=None):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        self.env["collection.history"]._log(
            self, event, note=lambda p: note or f"{reasons[p.reason]}: {p.note or ''}".strip(" :"))

    @api.model
    def _fetch_active(self, company, partner_ids, today):
        """Pauses in force today for these customers, keyed (partner_id, move_id) or (partner_id, None) for a
        whole customer: a plain read. A pause past its end date is in force until `_close_expired` ends it (a
        promise stays in force during its grace period)."""
        self.flush_model()   # `_close_expired` may just have ended some
        self.env.cr.execute(SQL(
            """
            SELECT p.id, p.partner_id, p.reason, array_remove(array_agg(r.move_id), NULL)
              FROM collection_pause p LEFT JOIN collection_pause_move_rel r ON r.pause_id = p.id
             WHERE p.company_id = %s AND p.partner_id IN %s AND p.state = 'active' AND p.date_from <= %s
             GROUP BY p.id
            """,
            company.id, partner_ids, today,
        ))
        active = {}
        for pid, partner_id, reason, move_ids in self.env.cr.fetchall():
            for move_id in move_ids or [None]:
                active[(partner_id, move_id)] = {"id": pid, "reason": reason}
        return active

    @api.model
    def _next_change_days(self, company, partner_ids, today):
        """{partner_id: the first day after today on which a pause of the customer starts or is past its end},
        over the pauses in force or to come (the day the escalation has to look at the customer again)."""
        self.env.cr.execute(SQL(
            """
            SELECT partner_id, LEAST(min(date_from) FILTER (WHERE date_from > %(today)s), min(date_to) + 1)
              FROM collection_pause
             WHERE company_id = %(company)s AND partner_id IN %(partners)s AND state = 'active'
             GROUP BY partner_id
            """,
            company=company.id, partners=partner_ids, today=today,
        ))
        return dict(self.env.cr.fetchall())

    @api.model
    def _close_expired(self, company, partner_ids, today, invoices, policy_of):
        """End the pauses of these customers past their end date (the escalation's first write, before it reads
        the pauses in force): a promise once its grace period (of the customer's policy, `policy_of`) is over,
        kept or broken by what was paid on `invoices`; a broken promise tells the customer's collector."""
        self.flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT p.id, p.partner_id, p.reason, p.date_to, p.promise_amount, p.amount_at_start,
                   array_remove(array_agg(r.move_id), NULL)
              FROM collection_pause p LEFT JOIN collection_pause_move_rel r ON r.pause_id = p.id
             WHERE p.company_id = %s AND p.partner_id IN %s AND p.state = 'active' AND p.date_to < %s
             GROUP BY p.id
            """,
            company.id, partner_ids, today,
        ))
        policies = self.env["collection.policy"].browse(set(policy_of.values()))
        currency = company.currency_id
        for pid, partner_id, reason, date_to, promised, at_start, move_ids in self.env.cr.fetchall():
            pause = self.browse(pid)
            if reason != "promise":
                pause._end("ended", note=self.env._("Ended on its end date."))
                continue
            policy = policies.browse(policy_of.get(partner_id)) or policies.new({})   # the policy's defaults
            if (today - date_to).days <= policy.promise_grace_days:
                continue   # still within the grace period: keep pausing
            residual = sum(inv["residual"] for inv in invoices if inv["partner_id"] == partner_id
                           and inv["is_open"] and (not move_ids or inv["id"] in move_ids))
            paid = (at_start or 0.0) - residual
            if float_compare(paid, promised or 0.0, precision_rounding=currency.rounding) >= 0:
                pause._end("kept", note=self.env._("Paid %(paid)s as promised.", paid=currency.format(paid)))
                continue
            pause._end("broken", note=self.env._("Promised %(promised)s by %(date)s, paid %(paid)s.",
                                        promised=currency.format(promised or 0.0), date=date_to,
                                        paid=currency.format(paid)))
            file = pause.customer_id
            file.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                # the file's collector, else its policy's: a file no run has looked at yet has neither stored
                user_id=(file.user_id or policy.collector_id or file._responsible_user("collector")).id,
                summary=self.env._("Promise broken: escalation resumes"),
            )
