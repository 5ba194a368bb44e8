from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    collection_customer_id = fields.Many2one(
        "collection.customer", string="Collection File", readonly=True, index="btree_not_null", ondelete="set null",
        help="Paid from the customer's collection page.",
    )

    def _post_process(self):
        """A payment made on the collection page: the customer file says so and is looked at again by the next
        run (the reconciliation itself already queues it; a payment still to reconcile must too)."""
        super()._post_process()
        done = self.filtered(lambda tx: tx.state == "done" and tx.collection_customer_id)
        if not done:
            return
        done.collection_customer_id._mark_to_recheck()
        for tx in done:
            file = tx.collection_customer_id.sudo()
            note = self.env._("Portal: %(amount)s paid online (%(reference)s, %(provider)s).",
                              amount=tx.currency_id.format(tx.amount), reference=tx.reference,
                              provider=tx.provider_id.name)
            file.message_post(body=note, author_id=tx.partner_id.id)
            self.env["collection.history"]._log(file, "portal", note=note)
