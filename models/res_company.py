from odoo import api, fields, models

from ..tools import retention
from .collection_case import JURISDICTIONS

# The models that give every company its own defaults, each through `_create_company_defaults(companies)`, in this
# order (the alert rules tell a user; the matrix reads the groups; nothing depends on the policy yet).
COMPANY_DEFAULT_MODELS = ("collection.policy", "collection.authority", "collection.credit.grade",
                          "collection.alert.rule")


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "collection.policy", string="Default Collection Policy",
        domain="[('company_id', '=', id)]",
        help="Followed by customers who have neither a policy of their own nor one for their customer type.",
    )

    collection_jurisdiction = fields.Selection(
        JURISDICTIONS, string="Legal Jurisdiction", default="prc",
        help="The preset of legal periods (limitation, preservation, appeal, enforcement) of the company's claims; "
        "a case may choose another.",
    )

    # === Fields: legal money === #
    collection_write_off_journal_id = fields.Many2one(
        "account.journal", string="Write-off Journal", check_company=True,
        domain="[('type', '=', 'general')]",
        help="The journal of the bad-debt write-off entries of legal cases and invoices.",
    )
    collection_bad_debt_account_id = fields.Many2one(
        "account.account", string="Bad-debt Expense Account", check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Debited by a write-off when the company books no allowance.",
    )
    collection_use_allowance = fields.Boolean(
        string="Write Off Against an Allowance",
        help="Debit the allowance for doubtful debts instead of the bad-debt expense (the allowance was booked "
        "as an expense before).",
    )
    collection_allowance_account_id = fields.Many2one(
        "account.account", string="Allowance Account", check_company=True,
        help="The allowance for doubtful debts (a contra-receivable account) a write-off uses up.",
    )
    collection_write_off_limit = fields.Monetary(
        string="Write-off Limit", currency_field="currency_id",
        help="Above this amount (company currency) a write-off needs a second legal manager's approval. "
        "0: every write-off needs one.",
        default=50_000.0,
    )
    collection_case_review_months = fields.Integer(
        string="Cost-benefit Review Every (Months)", default=6,
        help="Each open legal case gets a cost-benefit review activity this often; 0: no review.",
    )
    collection_expected_recovery_rate = fields.Float(
        string="Expected Recovery Rate (%)", default=60.0, digits=(5, 2),
        help="The share of a claim a new case is expected to recover; each case may set its own.",
    )

    # === Fields: retention of evidence === #
    collection_retention_years = fields.Integer(
        string="Keep Collection Evidence (Years)", default=retention.DEFAULT_YEARS,
        help="Letters, proofs, contact logs and case evidence are kept this many years after their invoices are "
        "settled, and cannot be deleted before.",
    )
    collection_write_off_retention_years = fields.Integer(
        string="Keep Write-off Files (Years)", default=retention.DEFAULT_WRITE_OFF_YEARS,
        help="The evidence of a write-off is kept this many years after its invoices are settled.",
    )

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self._collection_create_defaults(companies)
        return companies

    # === Business === #
    @api.model
    def _collection_create_defaults(self, companies=None):
        """The addon's per-company defaults (policy, authority matrix, credit grades, alert rules) for these
        companies, all of them by default: the data step of the install and of each update calls it so, and
        `create` for each new company. Each model creates only what a company lacks, so a rerun adds nothing;
        nothing is ever created while a record is read."""
        companies = (companies or self.sudo().search([], limit=None)).sudo()
        for model in COMPANY_DEFAULT_MODELS:
            self.env[model].sudo()._create_company_defaults(companies)
