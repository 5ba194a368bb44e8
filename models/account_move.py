from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.aging import AGING_BUCKETS
from .collection_customer import NOT_CHASED_REASONS
from .collection_pause import PAUSE_REASONS

RECEIPT_METHODS = [
    ("delivery_note", "Signed delivery note"),
    ("email", "Email with read receipt"),
    ("courier", "Courier or registered mail"),
    ("portal", "Customer portal"),
    ("in_person", "Handed over in person"),
    ("other", "Other"),
]
# Fields only the escalation and the collection team change; everyone else reads them.
ENGINE_FIELDS = {
    "collection_customer_id", "collection_stage_id", "collection_stage_date", "collection_stage_locked",
    "collection_stage_note", "collection_bucket", "collection_pause_id", "collection_pause_reason",
    "collection_not_chased_reason", "collection_user_id",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    # === Collection (kept right by the daily escalation) === #
    collection_customer_id = fields.Many2one(
        "collection.customer", string="Collection File", readonly=True, copy=False, index="btree_not_null"
    )
    collection_stage_id = fields.Many2one(
        "collection.stage", readonly=True, copy=False, index="btree_not_null"
    )
    collection_stage_color = fields.Integer(related="collection_stage_id.color")
    collection_stage_date = fields.Date(string="In Stage Since", readonly=True, copy=False)
    collection_stage_locked = fields.Boolean(
        string="Stage Set by Hand", readonly=True, copy=False,
        help="The escalation leaves a stage set by hand alone until someone escalates the invoice again.",
    )
    collection_stage_note = fields.Char(string="Stage Note", readonly=True, copy=False)
    collection_bucket = fields.Selection(list(AGING_BUCKETS), string="Aging Bucket", readonly=True, copy=False,
                                         help="As of the last escalation run.")
    collection_pause_id = fields.Many2one("collection.pause", string="Paused By", readonly=True, copy=False)
    collection_pause_reason = fields.Selection(PAUSE_REASONS, string="Pause Reason", readonly=True, copy=False)
    collection_not_chased_reason = fields.Selection(NOT_CHASED_REASONS, string="Not Chased Because",
                                                    readonly=True, copy=False)
    collection_user_id = fields.Many2one("res.users", string="Collector", readonly=True, copy=False)
    collection_next_action_id = fields.Many2one(related="collection_customer_id.next_action_id")
    collection_next_action_date = fields.Date(related="collection_customer_id.next_action_date")
    collection_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_collection_days_overdue", search="_search_collection_days_overdue"
    )
    collection_history_ids = fields.One2many("collection.history", "move_id")

    # === Contract and receipt: what letters and cases quote === #
    collection_contract_ref = fields.Char(string="Contract Number", copy=False)
    collection_contract_date = fields.Date(string="Contract Date", copy=False)
    collection_contract_file = fields.Binary(string="Contract", attachment=True, copy=False)
    collection_contract_filename = fields.Char(copy=False)
    collection_receipt_date = fields.Date(string="Received On", copy=False,
                                          help="When the customer received the invoice.")
    collection_receipt_method = fields.Selection(RECEIPT_METHODS, string="Received How", copy=False)
    collection_receipt_by = fields.Char(string="Received By", copy=False)
    collection_receipt_proof = fields.Binary(string="Proof of Receipt", attachment=True, copy=False)
    collection_receipt_proof_filename = fields.Char(copy=False)

    # === Compute === #
    @api.depends("invoice_date_due")
    def _compute_collection_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            move.collection_days_overdue = (today - move.invoice_date_due).days if move.invoice_date_due else 0

    def _search_collection_days_overdue(self, operator, value):
        flip = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}
        if operator not in flip or not isinstance(value, int):
            raise NotImplementedError(self.env._("Unsupported search on days overdue: %s", operator))
        cutoff = fields.Date.context_today(self) - timedelta(days=value)
        return [("invoice_date_due", flip[operator], cutoff)]

    # === CRUD === #
    def write(self, vals):
        if ENGINE_FIELDS & set(vals) and not self.env.su and not self.env.user.has_group(
            "account_collection_litigation.group_collection_collector"
        ):
            raise AccessError(self.env._("Only the collection team may change the collection status of an invoice."))
        return super().write(vals)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._collection_mark_to_recheck()
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._collection_mark_to_recheck()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._collection_mark_to_recheck()
        return res

    # === Actions === #
    def action_collection_escalate(self):
        """Escalate now: also hands a stage set by hand back to the escalation."""
        self._collection_check_team()
        self.filtered("collection_stage_locked").write({"collection_stage_locked": False})
        self._collection_files()._escalate(trigger="manual")
        return True

    def action_collection_pause(self):
        self._collection_check_team()
        return self.env["collection.pause"]._action_open_wizard(moves=self._collection_open())

    def action_collection_resume(self):
        self._collection_check_team()
        pauses = self.collection_pause_id.filtered(lambda p: p.state == "active")
        if pauses:
            pauses.action_resume()
        return True

    def action_collection_set_stage(self):
        self._collection_check_team()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_stage_wizard_action"
        )
        action["context"] = {"default_move_ids": self._collection_open().ids}
        return action

    # === Business === #
    def _collection_open(self):
        return self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted" and m.amount_residual > 0
        )

    def _collection_check_team(self):
        if not self.env.user.has_group("account_collection_litigation.group_collection_collector"):
            raise AccessError(self.env._("Only the collection team may do this."))
        return True

    def _collection_files(self):
        moves = self.filtered(lambda m: m.move_type == "out_invoice" and m.commercial_partner_id)
        return self.env["collection.customer"]._ensure_files(
            {(m.commercial_partner_id.id, m.company_id.id) for m in moves}
        )

    def _collection_mark_to_recheck(self):
        self._collection_files()._mark_to_recheck()

    @api.model
    def _collection_write_rows(self, rows):
        """Write the escalation's results for a batch of invoices in one statement."""
        self.env["collection.customer"]._bulk_update("account_move", [
            "collection_customer_id", "collection_user_id", "collection_stage_id", "collection_bucket",
            "collection_pause_id", "collection_pause_reason", "collection_not_chased_reason",
            "collection_stage_note", "collection_stage_date",
        ], rows)
