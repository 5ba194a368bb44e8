from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # Applying a payment or a credit note may change a customer's stage: have today's run look again.
        (partials.debit_move_id | partials.credit_move_id).move_id._collection_mark_to_recheck()
        return partials

    def unlink(self):
        files = (self.debit_move_id | self.credit_move_id).move_id._collection_files_to_recheck()
        res = super().unlink()
        files._mark_to_recheck()
        return res
