from odoo import api, fields, models

from ..tools.kpi import DEFAULT_GRADES

# Default payment terms of the grades: 30 days down to A, 15 days down to BB, then payment on invoice.
DEFAULT_TERMS = {
    "AAA": "account.account_payment_term_30days", "AA": "account.account_payment_term_30days",
    "A": "account.account_payment_term_30days", "BBB": "account.account_payment_term_15days",
    "BB": "account.account_payment_term_15days",
}


class CollectionCreditGrade(models.Model):
    """A credit grade (AAA ... D): the lowest score that earns it, and the credit limit and payment terms it
    recommends. A company's grades form its grading table, best first."""

    _name = "collection.credit.grade"
    _description = "Credit Grade"
    _order = "company_id, min_score desc, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(string="Grade", required=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_score = fields.Float(string="Lowest Score", required=True, digits=(16, 1),
                             help="The grade of a customer is the best one whose lowest score its score reaches.")
    limit_months = fields.Float(string="Credit Limit in Months of Sales", digits=(16, 2),
                                help="Recommended credit limit: this many months of the customer's average "
                                     "monthly invoicing over the last 12 months. 0: prepayment only.")
    max_limit = fields.Monetary(string="Credit Limit Cap", help="The recommended limit never exceeds it (0: no cap).")
    payment_term_id = fields.Many2one("account.payment.term", string="Payment Terms", check_company=True,
                                      help="Recommended payment terms; empty: payment on invoice.")
    note = fields.Text(translate=True)

    _sql_constraints = [
        ("name_unique", "UNIQUE(company_id, name)", "Two grades of a company cannot have the same name."),
        ("score_unique", "UNIQUE(company_id, min_score)", "Two grades of a company cannot start at the same score."),
        ("score_bounded", "CHECK(min_score >= 0 AND min_score <= 100)", "A score is between 0 and 100."),
        ("limit_positive", "CHECK(limit_months >= 0 AND max_limit >= 0)", "A credit limit cannot be negative."),
    ]

    # === Business === #
    @api.model
    def _create_company_defaults(self, companies):
        """The default grading table (AAA ... D) for each of these companies that has none (from res.company:
        install, update, a new company)."""
        having = set(self.sudo().search([("company_id", "in", companies.ids)]).company_id.ids)
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in having):
            for code, lowest, months in DEFAULT_GRADES:
                term = self.env.ref(DEFAULT_TERMS[code], raise_if_not_found=False) if code in DEFAULT_TERMS else None
                vals_list.append({
                    "name": code, "company_id": company.id, "min_score": lowest, "limit_months": months,
                    "payment_term_id": term.id if term and term.company_id in (company, company.browse()) else False,
                })
        return self.sudo().create(vals_list)

    @api.model
    def _grading_table(self, company):
        """The company's grades, best first."""
        return self.sudo().search([("company_id", "=", company.id)], order="min_score desc, id")
