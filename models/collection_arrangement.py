from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .collection_authority import APPROVAL_KINDS

# Instalment plans have a model of their own (collection.payment.plan); write-offs belong to legal cases.
ARRANGEMENT_KINDS = [kind for kind in APPROVAL_KINDS if kind[0] not in ("instalment_plan", "write_off")]
ARRANGEMENT_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To approve"),
    ("approved", "In force"),
    ("done", "Done"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]


class CollectionArrangement(models.Model):
    """A flexible arrangement other than an instalment plan (collection-process.md, "Flexible arrangements"):
    an extension, an interest waiver, a settlement in kind, a third-party guarantee or a restructuring with a
    partial principal waiver. Each is approved at the level its amount needs (collection.approval.mixin).

    Approved, an extension pauses its invoices until the new date as a promise (the escalation then decides
    whether it was kept); an interest waiver writes the waivers; the others are put in force by accounting and
    marked done."""

    _name = "collection.arrangement"
    _description = "Collection Arrangement"
    _inherit = ["collection.customer.mixin", "mail.thread", "mail.activity.mixin", "collection.approval.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    kind = fields.Selection(ARRANGEMENT_KINDS, required=True, tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", required=True, default=lambda self: self.env.user)
    contact_id = fields.Many2one("collection.contact", string="Agreed During", index="btree_not_null",
                                 ondelete="set null", check_company=True)
    move_ids = fields.Many2many(
        "account.move", "collection_arrangement_move_rel", "arrangement_id", "move_id", string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
    )
    amount = fields.Monetary(
        string="Debt Concerned", compute="_compute_amount", store=True, readonly=False, precompute=True,
        help="In the company's currency; by default what the invoices still owe.",
    )
    new_date = fields.Date(string="Extended Until", tracking=True)
    waiver_share = fields.Float(string="Interest Waived (%)", digits=(5, 2), default=100.0)
    waived_amount = fields.Monetary(string="Principal Waived", help="Restructuring: the part of the debt given up.")
    settlement_description = fields.Text(string="Assets or Services", help="Settlement in kind: what is given for "
                                         "the debt.")
    settlement_value = fields.Monetary(string="Agreed Value")
    guarantor_id = fields.Many2one("res.partner")
    guaranteed_amount = fields.Monetary()
    agreement = fields.Binary(string="Signed Agreement", attachment=True, copy=False)
    agreement_filename = fields.Char()
    terms = fields.Text()
    pause_id = fields.Many2one("collection.pause", readonly=True, copy=False, index="btree_not_null",
                               check_company=True, ondelete="restrict")
    state = fields.Selection(ARRANGEMENT_STATES, required=True, default="draft", readonly=True, tracking=True,
                             copy=False)

    _sql_constraints = [
        ("waiver_share_range", "CHECK(waiver_share >= 0 AND waiver_share <= 100)",
         "A waived share lies between 0 and 100%."),
        ("amounts_positive", "CHECK(amount >= 0 AND waived_amount >= 0 AND settlement_value >= 0 "
         "AND guaranteed_amount >= 0)", "The amounts of an arrangement cannot be negative."),
    ]

    # === Compute === #
    @api.depends("move_ids")
    def _compute_amount(self):
        for arrangement in self:
            arrangement.amount = sum(arrangement.move_ids._collection_open().mapped("amount_residual_signed"))

    @api.depends("kind", "partner_id.name")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for arrangement in self:
            arrangement.display_name = f"{kinds.get(arrangement.kind, '')} · {arrangement.partner_id.name or ''}"

    # === CRUD === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(arrangement.state not in ("draft", "cancelled") for arrangement in self):
            raise UserError(self.env._("Only a draft arrangement can be deleted; cancel it otherwise."))

    # === Actions === #
    def action_done(self):
        self.env["collection.customer"].check_access("write")
        if any(arrangement.state != "approved" for arrangement in self):
            raise UserError(self.env._("Only an arrangement in force can be marked done."))
        self._approval_write({"state": "done"})
        return True

    def action_cancel(self):
        self.env["collection.customer"].check_access("write")
        if any(arrangement.state == "done" for arrangement in self):
            raise UserError(self.env._("A done arrangement stays as it is."))
        pauses = self.pause_id.filtered(lambda p: p.state == "active")
        if pauses:
            pauses.action_resume()
        self._approval_write({"state": "cancelled"})
        self.activity_unlink(["account_collection_litigation.mail_activity_type_collection_approval"])
        return True

    # === Approval === #
    def _approval_kind(self):
        self.ensure_one()
        return self.kind

    def _approval_amount(self):
        """What is at stake: the debt extended, settled or guaranteed (what the chosen invoices owe in the books,
        whatever the field says); what is given up for a waiver or a restructuring."""
        self.ensure_one()
        if self.kind == "interest_waiver":
            return self._interest_waived()
        if self.kind == "restructuring":
            return self.waived_amount
        if self.move_ids:
            return sum(self.move_ids._collection_open().mapped("amount_residual_signed"))
        return self.amount

    def _approval_label(self):
        self.ensure_one()
        return self.env._("%(arrangement)s for %(amount)s", arrangement=self.display_name,
                          amount=self.currency_id.format(self._approval_amount()))

    def _interest_waived(self):
        """The interest and compensation the waiver gives up, as of today, in the company's currency."""
        self.ensure_one()
        today = self.env["collection.escalation"]._today(self.company_id)
        figures = self.move_ids._collection_interest(raise_errors=False)
        return sum(
            move.currency_id._convert(figures.get(move.id, {}).get("claimable", 0.0) * self.waiver_share / 100,
                                      self.company_id.currency_id, self.company_id, today)
            for move in self.move_ids
        )

    def _check_before_submit(self):
        for arrangement in self:
            kind = arrangement.kind
            if kind in ("extension", "interest_waiver") and not arrangement.move_ids:
                raise UserError(self.env._("Choose the invoices the arrangement covers."))
            today = self.env["collection.escalation"]._today(arrangement.company_id)
            if kind == "extension" and not (arrangement.new_date and arrangement.new_date > today):
                raise UserError(self.env._("An extension gives a new date, later than today."))
            if kind == "interest_waiver" and not arrangement.waiver_share:
                raise UserError(self.env._("Say which share of the interest is waived."))
            if kind == "settlement_in_kind" and not (arrangement.settlement_description
                                                     and arrangement.settlement_value):
                raise UserError(self.env._("Describe the assets or services given, and their agreed value."))
            if kind == "guarantee" and not (arrangement.guarantor_id and arrangement.guaranteed_amount):
                raise UserError(self.env._("Name the guarantor and the amount they guarantee."))
            if kind == "restructuring" and not (arrangement.waived_amount and arrangement.agreement):
                raise UserError(self.env._(
                    "A restructuring is always a formal written agreement: give the principal waived and attach the "
                    "signed agreement."))

    def _on_approved(self):
        extensions = self.filtered(lambda a: a.kind == "extension")
        pauses = extensions and self.env["collection.pause"].create([{
            "partner_id": arrangement.partner_id.id, "company_id": arrangement.company_id.id, "reason": "promise",
            "move_ids": [Command.set(arrangement.move_ids.ids)], "date_to": arrangement.new_date,
            "promise_amount": arrangement.amount, "note": arrangement._approval_label(),
        } for arrangement in extensions])
        for arrangement, pause in zip(extensions, pauses, strict=True):
            arrangement.pause_id = pause
        waivers = self.filtered(lambda a: a.kind == "interest_waiver")
        # The authority matrix approved them (recorded in the history): the waivers are in force at once.
        written = self.env["collection.interest.waiver"].sudo().create([{
            "move_id": move.id, "share": arrangement.waiver_share,
            "reason": arrangement.terms or arrangement._approval_label(),
        } for arrangement in waivers for move in arrangement.move_ids])
        written.filtered(lambda w: w.state == "to_approve")._approve()
        waivers.write({"state": "done"})
        (self - waivers).write({"state": "approved"})
