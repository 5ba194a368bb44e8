from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"
WHERE = "Invoicing › Configuration › Settings › Bad Debts"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestWriteOffAccounts(CollectionCommon):
    """A write-off debits the account the company set for bad debts (or its allowance), of its own company, and
    is refused, naming where to set it, without one; never the first expense account found."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref(f"{MODULE}.group_litigation_manager")   # writes off
        cls.bad_debts = cls._account("Bad Debts Test", "650900", cls.company)
        cls.company.write({
            "collection_write_off_journal_id": cls.company_data["default_journal_misc"].id,
            "collection_bad_debt_account_id": cls.bad_debts.id,
        })

    @classmethod
    def _account(cls, name, code, company, account_type="expense"):
        return cls.env["account.account"].with_company(company).create({
            "name": name, "code": code, "account_type": account_type, "company_ids": [Command.set(company.ids)]})

    @contextmanager
    def _refused(self, pattern):
        """A UserError matching `pattern`, and nothing of the refused call kept (as a request's rollback)."""
        with self.assertRaisesRegex(UserError, pattern), self.env.cr.savepoint():
            yield

    def _write_off(self, move):
        return self.env["collection.write.off"]._write_off_invoices(move, values={"reason": "age"})

    def _debit_account(self, write_off):
        return write_off.entry_id.line_ids.filtered(lambda line: line.debit).account_id

    def test_entry_debits_the_bad_debt_account_of_the_company(self):
        write_off = self._write_off(self._invoice(400, amount=800.0))
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(self._debit_account(write_off), self.bad_debts)

    def test_without_a_bad_debt_account_nothing_is_posted(self):
        self.company.collection_bad_debt_account_id = False
        move = self._invoice(400, amount=800.0)
        with self._refused(f"no Bad-debt Expense Account.*{WHERE}"):
            self._write_off(move)
        self.assertEqual(move.payment_state, "not_paid")
        self.assertFalse(self.env["collection.write.off"].search([("move_ids", "in", move.ids)]))

    def test_allowance_used_and_required_when_the_company_books_one(self):
        self.company.collection_use_allowance = True
        move = self._invoice(400, amount=800.0)
        with self._refused(f"no Allowance Account.*{WHERE}"):
            self._write_off(move)
        allowance = self._account("Allowance Test", "129900", self.company, "asset_current")
        self.company.collection_allowance_account_id = allowance
        self.assertEqual(self._debit_account(self._write_off(move)), allowance)

    def test_account_or_journal_of_another_company_is_refused(self):
        other = self.setup_other_company(name="Write-off Elsewhere")
        foreign = self._account("Bad Debts Elsewhere", "650901", other["company"])
        move = self._invoice(400, amount=800.0)
        self.company.collection_bad_debt_account_id = foreign   # res.company does not check its own fields
        with self._refused("Bad Debts Elsewhere.*belongs to another company"):
            self._write_off(move)
        self.company.write({"collection_bad_debt_account_id": self.bad_debts.id,
                            "collection_write_off_journal_id": other["default_journal_misc"].id})
        with self._refused("Write-off Journal.*belongs to another company"):
            self._write_off(move)
        self.assertEqual(move.payment_state, "not_paid")

    def test_update_marks_customers_written_off_before_the_mark_existed(self):
        write_off = self._write_off(self._invoice(400, amount=800.0))
        file = self._file()
        self.assertTrue(file.written_off)
        file.sudo().written_off = False   # as a database of the earlier version holds it
        self.assertNotEqual(self.customer.collection_status, "written_off")
        self.env["collection.write.off"]._sync_posted_customer_files()
        self.assertTrue(file.written_off)
        self.env.invalidate_all()   # the status is computed at each read, as each request of the web client does
        self.assertEqual(self.customer.collection_status, "written_off")
        write_off.action_reverse()
        self.assertFalse(file.written_off)

    def test_accountant_sets_the_accounts_in_the_settings(self):
        self.company.collection_bad_debt_account_id = False
        settings = self.env["res.config.settings"].create({"collection_bad_debt_account_id": self.bad_debts.id})
        settings.execute()
        self.assertEqual(self.company.collection_bad_debt_account_id, self.bad_debts)

    def test_demo_company_has_a_bad_debt_account_of_its_own(self):
        account = self.env.ref(f"{MODULE}.demo_account_bad_debts", raise_if_not_found=False).sudo()
        if not account:
            self.skipTest("installed without demo data")
        main = self.env.ref("base.main_company")
        self.assertEqual(main.collection_bad_debt_account_id, account)
        self.assertEqual(account.name, "Bad Debts")
        written_off = self.env["collection.write.off"].sudo().search(
            [("company_id", "=", main.id), ("state", "=", "posted")])
        self.assertTrue(written_off, "the demo writes Northwind Pumps off")
        for write_off in written_off:
            self.assertEqual(self._debit_account(write_off), account)
