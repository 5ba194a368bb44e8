from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CollectionInterestWaiver(models.Model):
    """Interest and compensation given up on one invoice: a record kept in the history, reversible; above the
    policy's limit it waits for a collection manager."""

    _name = "collection.interest.waiver"
    _description = "Interest Waiver"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade",
                              check_company=True, domain=[("move_type", "=", "out_invoice"), ("state", "=", "posted")])
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, string="Customer")
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(help="Amount waived; leave empty to waive a share instead.")
    share = fields.Float(string="Share (%)", digits=(5, 2), help="Share of the interest and compensation waived.")
    reason = fields.Text(required=True)
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True, default=lambda self: self.env.user)
    state = fields.Selection([("to_approve", "To approve"), ("approved", "Approved"), ("reversed", "Reversed")],
                             required=True, readonly=True, default="approved", tracking=True)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approved_on = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A waived amount cannot be negative."),
        ("share_range", "CHECK(share >= 0 AND share <= 100)", "A waived share lies between 0 and 100%."),
    ]

    @api.constrains("amount", "share")
    def _check_amount_or_share(self):
        for waiver in self:
            if bool(waiver.amount) == bool(waiver.share):
                raise ValidationError(self.env._("Waive either an amount or a share, not both, not neither."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        waivers = super().create(vals_list)
        is_manager = self.env.user.has_group("account_collection_litigation.group_collection_manager")
        for waiver in waivers:
            if waiver._needs_manager() and not is_manager:
                waiver.state = "to_approve"
            else:
                waiver.write({"approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now()})
        waivers._log("waiver")
        return waivers

    # === Actions === #
    def action_approve(self):
        if not self.env.user.has_group("account_collection_litigation.group_collection_manager"):
            raise UserError(self.env._("Only a collection manager approves an interest waiver above the limit."))
        pending = self.filtered(lambda w: w.state == "to_approve")
        pending.write({"state": "approved", "approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now()})
        pending._log("waiver", note=self.env._("Approved"))
        return True

    def action_reverse(self):
        self.env["collection.customer"].check_access("write")
        active = self.filtered(lambda w: w.state != "reversed")
        active.write({"state": "reversed"})
        active._log("waiver_reversed")
        return True

    # === Business === #
    def _value(self, claim):
        """The amount this waiver takes off a claim (interest plus compensation) in the invoice currency."""
        self.ensure_one()
        return min(claim, self.amount) if self.amount else claim * self.share / 100

    def _needs_manager(self):
        self.ensure_one()
        move = self.move_id
        limit = move._collection_policy().interest_waiver_limit
        claim = move._collection_interest(fields.Date.context_today(self))[move.id]["gross"]
        value = move.currency_id._convert(self._value(claim), move.company_id.currency_id, move.company_id,
                                          fields.Date.context_today(self))
        return value > limit

    def _log(self, event, note=None):
        files = self.move_id._collection_files()
        file_of = {(f.partner_id.id, f.company_id.id): f.id for f in files}
        self.env["collection.history"].sudo().create([{
            "company_id": w.company_id.id, "customer_id": file_of.get((w.partner_id.id, w.company_id.id)),
            "partner_id": w.partner_id.id, "move_id": w.move_id.id, "event": event, "trigger": "manual",
            "note": note or (f"{w.currency_id.format(w.amount)}" if w.amount else f"{w.share:g}%")
            + f" · {w.reason}",
        } for w in self])
