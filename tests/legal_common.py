import base64
from datetime import date

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"
TODAY_DATE = fields.Date.to_date(TODAY)


class LegalCommon(CollectionCommon):
    """Legal users, and a debtor with invoices placed by their due dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref(f"{MODULE}.group_litigation_manager")
        cls.legal_user = new_test_user(
            cls.env, login="legal_user_test", name="Legal User Test", email="legal@test.example",
            groups=f"{MODULE}.group_litigation_user,account.group_account_invoice", company_id=cls.company.id,
        )
        cls.legal_manager = new_test_user(
            cls.env, login="legal_manager_test", name="Legal Manager Test", email="legal.manager@test.example",
            groups=f"{MODULE}.group_litigation_manager,account.group_account_invoice", company_id=cls.company.id,
        )
        cls.company.collection_jurisdiction = "prc"
        cls.stage = {stage.kind if stage.kind != "closed" else stage.close_result: stage
                     for stage in cls.env["collection.case.stage"].search([])}

    def _due_on(self, due, amount, partner=None):
        """A posted invoice due (and dated) on `due`."""
        return self._invoices([(partner or self.customer, (TODAY_DATE - due).days, amount)])

    def _case(self, moves, user=None, **values):
        return self.env["collection.case"].with_user(user or self.legal_user).create({
            "partner_id": moves.commercial_partner_id.id,
            "line_ids": [Command.create({"move_id": move.id}) for move in moves],
            **values,
        })

    @staticmethod
    def _b64(data):
        return base64.b64encode(data)

    def _provide(self, case, category, data=b"%PDF-1.4 evidence", name="evidence.pdf"):
        item = case.sudo().evidence_ids.filtered(lambda e: e.category == category)[:1]
        return self.env["collection.case.evidence.file"].with_user(self.legal_user).create(
            {"evidence_id": item.id, "name": name, "datas": self._b64(data)})

    def _provide_required(self, case):
        for item in case.sudo().evidence_ids.filtered("required"):
            self._provide(case, item.category, data=f"%PDF {item.name}".encode(), name=f"{item.category}.pdf")

    @staticmethod
    def _d(year, month, day):
        return date(year, month, day)
