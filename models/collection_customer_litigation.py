from odoo import fields, models

LEGAL_USER = "account_collection_litigation.group_litigation_user"


class CollectionCustomer(models.Model):
    """From a customer file to its legal cases: open one (pre-filled), or see them."""

    _inherit = "collection.customer"

    # === Fields === #
    case_count = fields.Integer(string="Legal Cases", compute="_compute_case_count", groups=LEGAL_USER)

    # === Compute === #
    def _compute_case_count(self):
        counts = {(partner.id, company.id): count for partner, company, count in self.env[
            "collection.case"]._read_group([("partner_id", "in", self.partner_id.ids)],
                                           ["partner_id", "company_id"], ["__count"])}
        for file in self:
            file.case_count = counts.get((file.partner_id.id, file.company_id.id), 0)

    # === Actions === #
    def action_open_case_wizard(self):
        """Propose a legal case: the wizard, pre-filled with the overdue invoices no open case claims yet."""
        self.ensure_one()
        self.env["collection.case"].check_access("create")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_open_wizard_action")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def action_view_legal_cases(self):
        self.ensure_one()
        action = self.partner_id.action_open_legal_cases()
        action["domain"] = [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
        return action
