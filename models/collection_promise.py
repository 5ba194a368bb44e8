from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

PROMISE_STATES = [
    ("proposed", "Proposed by the customer"),
    ("open", "Open"),
    ("kept", "Kept"),
    ("partial", "Partly kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
    ("refused", "Refused"),
]


class CollectionPromise(models.Model):
    """A promise to pay: an amount by a date, for some invoices or the whole customer.

    It is carried by the engine's one pause mechanism (a collection.pause of reason 'promise'): the escalation
    decides when it is kept or broken, after the policy's grace days; the promise records what came of it."""

    _name = "collection.promise"
    _description = "Promise to Pay"
    _inherit = ["collection.customer.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    currency_id = fields.Many2one(related="company_id.currency_id")
    contact_id = fields.Many2one("collection.contact", index="btree_not_null", ondelete="set null",
                                 check_company=True, string="Made During")
    user_id = fields.Many2one("res.users", string="Collector", required=True, default=lambda self: self.env.user)
    amount = fields.Monetary(string="Promised Amount", required=True, help="In the company's currency.")
    date = fields.Date(string="Promised By", required=True)
    is_due_today = fields.Boolean(string="Due Today", compute="_compute_is_due_today", search="_search_is_due_today",
                                  help="Falls due today on the company's clock.")
    move_ids = fields.Many2many(
        "account.move", "collection_promise_move_rel", "promise_id", "move_id", string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
        help="Leave empty: the promise covers the whole customer.",
    )
    note = fields.Text()
    pause_id = fields.Many2one("collection.pause", readonly=True, index="btree_not_null", ondelete="restrict",
                               check_company=True)
    state = fields.Selection(PROMISE_STATES, required=True, default="open", readonly=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True, help="Paid by the end of the grace period.")
    proposal_activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null", copy=False,
                                           help="The collector's activity to accept or refuse a proposed promise.")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A promised amount is positive."),
    ]

    # === Compute === #
    @api.depends("currency_id", "amount", "date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(amount)s by %(date)s", amount=promise.currency_id.format(promise.amount),
                date=fields.Date.to_string(promise.date) if promise.date else "",
            )

    @api.depends("date", "company_id")
    def _compute_is_due_today(self):
        escalation = self.env["collection.escalation"]
        for promise in self:
            promise.is_due_today = promise.date == escalation._today(promise.company_id)

    def _search_is_due_today(self, operator, value):
        return self.env["collection.escalation"]._company_day_search("date", "=", operator, value)

    # === Constraints === #
    @api.constrains("move_ids", "customer_id")
    def _check_moves(self):
        for promise in self:
            if promise.move_ids.commercial_partner_id - promise.partner_id:
                raise ValidationError(self.env._("A promise only covers invoices of its own customer."))

    @api.constrains("date")
    def _check_date_not_past(self):
        escalation = self.env["collection.escalation"]
        if any(promise.state in ("open", "proposed") and promise.date < escalation._today(promise.company_id)
               for promise in self):
            raise ValidationError(self.env._("A promise to pay falls due today or later."))

    @api.constrains("contact_id")
    def _check_contact(self):
        if any(promise.contact_id.person == "third_party" for promise in self):
            raise ValidationError(self.env._("Only the customer promises to pay, not a third party."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)   # _check_date_not_past refuses a date in the past
        promises.filtered(lambda p: p.state == "open")._start()
        for promise in promises.filtered(lambda p: p.state == "proposed"):
            today = self.env["collection.escalation"]._today(promise.company_id)
            # made by the customer on the portal: it waits in the collector's worklist for acceptance
            promise.proposal_activity_id = promise.customer_id.sudo().activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=today, user_id=promise.user_id.id,
                summary=self.env._("Accept or refuse the promise: %(promise)s", promise=promise.display_name),
                note=promise.note or "",
            )
        return promises

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("A promise to pay is evidence: cancel it instead of deleting it."))

    # === Actions === #
    def action_accept(self):
        """Accept promises the customer proposed: from now on they pause chasing as any promise does."""
        self.env["collection.customer"].check_access("write")
        proposed = self.filtered(lambda p: p.state == "proposed")
        if not proposed:
            raise UserError(self.env._("Only a promise the customer proposed waits for acceptance."))
        if any(promise.date < self.env["collection.escalation"]._today(promise.company_id) for promise in proposed):
            raise UserError(self.env._("The promised date has passed: refuse the promise instead."))
        proposed.write({"state": "open", "user_id": self.env.user.id})
        proposed._start()
        proposed._close_proposal_activities()
        return True

    def action_refuse(self):
        self.env["collection.customer"].check_access("write")
        proposed = self.filtered(lambda p: p.state == "proposed")
        proposed.write({"state": "refused"})
        proposed._close_proposal_activities()
        return True

    def action_cancel(self):
        """Withdraw open promises: their pause ends and chasing resumes."""
        open_promises = self.filtered(lambda p: p.state == "open")
        open_promises.pause_id.filtered(lambda p: p.state == "active").action_resume()
        open_promises.write({"state": "cancelled"})
        return True

    # === Business === #
    def _start(self):
        """The promises take effect: a pause of their invoices until the promised day, and a reminder on it."""
        pauses = self.env["collection.pause"].create([{
            "partner_id": promise.partner_id.id, "company_id": promise.company_id.id, "reason": "promise",
            "move_ids": [fields.Command.set(promise.move_ids.ids)], "date_to": promise.date,
            "promise_amount": promise.amount, "note": promise.note or promise.contact_id.note or promise.display_name,
        } for promise in self])
        for promise, pause in zip(self, pauses, strict=True):
            promise.pause_id = pause
            # the brief: a promise comes with a follow-up reminder on its date
            promise.customer_id.sudo().activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=promise.date, user_id=promise.user_id.id,
                summary=self.env._("Promised today: %(promise)s", promise=promise.display_name),
            )

    def _close_proposal_activities(self):
        self.sudo().proposal_activity_id.action_feedback(
            feedback=self.env._("Answered by %(user)s", user=self.env.user.name))

    def _record_outcome(self, pause_state):
        """The engine ended the promises' pauses: record what was paid, and kept, partly kept or broken."""
        pauses = self.pause_id
        open_now = pauses._open_amounts()
        for promise in self.filtered(lambda p: p.state == "open"):
            pause = promise.pause_id
            paid = max(0.0, (pause.amount_at_start or 0.0) - open_now.get(pause.id, 0.0))
            if pause_state == "kept":
                state = "kept"
            elif pause_state == "broken":
                rounding = promise.currency_id.rounding
                state = "partial" if float_compare(paid, 0.0, precision_rounding=rounding) > 0 else "broken"
            else:
                state = "cancelled"
            promise.write({"state": state, "amount_paid": paid})

