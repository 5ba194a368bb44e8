from odoo import api, fields, models
from odoo.exceptions import UserError

LIMITATION_EVENT_TYPES = [
    ("demand_delivered", "Demand delivered"),
    ("acknowledgement", "Debtor acknowledged the debt"),
]


class CollectionLimitationEvent(models.Model):
    """An event that interrupts the limitation period of invoices: the full period restarts from its date.

    Only events with evidence are recorded: a demand counts once it arrived (proof of delivery), an
    acknowledgement once the debtor's signed document is on file. Legal cases read them to compute the
    limitation deadline of a claim."""

    _name = "collection.limitation.event"
    _description = "Limitation Interruption"
    _order = "date desc, id desc"
    _rec_name = "event_type"
    _check_company_auto = True

    # === Fields === #
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    date = fields.Date(required=True, readonly=True, index=True,
                       help="The day the demand arrived or the debtor acknowledged the debt.")
    event_type = fields.Selection(LIMITATION_EVENT_TYPES, string="Event", required=True, readonly=True)
    letter_id = fields.Many2one("collection.letter", readonly=True, index="btree_not_null", ondelete="set null",
                                check_company=True)
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True,
                                relation="collection_limitation_event_move_rel", column1="event_id",
                                column2="move_id")
    proof_file = fields.Binary(string="Proof", attachment=True, readonly=True)
    proof_filename = fields.Char(readonly=True)
    note = fields.Text(readonly=True)

    # === CRUD === #
    def write(self, vals):
        if vals:
            raise UserError(self.env._("A limitation interruption is evidence: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("A limitation interruption is evidence: it cannot be deleted."))
