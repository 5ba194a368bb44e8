from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """The write-off's accounts in the Invoicing settings, where an accountant looks for them (the company form's
    Legal Money tab shows the same fields)."""

    _inherit = "res.config.settings"

    collection_write_off_journal_id = fields.Many2one(
        related="company_id.collection_write_off_journal_id", readonly=False,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]")
    collection_bad_debt_account_id = fields.Many2one(
        related="company_id.collection_bad_debt_account_id", readonly=False,
        domain="[('account_type', 'in', ('expense', 'expense_other')), ('company_ids', 'in', company_id)]")
    collection_use_allowance = fields.Boolean(related="company_id.collection_use_allowance", readonly=False)
    collection_allowance_account_id = fields.Many2one(
        related="company_id.collection_allowance_account_id", readonly=False,
        domain="[('company_ids', 'in', company_id)]")
