from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.quiet_hours import quiet_until

NOT_CHASED_REASONS = [
    ("paused", "Paused"),
    ("below_minimum", "Below the minimum amount"),
    ("covered_by_credit", "Covered by credit notes or payments"),
    ("nothing_due", "Nothing overdue"),
]



class CollectionCustomer(models.Model):
    """A customer's collection file in one company: its stage, figures and calendar.

    The daily escalation (collection.escalation) keeps these rows right in bulk; res.partner shows the file of
    the current company."""

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
    chased_since = fields.Date(
        readonly=True, copy=False,
        help="First day of the current episode's calendar actions; empty for a customer not chased since it last "
        "had nothing overdue (its chasing starts at the beginning of the letter sequence).",
    )
    peak_days = fields.Integer(
        string="Most Days Overdue This Episode", readonly=True, copy=False,
        help="The calendar does not go back below this: windows it has passed are not done again.",
    )
    peak_stage_id = fields.Many2one(
        "collection.stage", string="Furthest Stage This Episode", readonly=True, copy=False,
        help="Salespeople and the legal team are told when the customer enters a stage beyond this one.",
    )
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
        # a branch works with its parent's ladder: the policies of every company up the chain
        policies = self.env["collection.policy"].search([("company_id", "parent_of", self.env.companies.ids)])
        return stages.search([("policy_id", "in", policies.ids)])

    # === Actions === #
    def action_escalate_now(self):
        """Escalate the chosen customers at once, inside the user's request (the only action that does)."""
        self.check_access("write")
        self._escalate(trigger="manual")
        return True

    @api.model
    def action_run_escalation(self):
        """Start the scheduled action now, in the background, and say so: the run goes batch after batch in the
        cron worker, not inside the user's request."""
        self.check_access("write")
        cron = self.env.ref("account_collection_litigation.ir_cron_collection_escalate")
        cron.sudo()._trigger()
        todo = self.env["collection.escalation"].sudo()._count_files_to_check()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Daily escalation started"),
                "message": self.env._(
                    "The scheduled action %(cron)s runs in the background: %(count)s customers to look at. "
                    "Their files are up to date within a few minutes.", cron=cron.sudo().name, count=todo,
                ) if todo else self.env._(
                    "The scheduled action %(cron)s was started; every customer was already escalated today.",
                    cron=cron.sudo().name,
                ),
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
        """The daily escalation: one batch per call (see collection.escalation)."""
        return self.env["collection.escalation"]._run_batch(batch_size=batch_size)

    # === Business === #
    def _escalate(self, trigger="cron", today=None):
        self.env["collection.escalation"]._escalate(self, trigger=trigger, today=today)

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
        # A bad-faith debtor is prepayment only, overdue or not: it reads Blacklisted unless it is in litigation.
        blacklisted = [("blacklisted", "=", True)]
        hold = [("credit_hold", "=", True)]
        paused = [("not_chased_reason", "=", "paused")]
        overdue = [("overdue_count", ">", 0), ("not_chased_reason", "not in", ["covered_by_credit", "below_minimum"])]
        # "!" negates the next term only: a domain of several leaves must be normalised ("&" made explicit) first.
        def negate(domain):
            return expression.distribute_not(["!", *expression.normalize_domain(domain)])

        earlier, domains = [], {}
        for status, domain in (("litigation", litigation), ("blacklisted", blacklisted), ("hold", hold),
                               ("paused", paused), ("overdue", overdue)):
            domains[status] = expression.AND([domain, *(negate(d) for d in earlier)])
            earlier.append(domain)
        domains["good"] = expression.AND([negate(d) for d in earlier])
        return domains

    def _status(self):
        self.ensure_one()
        return next(status for status, domain in self._status_domains().items() if self.filtered_domain(domain))
