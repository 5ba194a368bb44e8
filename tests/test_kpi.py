from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, CollectionCommon
from .test_reports import ReportLedgerMixin

MODULE = "account_collection_litigation"
FEB_1, FEB_28 = date(2026, 2, 1), date(2026, 2, 28)


class KpiLedgerMixin(ReportLedgerMixin):
    """A small ledger of one customer around February 2026, whose KPIs are worked out by hand in the tests."""

    def _invoice_on(self, invoice_date, due, amount, move_type="out_invoice"):
        vals = {
            "move_type": move_type, "partner_id": self.customer.id, "company_id": self.company.id,
            "invoice_date": invoice_date,
            "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        }
        if due:
            vals["invoice_date_due"] = due
        move = self.env["account.move"].create(vals)
        move.action_post()
        return move

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def _write_off(self, move, amount, day):
        """A miscellaneous entry that writes `amount` of the invoice off to an expense account."""
        entry = self.env["account.move"].create({
            "move_type": "entry", "date": day, "journal_id": self.company_data["default_journal_misc"].id,
            "line_ids": [
                Command.create({"account_id": self._receivable(move).account_id.id, "partner_id": self.customer.id,
                                "credit": amount, "name": "Bad debt"}),
                Command.create({"account_id": self.company_data["default_account_expense"].id, "debit": amount,
                                "name": "Bad debt"}),
            ],
        })
        entry.action_post()
        (self._receivable(entry) | self._receivable(move)).reconcile()
        return entry

    def _build_kpi_ledger(self):
        self.company.partner_id.tz = False   # the company clock is UTC
        d = date
        self.i0 = self._invoice_on(d(2025, 12, 1), d(2025, 12, 31), 400.0)   # paid in January
        self.i1 = self._invoice_on(d(2026, 1, 10), d(2026, 1, 31), 1000.0)   # 600 paid on Feb 10
        self.i2 = self._invoice_on(d(2026, 1, 20), d(2026, 2, 19), 2000.0)   # paid on Feb 25, 6 days late
        self.i3 = self._invoice_on(d(2026, 2, 5), d(2026, 2, 15), 500.0)     # credited on Feb 20
        self.i4 = self._invoice_on(d(2026, 2, 10), d(2026, 3, 12), 800.0)    # open, not due
        self.i5 = self._invoice_on(d(2025, 11, 1), d(2025, 12, 1), 300.0)    # written off on Feb 26
        self.i6 = self._invoice_on(d(2026, 2, 1), d(2026, 2, 1), 1200.0)     # paid on its due date
        self._pay(self.i0, 400.0, d(2026, 1, 15))
        self._pay(self.i1, 600.0, d(2026, 2, 10))
        self._pay(self.i2, 2000.0, d(2026, 2, 25))
        self._pay(self.i6, 1200.0, d(2026, 2, 1))
        refund = self._invoice_on(d(2026, 2, 20), None, 500.0, move_type="out_refund")
        (self._receivable(refund) | self._receivable(self.i3)).reconcile()
        self._write_off(self.i5, 300.0, d(2026, 2, 26))
        self._escalate()   # the customer's file: its collector, today's workload
        self.file = self._file()

        pauses = self.env["collection.pause"].create([{
            "partner_id": self.customer.id, "reason": "promise", "date_from": d(2026, 1, 5),
            "date_to": d(2026, 1, 15), "promise_amount": 100.0,
        } for _n in range(3)])
        for pause, state, ended in zip(pauses, ("kept", "broken", "kept"),
                                       (d(2026, 2, 10), d(2026, 2, 20), d(2026, 1, 20)), strict=True):
            pause.write({"state": state, "ended_on": ended})

        stage = self.stages["Friendly reminder"]
        actions = {action.action_type: action for action in self.policy.action_ids}
        history = [
            # invoices entering a stage, and leaving it by payment or otherwise
            (datetime(2026, 2, 1, 1), "stage", self.i1, {"stage_to_id": stage.id}),
            (datetime(2026, 2, 20, 1), "stage", self.i2, {"stage_to_id": stage.id}),
            (datetime(2026, 2, 25, 1), "stage", self.i2, {"stage_from_id": stage.id, "paid": True}),
            (datetime(2026, 2, 16, 1), "stage", self.i3, {"stage_to_id": stage.id}),
            (datetime(2026, 2, 20, 1), "stage", self.i3, {"stage_from_id": stage.id}),
            (datetime(2026, 1, 1, 1), "stage", self.i5, {"stage_to_id": stage.id}),   # before the period
            # chasing actions: a payment followed the first two within 7 days (Feb 10), not the third
            (datetime(2026, 2, 3, 9, 0), "action", None, {"action_id": actions["email"].id, "state": "done"}),
            (datetime(2026, 2, 8, 9, 30), "action", None, {"action_id": actions["activity"].id, "state": "done"}),
            (datetime(2026, 2, 12, 14, 0), "action", None, {"action_id": actions["letter"].id, "state": "done"}),
        ]
        for when, event, move, values in history:
            if values.pop("paid", False):   # the escalation's path: a stage left because the invoice was paid
                with freeze_time(when):
                    model = self.env["collection.history"]
                    model._log_rows([model._engine_row(self.company, {"id": self.file.id, "partner_id":
                                                                      self.customer.id}, event, paid=True,
                                                       move_id=move.id, **values)])
            else:
                self._log_past(when, move or self.file, event, **values)
        # A call the collector logged on Feb 9 at 10:00, the day before the payment of Feb 10.
        self.env["collection.contact"].with_user(self.collector).create({
            "customer_id": self.file.id, "date": datetime(2026, 2, 9, 10, 0), "channel": "call",
            "outcome": "reached", "note": "Will pay tomorrow",
        })

    def _dashboard(self, date_from=FEB_1, date_to=FEB_28):
        return self.env["collection.kpi.dashboard"].create({"date_from": date_from, "date_to": date_to})


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestKpi(KpiLedgerMixin, CollectionCommon):
    """Each KPI of February 2026 on a hand-made ledger, against figures worked out by hand below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.collector_id = cls.collector

    def test_kpis_match_the_hand_computation(self):
        self._build_kpi_ledger()
        dashboard = self._dashboard()
        # Receivables: Jan 31 = I1 1,000 + I2 2,000 + I5 300 = 3,300 (I0 was paid on Jan 15); Feb 28 = I1 400 + I4
        # 800 = 1,200. Invoiced in February: I3 500 + I4 800 + I6 1,200 - credit note 500 = 2,000.
        self.assertEqual((dashboard.receivable_start, dashboard.receivable_end, dashboard.sales),
                         (3300.0, 1200.0, 2000.0))
        # DSO = ((3,300 + 1,200) / 2) / (2,000 / 28 days) = 2,250 * 28 / 2,000 = 31.5 days.
        self.assertAlmostEqual(dashboard.dso, 31.5)
        # Overdue rate on Feb 28: I1's 400 overdue of 1,200 open (I4 is due on Mar 12) = 1/3.
        self.assertEqual((dashboard.overdue_amount, dashboard.open_amount), (400.0, 1200.0))
        self.assertAlmostEqual(dashboard.overdue_rate, 1 / 3)
        # Cash applied in February: I6 1,200 (Feb 1) + I1 600 (Feb 10) + I2 2,000 (Feb 25) = 3,800.
        self.assertEqual(dashboard.collected, 3800.0)
        # Put into collection: due Jan 31 to Feb 27 and open after the due day: I1 1,000, I2 2,000, I3 500 (I6 was
        # paid on its due date) = 3,500; collected of it in cash: 600 + 2,000 = 2,600 (I3 was credited) -> 74.29%.
        self.assertEqual((dashboard.put_into_collection, dashboard.collected_from_put), (3500.0, 2600.0))
        self.assertAlmostEqual(dashboard.success_rate, 2600 / 3500)
        # Bad debt: I5's 300 written off ÷ 1,200 open = 25%.
        self.assertEqual(dashboard.written_off, 300.0)
        self.assertAlmostEqual(dashboard.bad_debt_rate, 0.25)
        # Promises settled in February: one kept, one broken (the third ended in January) = 50%.
        self.assertEqual((dashboard.promises_kept, dashboard.promises_broken), (1, 1))
        self.assertAlmostEqual(dashboard.promise_kept_rate, 0.5)
        # Fully paid in February with cash: I2 (Jan 20 -> Feb 25: 36 days, 6 late) and I6 (0 and 0): cycle 18 days;
        # days late weighted by amount (2,000 * 6 + 1,200 * 0) / 3,200 = 3.75. I3 (credited) and I5 (written off)
        # are not collections.
        self.assertEqual(dashboard.paid_count, 2)
        self.assertAlmostEqual(dashboard.avg_cycle_days, 18.0)
        self.assertAlmostEqual(dashboard.avg_days_late, 3.75)
        # No legal case cost: 0, and it says why.
        self.assertEqual(dashboard.legal_cost_ratio, 0.0)
        self.assertIn("No legal case cost", dashboard.legal_cost_note)

    def test_legal_cost_ratio(self):
        self._build_kpi_ledger()
        self.env.user.groups_id |= self.env.ref(f"{MODULE}.group_litigation_user")
        case = self.env["collection.case"].create({
            "partner_id": self.customer.id, "line_ids": [Command.create({"move_id": self.i4.id})],
        })
        self.env["collection.case.cost"].create([
            {"case_id": case.id, "kind": kind, "name": name, "date": day, "amount_manual": amount}
            for kind, name, day, amount in (("court", "Case fee", date(2026, 2, 10), 100.0),
                                            ("lawyer", "Retainer", date(2026, 2, 12), 50.0),
                                            ("other", "Courier", date(2026, 1, 30), 9.0))
        ])
        self._pay(self.i4, 300.0, date(2026, 2, 27))
        dashboard = self._dashboard()
        # Costs dated in February: 100 + 50 = 150 (the courier was in January); cash collected in February on
        # the claimed invoice I4: 300 -> 50%.
        self.assertEqual((dashboard.legal_costs, dashboard.legal_recovered), (150.0, 300.0))
        self.assertAlmostEqual(dashboard.legal_cost_ratio, 0.5)

    def test_breakdowns_match_the_hand_computation(self):
        self._build_kpi_ledger()
        data = self._dashboard()._kpi_data()
        # Friendly reminder: I1, I2 and I3 entered it in February (I5 in January); I2 was paid while in it.
        [stage] = data["stages"]
        self.assertEqual((stage["entered"], stage["paid"], stage["entered_amount"], stage["paid_amount"]),
                         (3, 1, 3500.0, 2000.0))
        self.assertAlmostEqual(stage["rate"], 1 / 3)
        self.assertAlmostEqual(stage["amount_rate"], 2000 / 3500)
        # Channels: the email (Feb 3), the activity (Feb 8) and the call (Feb 9) were followed by the payment of
        # Feb 10, not the letter (Feb 12).
        labels = dict(self.env["collection.action"]._fields["action_type"]._description_selection(self.env))
        channels = {row["name"]: (row["count"], row["followed"]) for row in data["channels"]}
        self.assertEqual(channels, {labels["email"]: (1, 1), labels["activity"]: (1, 1), labels["letter"]: (1, 0),
                                    "Phone call": (1, 1)})
        self.assertEqual([(row["name"], row["count"], row["followed"]) for row in data["hours"]],
                         [("09:00", 2, 2), ("10:00", 1, 1), ("14:00", 1, 0)])
        # The collector: one customer with 400 overdue today, three actions, all the cash, the cohort's rate.
        [row] = data["collectors"]
        self.assertEqual((row["name"], row["customers"], row["overdue"], row["actions"], row["contacts"],
                          row["collected"], row["kept"], row["broken"]), (self.collector.name, 1, 400.0, 3, 1, 3800.0,
                                                                          1, 1))
        self.assertAlmostEqual(row["success_rate"], 2600 / 3500)

    def test_trends_by_month(self):
        self._build_kpi_ledger()
        months = self._dashboard(date(2026, 1, 1), FEB_28)._kpi_data()["months"]
        # January: invoiced I1 + I2 = 3,000; collected I0's 400; on Jan 31, 3,300 open of which I5's 300 overdue
        # (I1 falls due that very day). February: as in the KPIs above.
        self.assertEqual([(row["month"], row["sales"], row["collected"], row["written_off"], row["open"],
                           row["overdue"]) for row in months],
                         [(date(2026, 1, 1), 3000.0, 400.0, 0.0, 3300.0, 300.0),
                          (FEB_1, 2000.0, 3800.0, 300.0, 1200.0, 400.0)])
        self.assertAlmostEqual(months[0]["overdue_rate"], 300 / 3300)

    def test_targets_against_actual(self):
        self._build_kpi_ledger()
        target = self.env["collection.kpi.target"]
        team = target.create({"date_from": FEB_1, "date_to": FEB_28, "target_amount": 5000.0, "target_rate": 0.8})
        # 3,800 collected of 5,000 = 76%; success rate 2,600 / 3,500.
        self.assertEqual(team.actual_amount, 3800.0)
        self.assertAlmostEqual(team.attainment, 0.76)
        self.assertAlmostEqual(team.actual_rate, 2600 / 3500)
        # Split among the collectors by their overdue customers: the only collector gets it all.
        team.action_split_to_collectors()
        mine = target.search([("user_id", "=", self.collector.id)])
        self.assertEqual((mine.target_amount, mine.target_rate, mine.team_target_id), (5000.0, 0.8, team))
        self.assertAlmostEqual(mine.attainment, 0.76)
        team.action_split_to_collectors()
        self.assertEqual(target.search_count([("user_id", "=", self.collector.id)]), 1, "split once")
        # From history: March's team target proposes what February collected.
        march = target.create({"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 28), "target_amount": 1.0})
        march.action_fill_from_history()
        self.assertEqual(march.target_amount, 3800.0)
        self.assertAlmostEqual(march.target_rate, round(2600 / 3500, 4))
        rows = self._dashboard()._kpi_data()["targets"]
        self.assertEqual(len(rows), 2)

    def test_dashboard_reads_in_sql_whatever_the_ledger_size(self):
        self._build_kpi_ledger()
        dashboard = self._dashboard()

        def queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            dashboard._kpi_data()
            return self.env.cr.sql_log_count - before

        queries()   # warm the caches of access rules and groups
        small = queries()
        self._invoices([(self._customer(f"More {n}"), 40, 100.0) for n in range(10)])
        queries()
        self.assertEqual(queries(), small, "grouped queries: the count does not grow with the ledger")
        self.assertLess(small, 30)


@tagged("post_install", "-at_install")
class TestKpiDemo(CollectionCommon):
    def test_dashboard_opens_with_the_demo_data(self):
        if not self.env.ref(f"{MODULE}.demo_invoice_01", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        main = self.env.ref("base.main_company")
        supervisor = self.env.ref("base.user_admin")
        dashboard_model = self.env["collection.kpi.dashboard"].with_user(supervisor).with_context(
            allowed_company_ids=main.ids)
        view = self.env.ref(f"{MODULE}.collection_kpi_dashboard_view_form")
        form = Form(dashboard_model, view=view)   # what the web client does: default_get, then onchange
        self.assertEqual(form.currency_id, main.currency_id, "amounts are shown in its currency")
        for name in ("dso", "sales", "open_amount", "overdue_amount", "overdue_rate", "collected", "success_rate"):
            self.assertGreater(form[name], 0, name)
        for name in ("collector_html", "stage_html", "trend_html", "forecast_html"):
            self.assertIn("<table", str(form[name]), name)
        self.assertIn("Chen Jing", str(form.collector_html))


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestForecast(KpiLedgerMixin, CollectionCommon):
    """The cash forecast of Monday 2 March 2026, against a hand computation."""

    def test_forecast_matches_the_hand_computation(self):
        self.company.partner_id.tz = False
        d = date
        # History. On Feb 1 (the only month start both existed on): H1 was 12 days overdue (1-30) with 1,000 open,
        # 500 of which were paid within 30 days; H2 was not due with 2,000 open, 1,600 paid within 30 days.
        h1 = self._invoice_on(d(2026, 1, 10), d(2026, 1, 20), 1000.0)
        h2 = self._invoice_on(d(2026, 1, 5), d(2026, 2, 15), 2000.0)
        self._pay(h1, 500.0, d(2026, 2, 10))
        self._pay(h2, 1600.0, d(2026, 2, 20))
        # Rates: not due 1,600 / 2,000 = 80%; 1-30: 500 / 1,000 = 50%; other buckets: overall 2,100 / 3,000 = 70%.
        f1 = self._invoice_on(d(2026, 2, 25), d(2026, 3, 12), 1000.0)   # not due: week of Mar 9
        f2 = self._invoice_on(d(2026, 3, 1), d(2026, 4, 20), 600.0)     # not due: week of Apr 20 (8th week)
        # A promise of 600 by Mar 5 on an invoice of 900: the invoice itself is not expected on its due date.
        promiser = self._customer("Promiser")
        p1 = self._move(promiser, 29, 900.0)
        self.env["collection.pause"].create({
            "partner_id": promiser.id, "reason": "promise", "move_ids": [Command.set(p1.ids)],
            "date_from": d(2026, 3, 1), "date_to": d(2026, 3, 5), "promise_amount": 600.0,
        })
        # Promises settled in the last 12 months: one kept, one broken -> 50%.
        other = self._customer("Former Promiser")
        for state in ("kept", "broken"):
            self.env["collection.pause"].create({
                "partner_id": other.id, "reason": "promise", "date_from": d(2025, 10, 1),
                "date_to": d(2025, 10, 15), "promise_amount": 100.0,
            }).write({"state": state, "ended_on": d(2025, 10, 20)})

        # A payment plan of 3 x 300 from Mar 16 (then monthly): weighted by the promise rate (no plan ended yet).
        planner = self._customer("Planner")
        planned = self._move(planner, 20, 900.0)   # issued after Feb 1: no part of the history
        self._escalate(planner)
        director = new_test_user(self.env, login="director_forecast",
                                 groups=f"{MODULE}.group_collection_director,account.group_account_invoice",
                                 company_id=self.company.id)
        plan = self.env["collection.payment.plan"].with_user(self.collector).create({
            "customer_id": self._file(planner).id, "move_ids": [Command.set(planned.ids)],
            "instalment_count": 3, "first_date": d(2026, 3, 16),
        })
        plan.with_user(self.collector).action_submit()
        plan.with_user(director).action_approve()
        self.assertEqual((plan.state, plan.line_ids.mapped("amount")), ("active", [300.0, 300.0, 300.0]))

        data = self.env["collection.kpi.dashboard"]._forecast(self.company, 12)
        rates = {row["name"]: row["rate"] for row in data["rates"]}
        self.assertEqual((rates["Not due"], rates["1-30 days"], rates["31-60 days"]), (0.8, 0.5, 0.7))
        self.assertEqual(data["promise_rate"], 0.5)
        weeks = data["weeks"]
        self.assertEqual(len(weeks), 12)
        # This week: H1's 500 left (41 days overdue, 31-60: 70%) = 350 and H2's 400 left (15 days, 1-30: 50%) = 200;
        # the promise: 600 at 50% = 300. Total 850.
        this_week = weeks[0]
        self.assertEqual(this_week["week"], d(2026, 3, 2))
        self.assertEqual((this_week["due_amount"], this_week["promise_amount"]), (900.0, 600.0))
        self.assertAlmostEqual(this_week["due_expected"], 550.0)
        self.assertAlmostEqual(this_week["promise_expected"], 300.0)
        self.assertAlmostEqual(this_week["expected"], 850.0)
        # Next week: F1's 1,000 at 80% = 800. Week of Apr 20: F2's 600 at 80% = 480. The plan's instalments of
        # Mar 16, Apr 16 and May 16 at 50% = 150 each, in the weeks of Mar 16, Apr 13 and May 11; its invoice is not
        # expected on its due date.
        self.assertAlmostEqual(weeks[1]["expected"], 800.0)
        self.assertAlmostEqual(weeks[7]["expected"], 480.0)
        self.assertEqual([(weeks[n]["plan_amount"], weeks[n]["plan_expected"]) for n in (2, 6, 10)],
                         [(300.0, 150.0)] * 3)
        self.assertEqual(sum(row["expected"] for row in weeks), 850.0 + 800.0 + 480.0 + 450.0)
        self.assertTrue(f1 and f2)

        dashboard = self._dashboard()
        self.assertIn("850.00", str(dashboard.forecast_html))
