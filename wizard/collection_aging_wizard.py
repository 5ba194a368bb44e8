from odoo import api, fields, models
from odoo.exceptions import AccessError

AGING_COLUMNS = ("not_due", "b1_30", "b31_60", "b61_90", "b90_plus", "credit", "total")


class CollectionAgingWizard(models.TransientModel):
    """Aged receivables by customer as of a chosen day, printed; its totals tie to the receivable accounts."""

    _name = "collection.aging.wizard"
    _description = "Collection: Print Aged Receivables"
    _check_company_auto = True

    # === Fields === #
    date = fields.Date(string="As of", required=True,
                       default=lambda self: self.env["collection.escalation"]._today())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 domain=lambda self: [("id", "in", self.env.companies.ids)])
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_ids = fields.Many2many("res.partner", string="Customers",
                                   help="Leave empty for every customer with receivables.")

    # === Actions === #
    def action_print(self):
        self.ensure_one()
        return self.env.ref("account_collection_litigation.action_report_collection_aging").report_action(self)

    # === Business === #
    def _aging_report_data(self):
        """Rows per customer, their totals, and the receivable accounts' balance they must tie to."""
        self.ensure_one()
        if self.company_id not in self.env.companies:
            raise AccessError(self.env._("You cannot print the receivables of %s.", self.company_id.name))
        self.env["account.move"]._collection_check_team()
        ledger = self.env["collection.ledger"]
        partner_ids = self.partner_ids.commercial_partner_id.ids or None
        rows = ledger._aging_as_of(self.company_id, self.date, partner_ids)
        partners = self.env["res.partner"].sudo().browse([row["partner_id"] for row in rows if row["partner_id"]])
        names = {partner.id: partner.display_name for partner in partners}
        for row in rows:
            row["name"] = names.get(row["partner_id"]) or self.env._("(no customer)")
        rows.sort(key=lambda row: (row["partner_id"] is None, row["name"].lower()))
        totals = {column: sum(row[column] for row in rows) for column in AGING_COLUMNS}
        balance = ledger._receivable_balance(self.company_id, self.date, partner_ids)
        return {
            "rows": rows, "totals": totals, "balance": balance,
            "ties": self.currency_id.is_zero(totals["total"] - balance),
        }

    @api.model
    def _aging_columns(self):
        return [
            ("not_due", self.env._("Not due")), ("b1_30", self.env._("1-30")), ("b31_60", self.env._("31-60")),
            ("b61_90", self.env._("61-90")), ("b90_plus", self.env._("Over 90")),
            ("credit", self.env._("Unapplied credits")), ("total", self.env._("Balance")),
        ]
