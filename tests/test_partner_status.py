from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import TODAY, CollectionCommon
from .edge_ledger import EDGE_STATUSES, EdgeLedgerMixin

STATUSES = ("good", "overdue", "paused", "hold", "litigation", "written_off")


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestPartnerStatus(EdgeLedgerMixin, CollectionCommon):
    """Every partner has exactly one collection status, and a search on a status finds exactly its partners."""

    def setUp(self):
        super().setUp()
        self.partners = self._build_edge_ledger()
        self.partners["Edge Written Off"] = self._written_off_customer("Edge Written Off")

    def _written_off_customer(self, name):
        """A customer whose overdue invoice was written off (posted at once: below the company's limit)."""
        self.env.user.groups_id |= self.env.ref("account_collection_litigation.group_litigation_manager")
        self.company.write({"collection_write_off_journal_id": self.company_data["default_journal_misc"].id,
                            "collection_bad_debt_account_id": self.company_data["default_account_expense"].id})
        partner = self._customer(name)
        move = self._invoice(20, 600.0, partner=partner)
        self._escalate(partner)
        self.write_off = self.env["collection.write.off"]._write_off_invoices(move, values={"reason": "age"})
        self.assertEqual(self.write_off.state, "posted")
        return partner

    def _check_partition(self, env):
        """Over every partner `env` reads (archived included): one status each, found by each kind of search."""
        partner_model = env["res.partner"].with_context(active_test=False)
        partners = partner_model.search([])
        computed = {partner: partner.collection_status for partner in partners}
        self.assertLessEqual(set(computed.values()), set(STATUSES))
        for status in STATUSES:
            with self.subTest(company=env.company.name, user=env.user.login, status=status):
                having = partners.filtered(lambda p, s=status: computed[p] == s)
                self.assertEqual(partner_model.search([("collection_status", "=", status)]), having)
                self.assertEqual(partner_model.search([("collection_status", "in", [status])]), having)
                self.assertEqual(partner_model.search([("collection_status", "!=", status)]), partners - having)
                self.assertEqual(partner_model.search([("collection_status", "not in", [status])]), partners - having)
        return computed

    def test_edge_cases_read_their_status(self):
        for user in (self.env.user, self.salesman):
            partners = self.env["res.partner"].with_user(user).with_context(active_test=False)
            for name, expected in EDGE_STATUSES.items():
                if expected is None:
                    continue
                with self.subTest(user=user.login, customer=name):
                    self.assertEqual(partners.browse(self.partners[name].id).collection_status, expected)
            contact = partners.browse(self.partners["Edge Overdue Contact"].id)
            self.assertEqual(contact.collection_status, "overdue", "a contact shows its company's status")
        credited = self._file(self.partners["Edge Credited"])
        self.assertFalse(credited.next_action_id, "a customer covered by credit is not chased")

    def test_good_standing_search_finds_credited_and_below_minimum(self):
        partners = self.env["res.partner"].with_user(self.salesman).with_context(active_test=False)
        good = partners.search([("collection_status", "=", "good"), ("name", "=like", "Edge %")])
        self.assertEqual(set(good.mapped("name")) - {"Edge Unchecked"},
                         {name for name, status in EDGE_STATUSES.items() if status == "good"})
        overdue = partners.search([("collection_status", "in", ["overdue", "hold", "litigation"]),
                                   ("name", "=like", "Edge %")])
        self.assertEqual(set(overdue.mapped("name")),
                         {"Edge Overdue", "Edge Held", "Edge Litigation", "Edge Archived", "Edge Overdue Contact"})

    def test_every_partner_has_exactly_one_status(self):
        computed = self._check_partition(self.env)
        self.assertEqual({computed[p] for p in self.partners.values()}, set(STATUSES), "the ledger has them all")
        self._check_partition(self.env(user=self.salesman))

    def test_every_demo_partner_has_exactly_one_status(self):
        main = self.env.ref("base.main_company")
        if not self.env["collection.customer"].sudo().search_count([("company_id", "=", main.id)]):
            self.skipTest("no collection file in the main company (installed without demo data)")
        sales = new_test_user(self.env, login="status_sales_main", groups="base.group_user",
                              company_id=main.id, company_ids=main.ids)
        for user in (self.env.ref("base.user_admin"), sales):
            computed = self._check_partition(self.env(user=user, context={"allowed_company_ids": main.ids}))
            self.assertGreater(len(set(computed.values())), 1, "the demo spreads customers over several statuses")

    def test_written_off_customer_reads_written_off_until_reversed(self):
        partner = self.partners["Edge Written Off"]
        partners = self.env["res.partner"].with_user(self.salesman)
        self.assertEqual(partners.browse(partner.id).collection_status, "written_off",
                         "its invoice is settled by the write-off, yet the customer cost the company money")
        # the filter "Written Off" of the contacts
        self.assertEqual(partners.search([("collection_status", "=", "written_off"), ("name", "=like", "Edge %")]),
                         partner)
        self.write_off.action_reverse()
        self._escalate(partner)
        self.assertEqual(partners.browse(partner.id).collection_status, "overdue", "the reversal reopened it")
        self.assertFalse(partners.search([("collection_status", "=", "written_off"), ("name", "=like", "Edge %")]))
