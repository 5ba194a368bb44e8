from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.collection_pause import PAUSE_REASONS


class CollectionPauseWizard(models.TransientModel):
    """Pause chasing for customers or invoices picked in a list: one pause per customer and company."""

    _name = "collection.pause.wizard"
    _description = "Pause Collection"

    partner_ids = fields.Many2many("res.partner", string="Customers")
    move_ids = fields.Many2many("account.move", string="Invoices")
    # every reason a user may pause for (a group pause comes from its own record)
    reason = fields.Selection([r for r in PAUSE_REASONS if r[0] != "group"], required=True, default="excluded")
    title = fields.Char(compute="_compute_title")
    date_to = fields.Date(string="Until")
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    promise_amount = fields.Monetary(string="Promised Amount", help="In the company's currency. Leave empty: "
                                     "everything that is open.")
    note = fields.Text(required=True)

    @api.depends("move_ids")
    def _compute_currency_id(self):
        # A pause (and its promise) is kept in the currency of the company of the invoices it covers.
        for wizard in self:
            wizard.currency_id = (wizard.move_ids.company_id[:1] or self.env.company).currency_id

    @api.depends("reason")
    def _compute_title(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for wizard in self:
            wizard.title = self.env._("Pause: %(reason)s", reason=reasons.get(wizard.reason, ""))

    @api.onchange("reason")
    def _onchange_reason(self):
        if self.reason == "promise" and not self.date_to:
            today = self.env["collection.escalation"]._today(self.move_ids.company_id[:1])
            self.date_to = fields.Date.add(today, days=7)

    def action_confirm(self):
        self.ensure_one()
        self.env["collection.customer"].check_access("write")
        groups = {}
        for move in self.move_ids:
            groups.setdefault((move.commercial_partner_id, move.company_id), self.env["account.move"])
            groups[(move.commercial_partner_id, move.company_id)] |= move
        for partner in self.partner_ids.commercial_partner_id:
            groups.setdefault((partner, self.env.company), self.env["account.move"])
        if not groups:
            raise UserError(self.env._("Select the customers or invoices to pause."))
        pauses = self.env["collection.pause"].create([{
            "partner_id": partner.id, "company_id": company.id, "move_ids": [fields.Command.set(moves.ids)],
            "reason": self.reason, "date_to": self.date_to, "note": self.note,
            "promise_amount": self.promise_amount if len(groups) == 1 else 0.0,
        } for (partner, company), moves in groups.items()])
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.pause",
            "view_mode": "list,form",
            "domain": [("id", "in", pauses.ids)],
            "name": self.env._("Pauses"),
        }
