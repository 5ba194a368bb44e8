from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # A payment or credit note may change a customer's stage: have the escalation look again soon.
        moves = (partials.debit_move_id | partials.credit_move_id).move_id
        moves.filtered(lambda m: m.move_type == "out_invoice")._collection_mark_to_recheck()
        return partials

    def unlink(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id.filtered(lambda m: m.move_type == "out_invoice")
        res = super().unlink()
        moves._collection_mark_to_recheck()
        return res
