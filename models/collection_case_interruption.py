from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import legal_deadlines as legal

INTERRUPTION_KINDS = [
    ("demand_letter", "Demand letter delivered"),
    ("lawyer_letter", "Lawyer letter delivered"),
    ("balance_confirmation", "Balance confirmation signed by the debtor"),
    ("acknowledgment", "Other acknowledgment by the debtor"),
    ("filing", "Suit filed"),
    ("payment_order", "Payment order applied for"),
    ("arbitration", "Arbitration filed"),
    ("preservation", "Preservation applied for"),
    ("enforcement", "Enforcement applied for"),
    ("mediation", "Mediation requested"),
    ("obstacle", "Obstacle (force majeure or similar)"),
]
# The event kinds of tools/legal_deadlines.py each kind stands for; an obstacle is passed apart.
TOOL_KINDS = {
    "demand_letter": "demand", "lawyer_letter": "demand", "balance_confirmation": "acknowledgment",
    "acknowledgment": "acknowledgment", "filing": "filing", "payment_order": "payment_order",
    "arbitration": "arbitration", "preservation": "preservation", "enforcement": "enforcement",
    "mediation": "mediation",
}
PROOF_METHODS = [
    ("ems", "EMS receipt with the content"),
    ("signed", "Signed or sealed by the debtor"),
    ("email_receipt", "Email with delivery receipt"),
    ("notarised", "Notarised mailing"),
    ("media_notice", "Notice in national or provincial media"),
    ("court_record", "Court record"),
    ("other", "Other proof"),
]
# Proof that exists in the court's own file: no upload needed.
SELF_PROVEN_METHODS = {"court_record"}


class CollectionCaseInterruption(models.Model):
    """An event that interrupts (or, for an obstacle, suspends) the limitation of the invoices it covers.

    It counts only when proven: a demand only once it arrived and its delivery can be shown (a receipt with the
    content, the debtor's signature, an email receipt, a notarised mailing, a media notice). Letters of the letters
    engine plug in through `source_ref` and the same proof fields."""

    _name = "collection.case.interruption"
    _description = "Limitation Event"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id")
    kind = fields.Selection(INTERRUPTION_KINDS, required=True, tracking=True)
    date = fields.Date(string="Effective On", required=True, tracking=True,
                       help="For a demand, the day it arrived (or should have): the new period runs from it.")
    ends_on = fields.Date(string="Proceeding Ended On", tracking=True,
                          help="For a proceeding or an obstacle: the day it ended; empty while it lasts.")
    move_ids = fields.Many2many(
        "account.move", "collection_case_interruption_move_rel", "interruption_id", "move_id",
        string="Invoices", check_company=True,
        help="The claimed invoices it interrupts; all invoices of the case when created without.",
    )
    proof_method = fields.Selection(PROOF_METHODS, tracking=True)
    proof_file = fields.Binary(string="Proof", attachment=True, copy=False)
    proof_filename = fields.Char()
    proven = fields.Boolean(compute="_compute_proven", store=True, tracking=True,
                            help="Proof of delivery or of the act is on file: the event counts for the limitation.")
    source_ref = fields.Reference(selection="_selection_source_models", string="Source Document")
    preservation_id = fields.Many2one("collection.case.preservation", check_company=True,
                                      index="btree_not_null", ondelete="cascade")
    note = fields.Char()

    # === Compute === #
    @api.model
    def _selection_source_models(self):
        """Documents an event may come from: the letters engine's letters (once installed), history, invoices."""
        models_ = ["collection.letter", "collection.history", "collection.customer", "account.move", "account.payment"]
        names = dict(self.env["ir.model"].sudo().search([("model", "in", models_)]).mapped(
            lambda m: (m.model, m.name)))
        return [(model, names[model]) for model in models_ if model in names and model in self.env]

    @api.depends("kind", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for event in self:
            event.display_name = f"{kinds.get(event.kind, '')} {event.date or ''}".strip()

    @api.depends("proof_method", "proof_file")
    def _compute_proven(self):
        for event in self:
            event.proven = event.proof_method in SELF_PROVEN_METHODS or bool(event.proof_method and event.proof_file)

    # === Constraints === #
    @api.constrains("date", "ends_on", "move_ids", "case_id")
    def _check_event(self):
        for event in self:
            if event.ends_on and event.ends_on < event.date:
                raise ValidationError(self.env._("A proceeding or obstacle cannot end before it starts."))
            if event.move_ids - event.case_id.line_ids.move_id:
                raise ValidationError(self.env._("A limitation event covers invoices claimed in its own case."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        cases = self.env["collection.case"].browse([vals["case_id"] for vals in vals_list])
        for vals in vals_list:
            if not vals.get("move_ids"):
                vals["move_ids"] = [Command.set(cases.browse(vals["case_id"]).line_ids.move_id.ids)]
        events = super().create(vals_list)
        events._advance_case()
        return events

    def write(self, vals):
        res = super().write(vals)
        if {"proof_file", "proof_method", "kind"} & set(vals):
            self._advance_case()
        return res

    # === Business === #
    def _advance_case(self):
        for event in self.filtered("proven"):
            if event.kind == "lawyer_letter":
                event.case_id._advance_to("lawyer_letter")

    def _tool_event(self):
        self.ensure_one()
        return legal.Event(TOOL_KINDS[self.kind], self.date, proven=self.proven, ends_on=self.ends_on or None)
