from odoo import Command, api, fields, models

CASE_TYPES = [
    ("sale_of_goods", "Sale of goods"),
    ("services", "Services"),
    ("loan", "Loan or IOU"),
    ("other", "Other"),
]
EVIDENCE_CATEGORIES = [
    ("contract", "Contract"),
    ("order", "Orders"),
    ("invoice", "Invoices"),
    ("delivery", "Delivery notes with signed receipts"),
    ("balance_confirmation", "Balance confirmations"),
    ("correspondence", "Correspondence"),
    ("demand", "Delivered demand letters"),
    ("payment_voucher", "Payment vouchers"),
    ("iou", "IOU"),
    ("asset_investigation", "Asset investigation"),
    ("other", "Other"),
]


class CollectionEvidenceTemplate(models.Model):
    """The evidence a case of one type needs; a new case gets its checklist from the template of its type."""

    _name = "collection.evidence.template"
    _description = "Evidence Checklist Template"
    _order = "sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    case_type = fields.Selection(CASE_TYPES, required=True, default="sale_of_goods")
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the template.")
    line_ids = fields.One2many("collection.evidence.template.line", "template_id", string="Items", copy=True)

    # === Business === #
    @api.model
    def _for_case_type(self, case_type, company):
        """The template of a case type for a company: its own before a shared one."""
        templates = self.search([
            ("case_type", "=", case_type), "|", ("company_id", "=", False), ("company_id", "parent_of", company.ids),
        ])
        return templates.sorted(lambda t: (not t.company_id, t.sequence, t.id))[:1]

    def _evidence_commands(self):
        self.ensure_one()
        return [Command.create({
            "sequence": line.sequence, "name": line.name, "category": line.category, "required": line.required,
            "note": line.description,
        }) for line in self.line_ids]


class CollectionEvidenceTemplateLine(models.Model):
    _name = "collection.evidence.template.line"
    _description = "Evidence Checklist Template Item"
    _order = "template_id, sequence, id"

    # === Fields === #
    template_id = fields.Many2one("collection.evidence.template", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    category = fields.Selection(EVIDENCE_CATEGORIES, required=True, default="other")
    required = fields.Boolean(default=True)
    description = fields.Text(translate=True, help="What counts, e.g. \"signed and sealed by the debtor\".")
