from odoo import api, fields, models
from odoo.exceptions import ValidationError

COST_KINDS = [
    ("lawyer", "Lawyer fees"),
    ("court", "Court fees"),
    ("preservation", "Preservation fees"),
    ("enforcement", "Enforcement fees"),
    ("other", "Other"),
]
ADVANCED_BY = [
    ("company", "Our company"),
    ("lawyer", "The lawyer"),
    ("other", "Someone else"),
]


class CollectionCaseCost(models.Model):
    """A cost of a legal case. From a vendor bill it takes the bill's amount (linked, never re-typed)."""

    _name = "collection.case.cost"
    _description = "Legal Case Cost"
    _order = "case_id, date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id", store=True)
    kind = fields.Selection(COST_KINDS, required=True, default="court")
    name = fields.Char(string="Description", required=True)
    date = fields.Date(required=True, default=lambda self: self.env["collection.escalation"]._today())
    bill_id = fields.Many2one(
        "account.move", string="Vendor Bill", index="btree_not_null", check_company=True, ondelete="restrict",
        domain="[('move_type', '=', 'in_invoice'), ('state', '=', 'posted')]",
        help="The amount comes from the bill (converted to the case's currency on the bill's date).",
    )
    amount_manual = fields.Monetary(string="Amount Entered",
                                    help="Without a bill: the amount of the cost, in the case's currency.")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    advanced_by = fields.Selection(ADVANCED_BY, required=True, default="company")
    claimed = fields.Boolean(string="Claimed from the Debtor", default=True)
    recovered = fields.Monetary(string="Recovered from the Debtor",
                                help="What the debtor paid back of this cost (the court's award, enforcement).")

    _sql_constraints = [
        ("amount_manual_positive", "CHECK(amount_manual >= 0)", "A cost cannot be negative."),
        ("recovered_positive", "CHECK(recovered >= 0)", "A recovered cost cannot be negative."),
    ]

    # === Compute === #
    @api.depends("bill_id.amount_total", "bill_id.currency_id", "bill_id.date", "amount_manual", "currency_id")
    def _compute_amount(self):
        for cost in self:
            bill = cost.bill_id
            if bill:
                cost.amount = bill.currency_id._convert(bill.amount_total, cost.currency_id, cost.company_id,
                                                        bill.invoice_date or bill.date)
            else:
                cost.amount = cost.amount_manual

    # === Constraints === #
    @api.constrains("bill_id")
    def _check_bill(self):
        for cost in self.filtered("bill_id"):
            if cost.bill_id.move_type != "in_invoice":
                raise ValidationError(self.env._("%s is not a vendor bill.", cost.bill_id.display_name))
