from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

DISPUTE_STATES = [
    ("open", "Open"),
    ("resolved", "Resolved"),
]
DISPUTE_RESOLUTIONS = [
    ("credit_note", "Credit note issued"),
    ("corrected", "Invoice corrected"),
    ("rejected", "Dispute rejected"),
]


class CollectionDispute(models.Model):
    """A customer disputes some invoices, for a reason of the objection table. The disputed invoices stop (a
    collection.pause of reason 'dispute' on them only); the customer's other invoices are chased as before.
    The resolution ends the pause."""

    _name = "collection.dispute"
    _description = "Collection Dispute"
    _inherit = ["collection.customer.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "state, create_date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    currency_id = fields.Many2one(related="company_id.currency_id")
    reason_id = fields.Many2one("collection.dispute.reason", required=True, tracking=True,
                                check_company=True)
    response = fields.Text(related="reason_id.response", string="Standard Response")
    user_id = fields.Many2one("res.users", string="Owner", required=True, tracking=True,
                              default=lambda self: self.env.user, domain=[("share", "=", False)])
    description = fields.Text(required=True)
    move_ids = fields.Many2many(
        "account.move", "collection_dispute_move_rel", "dispute_id", "move_id", string="Disputed Invoices",
        required=True, check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
    )
    amount = fields.Monetary(
        string="Disputed Amount", compute="_compute_amount", store=True, readonly=False, precompute=True,
        help="In the company's currency; by default what the disputed invoices still owe.",
    )
    contact_id = fields.Many2one("collection.contact", string="Raised During", index="btree_not_null",
                                 ondelete="set null", check_company=True)
    pause_id = fields.Many2one("collection.pause", readonly=True, index="btree_not_null", ondelete="restrict",
                               check_company=True)
    state = fields.Selection(DISPUTE_STATES, required=True, default="open", readonly=True, tracking=True)
    resolution = fields.Selection(DISPUTE_RESOLUTIONS, readonly=True, tracking=True)
    resolution_note = fields.Text(help="How it was settled; kept in the history when the dispute is resolved.")
    credit_note_id = fields.Many2one(
        "account.move", check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_refund')]",
    )
    resolved_on = fields.Date(readonly=True)
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    repeated_excuse = fields.Boolean(readonly=True, help="The customer raised this reason too often.")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A disputed amount cannot be negative."),
    ]

    # === Compute === #
    @api.depends("move_ids")
    def _compute_amount(self):
        for dispute in self:
            dispute.amount = sum(dispute.move_ids._collection_open().mapped("amount_residual_signed"))

    @api.depends("partner_id.name", "reason_id.name")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = f"{dispute.partner_id.name or ''} · {dispute.reason_id.name or ''}"

    # === Constraints === #
    @api.constrains("move_ids", "customer_id")
    def _check_moves(self):
        for dispute in self:
            if dispute.move_ids.commercial_partner_id - dispute.partner_id:
                raise ValidationError(self.env._("A dispute only covers invoices of its own customer."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        stopping = disputes.filtered(lambda d: d.reason_id.stops_chasing)
        # (collection.pause.create of nothing escalates nothing and fails: create only when there is a pause)
        pauses = stopping and self.env["collection.pause"].create([{
            "partner_id": dispute.partner_id.id, "company_id": dispute.company_id.id, "reason": "dispute",
            "move_ids": [fields.Command.set(dispute.move_ids.ids)],
            "note": f"{dispute.reason_id.name}: {dispute.description}",
        } for dispute in stopping])
        for dispute, pause in zip(stopping, pauses, strict=True):
            dispute.pause_id = pause
        disputes._ask_staff()
        disputes._check_repeated_excuse()
        return disputes

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("A dispute is evidence: resolve it instead of deleting it."))

    # === Actions === #
    def action_resolve_credit_note(self):
        return self._resolve("credit_note")

    def action_resolve_corrected(self):
        return self._resolve("corrected")

    def action_resolve_rejected(self):
        return self._resolve("rejected")

    # === Business === #
    def _resolve(self, resolution):
        """Resolve open disputes: the pause of their invoices ends and chasing resumes where it applies."""
        self.env["collection.customer"].check_access("write")
        disputes = self.filtered(lambda d: d.state == "open")
        if not disputes:
            raise UserError(self.env._("This dispute is resolved already."))
        if resolution == "credit_note" and any(not d.credit_note_id for d in disputes):
            raise UserError(self.env._("Name the credit note issued."))
        for company, company_disputes in disputes.grouped("company_id").items():
            company_disputes.write({
                "state": "resolved", "resolution": resolution, "resolved_by_id": self.env.user.id,
                "resolved_on": self.env["collection.escalation"]._today(company),
            })
        labels = dict(self._fields["resolution"]._description_selection(self.env))
        for dispute in disputes:
            pause = dispute.pause_id.filtered(lambda p: p.state == "active")
            if pause:
                pause._end("ended", note=self.env._(
                    "Dispute resolved (%(resolution)s): %(note)s", resolution=labels[resolution],
                    note=dispute.resolution_note or ""))
        disputes.customer_id._mark_to_recheck()   # chasing resumes with the next run, not in this request
        disputes.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _ask_staff(self):
        """Quality disputes go to sales or technical staff, who verify the claim."""
        for dispute in self.filtered(lambda d: d.reason_id.needs_staff):
            staff = dispute.reason_id.staff_user_id or dispute.partner_id.user_id or dispute.user_id
            dispute.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=staff.id,
                summary=self.env._("Verify the claim: %(reason)s", reason=dispute.reason_id.name),
                note=dispute.description,
            )

    def _check_repeated_excuse(self):
        """The same reason N times (the policy's threshold) is a repeated excuse: flag it and ask the supervisor,
        once per customer and reason, for a dedicated strategy."""
        for dispute in self:
            dispute.customer_id._note_objection(dispute.reason_id, dispute=dispute)
