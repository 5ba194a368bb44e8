from odoo import fields, models

LEGAL_USER = "account_collection_litigation.group_litigation_user"


class ResPartner(models.Model):
    """Lawyers, law firms and courts are contacts flagged as such; a debtor shows its legal cases."""

    _inherit = "res.partner"

    # === Fields === #
    collection_is_lawyer = fields.Boolean(string="Lawyer", help="Offered as the outside lawyer of legal cases.")
    collection_is_law_firm = fields.Boolean(string="Law Firm", help="Offered as the law firm of legal cases.")
    collection_is_court = fields.Boolean(string="Court", help="Offered as the court of legal cases.")
    collection_case_ids = fields.One2many("collection.case", "partner_id", string="Legal Cases", groups=LEGAL_USER)
    collection_case_count = fields.Integer(compute="_compute_collection_case_count", groups=LEGAL_USER)

    # === Compute === #
    def _compute_collection_case_count(self):
        counts = dict(self.env["collection.case"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.collection_case_count = counts.get(partner.commercial_partner_id, 0)

    # === Actions === #
    def action_open_legal_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_case_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_open_case_wizard(self):
        self.ensure_one()
        self.env["collection.case"].check_access("create")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_open_wizard_action")
        action["context"] = {"active_model": "res.partner", "active_ids": self.commercial_partner_id.ids}
        return action
