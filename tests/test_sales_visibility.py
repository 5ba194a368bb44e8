from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TODAY, CollectionCommon

STATUSES = ("good", "overdue", "paused", "hold", "blacklisted", "litigation", "written_off")


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestSalesVisibility(CollectionCommon):
    """What a sales rep reads: Blacklisted on the badge (after litigation, before everything else), and a
    blocking warning on new quotations when the Sales app is installed."""

    def _ledger(self):
        customers = {name: self._customer(name) for name in (
            "BL No File", "BL Overdue", "BL Held", "BL Litigation", "BL Paid", "Plain Overdue", "Plain Held",
            "Plain Litigation")}
        self._invoices([
            (customers["BL Overdue"], 10, 500.0), (customers["BL Held"], 65, 800.0),
            (customers["BL Litigation"], 100, 900.0), (customers["Plain Overdue"], 10, 500.0),
            (customers["Plain Held"], 65, 800.0), (customers["Plain Litigation"], 100, 900.0),
        ])
        paid = self._invoice(20, 300.0, partner=customers["BL Paid"])
        self._pay(paid, 300.0)
        self.env["collection.pause"].create([
            {"partner_id": customers[name].id, "reason": "litigation", "note": "Case filed"}
            for name in ("BL Litigation", "Plain Litigation")
        ])
        for name in ("BL No File", "BL Overdue", "BL Held", "BL Litigation", "BL Paid"):
            customers[name].collection_blacklisted = True
        for name, partner in customers.items():
            if name != "BL No File":
                self._escalate(partner)
        return customers

    def test_blacklisted_precedence_and_searches(self):
        customers = self._ledger()
        expected = {
            "BL No File": "blacklisted", "BL Overdue": "blacklisted", "BL Held": "blacklisted",
            "BL Paid": "blacklisted", "BL Litigation": "litigation",
            "Plain Overdue": "overdue", "Plain Held": "hold", "Plain Litigation": "litigation",
        }
        for user in (self.env.user, self.salesman):
            partners = self.env["res.partner"].with_user(user)
            for name, status in expected.items():
                with self.subTest(user=user.login, customer=name):
                    self.assertEqual(partners.browse(customers[name].id).collection_status, status)
            # Every partner has exactly one status and each search finds exactly the partners showing it.
            everyone = partners.with_context(active_test=False).search([])
            computed = {partner: partner.collection_status for partner in everyone}
            for status in STATUSES:
                with self.subTest(user=user.login, status=status):
                    having = everyone.filtered(lambda p, s=status, c=computed: c[p] == s)
                    self.assertEqual(partners.with_context(active_test=False).search(
                        [("collection_status", "=", status)]), having)
                    self.assertEqual(partners.with_context(active_test=False).search(
                        [("collection_status", "not in", [status])]), everyone - having)
        contact = self.env["res.partner"].create({"name": "BL Contact", "parent_id": customers["BL Held"].id})
        self.assertEqual(contact.collection_status, "blacklisted", "a contact reads its company's status")

    def test_written_off_badge_and_its_precedence(self):
        """Written off after litigation and before everything else, whatever the invoices owe now; the sales rep
        reads the badge and finds the customers, and reads neither the write-off nor its case."""
        self.env.user.groups_id |= self.env.ref("account_collection_litigation.group_litigation_manager")
        self.company.write({"collection_write_off_journal_id": self.company_data["default_journal_misc"].id,
                            "collection_bad_debt_account_id": self.company_data["default_account_expense"].id})
        customers = {name: self._customer(name) for name in (
            "WO Settled", "WO Blacklisted", "WO Overdue Again", "WO Litigation", "WO Other Customer")}
        written_off = [name for name in customers if name != "WO Other Customer"]
        old = self._invoices([(customers[name], 20, 700.0) for name in written_off])
        self._invoices([(customers["WO Overdue Again"], 10, 300.0), (customers["WO Litigation"], 100, 900.0),
                        (customers["WO Other Customer"], 10, 300.0)])
        for move in old:
            self.env["collection.write.off"]._write_off_invoices(move, values={"reason": "age"})
        customers["WO Blacklisted"].collection_blacklisted = True
        self.env["collection.pause"].create(
            {"partner_id": customers["WO Litigation"].id, "reason": "litigation", "note": "Case filed"})
        for partner in customers.values():
            self._escalate(partner)
        expected = {"WO Settled": "written_off", "WO Blacklisted": "written_off", "WO Overdue Again": "written_off",
                    "WO Litigation": "litigation", "WO Other Customer": "overdue"}
        partners = self.env["res.partner"].with_user(self.salesman)
        for name, status in expected.items():
            with self.subTest(customer=name):
                self.assertEqual(partners.browse(customers[name].id).collection_status, status)
        found = partners.search([("collection_status", "=", "written_off"), ("name", "=like", "WO %")])
        self.assertEqual(set(found.mapped("name")), {"WO Settled", "WO Blacklisted", "WO Overdue Again"})
        self.assertEqual(partners.search([("collection_status", "!=", "written_off"), ("name", "=like", "WO %")]),
                         customers["WO Litigation"] | customers["WO Other Customer"])
        write_off = self.env["collection.write.off"].search([("partner_id", "=", customers["WO Settled"].id)])
        with self.assertRaises(AccessError):
            write_off.with_user(self.salesman).check_access("read")

    def test_quotations_blocked_without_depending_on_sales(self):
        block_model = self.env["collection.sale.block"]
        if not block_model._sale_installed():
            self.assertEqual(block_model._sync_sale_warnings(), 0, "a no-op without the Sales app")
            self.skipTest("the Sales app (sale) is not installed here: the blocking warning on quotations is "
                          "tested only in a database with Sales")
        customers = self._ledger()
        customers["Plain Held"].write({"sale_warn": "warning", "sale_warn_msg": "Call before quoting"})
        block_model._sync_sale_warnings()
        mine = self.env["res.partner"].union(*customers.values())
        self.assertEqual(len(block_model.search([("partner_id", "in", mine.ids)])), 7)
        for name in ("BL No File", "BL Overdue", "BL Held", "BL Litigation", "BL Paid", "Plain Held",
                     "Plain Litigation"):
            with self.subTest(customer=name):
                self.assertEqual(customers[name].sale_warn, "block")
        self.assertIn("on credit hold", customers["Plain Held"].sale_warn_msg)
        self.assertEqual(customers["Plain Overdue"].sale_warn, "no-message", "overdue alone does not block")
        self.assertEqual(block_model._sync_sale_warnings(), 0, "nothing twice")
        # A new quotation is blocked by Sales' own warning.
        order = self.env["sale.order"].new({"partner_id": customers["Plain Held"].id})
        warning = order._onchange_partner_id_warning()
        self.assertIn("on credit hold", warning["warning"]["message"])
        # The status clears: the previous warning comes back; a warning changed by hand meanwhile stays.
        self._pay(self.env["account.move"].search([("partner_id", "=", customers["Plain Held"].id)]), 800.0)
        self._escalate(customers["Plain Held"])
        customers["BL Paid"].collection_blacklisted = False
        customers["BL Overdue"].write({"sale_warn_msg": "Changed by the sales manager"})
        customers["BL Overdue"].collection_blacklisted = False
        self._escalate(customers["BL Overdue"])
        block_model._sync_sale_warnings()
        self.assertEqual((customers["Plain Held"].sale_warn, customers["Plain Held"].sale_warn_msg),
                         ("warning", "Call before quoting"))
        self.assertEqual(customers["BL Paid"].sale_warn, "no-message")
        self.assertEqual(customers["BL Overdue"].sale_warn_msg, "Changed by the sales manager")
