from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_lawyer_licence = fields.Char(
        string="Lawyer Licence Number", help="The practising licence number a lawyer letter names (执业证号).")


class CollectionCase(models.Model):
    _inherit = "collection.case"

    @api.model
    def _engaged_lawyer_cases(self, files):
        """{file: open case with an engaged lawyer} for customer files, the latest case of each; a UserError names
        the first customer with no lawyer engaged: a lawyer letter comes from the lawyer, never from the company."""
        cases = self.sudo().search([
            ("partner_id", "in", files.partner_id.ids), ("company_id", "in", files.company_id.ids),
            ("is_closed", "=", False), ("lawyer_id", "!=", False),
        ], order="id desc")
        case_of = {}
        for case in cases:
            case_of.setdefault((case.partner_id.id, case.company_id.id), case)
        result = {}
        for file in files:
            case = case_of.get((file.partner_id.id, file.company_id.id))
            if not case:
                raise UserError(self.env._(
                    "%(customer)s has no lawyer engaged: a lawyer letter comes from the lawyer. Engage a lawyer on "
                    "its legal case first (Legal › Cases, the Outside Lawyer field).", customer=file.partner_id.name))
            result[file] = case
        return result

    def _lawyer_letter_context(self):
        """The `lawyer` of a lawyer letter's context: the engaged lawyer and firm, their licence and contact."""
        self.ensure_one()
        lawyer = self.sudo().lawyer_id
        firm = self.sudo().law_firm_id or lawyer.parent_id

        def address(partner):
            lines = (line.strip().strip(",").strip()
                     for line in partner._display_address(without_company=True).split("\n"))
            return ", ".join(line for line in lines if line)

        return {
            "name": lawyer.name or "", "firm": firm.name or "", "licence": lawyer.collection_lawyer_licence or "",
            "phone": lawyer.phone or lawyer.mobile or firm.phone or "", "email": lawyer.email or firm.email or "",
            "address": address(firm) or address(lawyer),
        }

    def action_draft_lawyer_letter(self):
        """The engaged lawyer's letter to the debtor about the claimed invoices, in the debtor's language."""
        self.ensure_one()
        self.check_access("write")
        engine = self.env["collection.letter.engine"]
        file = engine._case_customer_file(self)
        letters = engine._generate(file, "lawyer")
        if not letters:
            raise UserError(self.env._("%(case)s has no overdue invoice to write about.", case=self.name))
        return {"type": "ir.actions.act_window", "res_model": "collection.letter", "res_id": letters[:1].id,
                "view_mode": "form", "name": letters[:1]._kind_label()}

    def _demo_lawyer_letter(self):
        """The demo case's lawyer letter, in Chinese, from its engaged lawyer (called from the demo data)."""
        template = self.env.ref("account_collection_litigation.letter_template_zh_cn_lawyer", raise_if_not_found=False)
        engine = self.env["collection.letter.engine"]
        for case in self:
            engine._generate(engine._case_customer_file(case), "lawyer", template=template)
