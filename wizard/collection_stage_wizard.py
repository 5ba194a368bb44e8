from odoo import fields, models
from odoo.exceptions import UserError


class CollectionStageWizard(models.TransientModel):
    """Set the collection stage of invoices by hand, with a reason kept in the history."""

    _name = "collection.stage.wizard"
    _description = "Set Collection Stage"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    policy_id = fields.Many2one("collection.policy", compute="_compute_policy_id")
    stage_id = fields.Many2one("collection.stage", required=True,
                               domain="[('policy_id', '=', policy_id)]")
    note = fields.Text(string="Reason", required=True)

    def _compute_policy_id(self):
        for wizard in self:
            wizard.policy_id = wizard.move_ids.collection_customer_id.policy_id[:1]

    def action_confirm(self):
        self.ensure_one()
        self.env["collection.customer"].check_access("write")
        moves = self.move_ids._collection_open()
        if not moves:
            raise UserError(self.env._("Only open customer invoices have a collection stage."))
        files = moves._collection_files()
        if files.policy_id and self.stage_id.policy_id not in files.policy_id or len(files.policy_id) > 1:
            raise UserError(self.env._("The invoices follow another policy than the stage %(stage)s.",
                              stage=self.stage_id.name))
        self.env["collection.history"]._log(
            moves, "stage", stage_from_id=lambda move: move.collection_stage_id, stage_to_id=self.stage_id,
            days_overdue=lambda move: move.collection_days_overdue, note=self.note)
        moves.write({
            "collection_stage_id": self.stage_id.id, "collection_stage_locked": True,
            "collection_stage_date": self.env["collection.escalation"]._today(),
        })
        files._mark_to_recheck()   # the customers' stage follows with the next run
        return True
