from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.collection_case import JURISDICTIONS, PROCEDURES
from ..models.collection_evidence_template import CASE_TYPES


class CollectionCaseOpenWizard(models.TransientModel):
    """Open a legal case (or add invoices to an open one) from a customer or from selected invoices, pre-filled
    with the customer's overdue invoices that no open case claims yet."""

    _name = "collection.case.open.wizard"
    _description = "Open a Legal Case"
    _check_company_auto = True

    # === Fields === #
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, check_company=True,
                                 domain="[('parent_id', '=', False)]")
    case_id = fields.Many2one(
        "collection.case", string="Add to Open Case", check_company=True,
        domain="[('partner_id', '=', partner_id), ('is_closed', '=', False), ('company_id', '=', company_id)]",
        help="Leave empty to open a new case.",
    )
    move_ids = fields.Many2many(
        "account.move", string="Invoices", check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('collection_is_open', '=', True), ('collection_in_litigation', '=', False)]",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    case_type = fields.Selection(CASE_TYPES, required=True, default="sale_of_goods")
    procedure = fields.Selection(PROCEDURES, required=True, default="ordinary")
    jurisdiction = fields.Selection(JURISDICTIONS, required=True,
                                    default=lambda self: self.env.company.collection_jurisdiction or "prc")
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user,
                              domain=lambda self: [("groups_id", "in", self.env.ref(
                                  "account_collection_litigation.group_litigation_user").id)])
    amount_total = fields.Monetary(string="Open Amount", compute="_compute_currency_id")

    # === Defaults === #
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if model == "collection.customer" and ids:
            file = self.env["collection.customer"].browse(ids[:1])
            values.update(partner_id=file.partner_id.id, company_id=file.company_id.id)
        elif model == "res.partner" and ids:
            values["partner_id"] = self.env["res.partner"].browse(ids[:1]).commercial_partner_id.id
        if values.get("partner_id") and "move_ids" in fields_list and not values.get("move_ids"):
            values["move_ids"] = [Command.set(self._overdue_moves(values["partner_id"], values.get(
                "company_id") or self.env.company.id).ids)]
        return values

    @api.model
    def _overdue_moves(self, partner_id, company_id):
        return self.env["account.move"].search([
            *self.env["account.move"]._collection_open_domain(),
            ("commercial_partner_id", "=", partner_id), ("company_id", "=", company_id),
            ("collection_days_overdue", ">", 0), ("collection_in_litigation", "=", False),
        ])

    # === Compute === #
    @api.depends("move_ids")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = wizard.move_ids.currency_id[:1] or wizard.company_id.currency_id
            wizard.amount_total = sum(wizard.move_ids.mapped("amount_residual"))

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.move_ids = self._overdue_moves(self.partner_id.commercial_partner_id.id, self.company_id.id)

    # === Actions === #
    def action_confirm(self):
        self.ensure_one()
        self.env["collection.case"].check_access("create")
        if not self.move_ids:
            raise UserError(self.env._("Select the invoices the case claims."))
        if len(self.move_ids.currency_id) > 1:
            raise UserError(self.env._("A case claims in one currency: open one case per currency."))
        lines = [Command.create({"move_id": move.id}) for move in self.move_ids]
        if self.case_id:
            self.case_id.write({"line_ids": lines})
            case = self.case_id
        else:
            case = self.env["collection.case"].create({
                "partner_id": self.partner_id.commercial_partner_id.id, "company_id": self.company_id.id,
                "currency_id": self.move_ids.currency_id.id, "case_type": self.case_type,
                "procedure": self.procedure, "jurisdiction": self.jurisdiction,
                "user_id": self.user_id.id or self.env.user.id, "line_ids": lines,
            })
            case._refresh_claim()
        case._close_legal_review()
        return {"type": "ir.actions.act_window", "res_model": "collection.case", "res_id": case.id,
                "view_mode": "form", "name": case.name}
