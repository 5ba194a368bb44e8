from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import RecordCapturer, tagged

from .legal_common import MODULE, LegalCommon

# The case walked through below, worked out by hand on China's 2026 calendar (State Council notice of 2025:
# Qingming 4-6 Apr, Labour Day 1-5 May, National Day 1-7 Oct, adjusted working day Sat 10 Oct; weekends).
# Invoice of 100,000 CNY due Mon 1 May 2023.
TABLE = {
    # limitation: 1 May 2023 + 3 years = Fri 1 May 2026, Labour Day -> Wed 6 May 2026 (Civil Code 188, 203)
    "limitation_before_letter": date(2026, 5, 6),
    # lawyer letter delivered Wed 4 Mar 2026 (EMS receipt): + 3 years = Sun 4 Mar 2029 -> Mon 5 Mar 2029;
    # the preservation applied for on Thu 5 Mar 2026 interrupts again: Mon 5 Mar 2029 (Civil Code 195)
    "limitation_after_letter": date(2029, 3, 5),
    "limitation_after_preservation": date(2029, 3, 5),
    # pre-suit measure Fri 6 Mar 2026 on a deposit, left "Applied for": expires Fri 5 Mar 2027 (1 year, its day
    # counted); renew 7 days before: Fri 26 Feb 2027; suit within 30 days: Sun 5 Apr (Qingming) -> Tue 7 Apr 2026
    "preservation_expiry": date(2027, 3, 5),
    "preservation_renew": date(2027, 2, 26),
    "suit_due": date(2026, 4, 7),
    # judgment served on us Wed 16 Sep, on the debtor Thu 17 Sep 2026; 15 days: Thu 1 Oct / Fri 2 Oct, National
    # Day -> Thu 8 Oct both (CPL 171, 85); effective Fri 9 Oct; perform within 8 days: Sat 17 Oct -> Mon 19 Oct;
    # enforcement within 2 years: Thu 19 Oct 2028 (CPL 250)
    "appeal": date(2026, 10, 8),
    "debtor_appeal": date(2026, 10, 8),
    "effective": date(2026, 10, 9),
    "performance": date(2026, 10, 19),
    "enforcement_apply": date(2028, 10, 19),
    # enforcement applied for Tue 20 Oct 2026: 终本 not before Wed 20 Jan 2027 (Termination Provisions art. 1)
    "termination_earliest": date(2027, 1, 20),
    # dishonest listing on ground 4, Mon 2 Nov 2026: 2 years -> Thu 2 Nov 2028
    "list_term_end": date(2028, 11, 2),
    # 终本 Tue 26 Jan 2027: re-search every 6 months for 5 years (Termination Provisions art. 9)
    "rechecks": [date(2027, 7, 26), date(2028, 1, 26), date(2028, 7, 26), date(2029, 1, 26), date(2029, 7, 26),
                 date(2030, 1, 26), date(2030, 7, 26), date(2031, 1, 26), date(2031, 7, 26), date(2032, 1, 26)],
}
# The deadline job's activities, by the day it runs: (summary start, threshold in days, activity date).
ACTIVITIES = {
    # limitation 6 May: the 90-day reminder (Thu 5 Feb) has passed, the 30-day one (Mon 6 Apr, Qingming -> Fri 3 Apr)
    # not yet
    "2026-03-02": {("Limitation", 90, date(2026, 5, 6))},
    # suit due Tue 7 Apr: its 7-day reminder is Tue 31 Mar
    "2026-03-31": {("File suit by", 7, date(2026, 4, 7))},
    # appeal 8 Oct: the 7-, 3- and 1-day reminders (1, 5, 7 Oct) are all in National Day -> moved earlier to
    # Wed 30 Sep, where the most urgent is raised
    "2026-09-30": {("Our appeal deadline", 1, date(2026, 10, 8))},
    # preservation left "Applied for": expiry Fri 5 Mar 2027, 14 days before = Fri 19 Feb; renew-by Fri 26 Feb, 7
    # days before = Fri 19 Feb
    "2027-02-19": {("Preservation expires", 14, date(2027, 3, 5)), ("Renew preservation by", 7, date(2027, 2, 26))},
    # the first re-search Mon 26 Jul 2027, 7 days before = Mon 19 Jul
    "2027-07-19": {("Asset re-check", 7, date(2027, 7, 26))},
}


@tagged("post_install", "-at_install")
class TestLegalCalendar(LegalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cny = cls.env.ref("base.CNY")
        cls.cny.active = True
        company = cls.company
        company.partner_id.tz = "Asia/Shanghai"
        company.resource_calendar_id.tz = "Asia/Shanghai"
        company.country_id = cls.env.ref("base.cn")
        # The calendar of this test only: what the install loaded for the company's former country goes.
        cls.env["resource.calendar.leaves"].search(
            [("company_id", "=", company.id), ("resource_id", "=", False)]).unlink()
        cls.env["collection.working.day"].search([("company_id", "=", company.id)]).unlink()
        cls.loaded = company._collection_load_holidays([2026, 2027])

    def _run_deadline_job(self, day):
        """Every activity the deadline job creates that day, as (deadline kind label, threshold, activity date)."""
        labels = sorted(dict(self.env["collection.case.deadline"]._fields["kind"].selection).values(), key=len,
                        reverse=True)
        with freeze_time(f"{day} 04:00:00"), RecordCapturer(self.env["mail.activity"], []) as capture:
            self.env.ref(f"{MODULE}.ir_cron_collection_case_deadlines").method_direct_trigger()
        return {(next((label for label in labels if activity.summary.startswith(label)), activity.summary),
                 int(activity.summary.rsplit("(", 1)[1].split()[0]), activity.date_deadline)
                for activity in capture.records}

    def test_calendar_loaded_with_sources_and_read_by_everyone(self):
        company = self.company
        self.assertGreater(self.loaded[company], 30)
        calendar = company._collection_working_days(date(2026, 1, 1), date(2026, 12, 31))[company.id]
        self.assertTrue(calendar.is_off(date(2026, 10, 1)), "National Day")
        self.assertTrue(calendar.is_off(date(2026, 10, 7)), "National Day, a substituted day off")
        self.assertTrue(calendar.is_working(date(2026, 10, 10)), "an adjusted working Saturday (调休)")
        self.assertTrue(calendar.is_off(date(2026, 10, 11)), "a plain Sunday")
        self.assertEqual(calendar.years, frozenset({2026}), "the years whose holidays are known, in the range read")
        self.assertEqual(company._collection_working_days()[company.id].years, frozenset({2026, 2027}))
        leave = self.env["resource.calendar.leaves"].search(
            [("company_id", "=", company.id), ("collection_source", "!=", False)], limit=1)
        self.assertRegex(leave.collection_source, r"^(holidays|chinese-calendar) ")
        worked = self.env["collection.working.day"].search([("company_id", "=", company.id),
                                                            ("date", "=", "2026-10-10")])
        self.assertRegex(worked.source, r"^chinese-calendar ")
        # Loading again creates nothing (a yearly run, an action pressed twice).
        self.assertEqual(company._collection_load_holidays([2026, 2027]), {company: 0})
        # A legal manager may edit the calendar; a collector may not touch adjusted working days.
        worked.with_user(self.legal_manager).name = "National Day (adjusted)"
        with self.assertRaises(AccessError):
            self.env["collection.working.day"].with_user(self.collector).create(
                {"date": "2026-12-26", "name": "made up", "company_id": company.id})
        # The escalation's business days read the same calendar.
        self.assertFalse(company._collection_working_days(date(2026, 10, 1), date(2026, 10, 1))[company.id]
                         .is_working(date(2026, 10, 1)))

    def test_one_case_from_lawyer_letter_to_termination_and_resumption(self):
        legal = self.legal_user
        with freeze_time("2026-03-02 04:00:00"):
            invoice = self._due_on(date(2023, 5, 1), 100_000.0)
            case = self._case(invoice)
        line = case.line_ids
        self.assertEqual(line.limitation_deadline, TABLE["limitation_before_letter"])
        self.assertEqual(line.limitation_nominal, date(2026, 5, 1))
        self.assertIn("not a working day", line.limitation_explanation)
        self.assertEqual(self._run_deadline_job("2026-03-02"), ACTIVITIES["2026-03-02"])

        # --- Lawyer letter delivered Wed 4 Mar 2026, with the EMS receipt --- #
        self.env["collection.case.interruption"].with_user(legal).create({
            "case_id": case.id, "kind": "lawyer_letter", "date": "2026-03-04", "proof_method": "ems",
            "proof_file": self._b64(b"EMS receipt and content"), "proof_filename": "ems.pdf"})
        self.assertEqual(line.limitation_deadline, TABLE["limitation_after_letter"])
        self.assertIn("2029", line.limitation_explanation, "2029's holidays are not loaded: said so")

        # --- Pre-suit preservation, left "Applied for" --- #
        measure = self.env["collection.case.preservation"].with_user(legal).create({
            "case_id": case.id, "pre_suit": True, "asset_type": "bank_deposit", "description": "ICBC 6222",
            "amount": 100_000.0, "application_date": "2026-03-05", "measure_date": "2026-03-06"})
        self.assertEqual(measure.state, "requested")
        self.assertEqual((measure.expiry_date, measure.renew_by, measure.suit_due),
                         (TABLE["preservation_expiry"], TABLE["preservation_renew"], TABLE["suit_due"]))
        self.assertEqual(line.limitation_deadline, TABLE["limitation_after_preservation"])
        self.assertIn("courts differ", measure.deadline_explanation)
        kinds = {d.kind: (d.date, d.party) for d in self.env["collection.case.deadline"].search(
            [("case_id", "=", case.id)])}
        self.assertEqual(kinds["preservation_renew"], (TABLE["preservation_renew"], "creditor"),
                         "renew-by runs from the measure whatever the record's state")
        self.assertEqual(self._run_deadline_job("2026-03-31"), ACTIVITIES["2026-03-31"])

        # --- Filed Thu 2 Apr 2026; judgment served Wed 16 / Thu 17 Sep 2026, perform within 8 days --- #
        self._provide_required(case)
        case.with_user(legal).write({"filing_date": "2026-04-02"})
        case.with_user(legal).action_file()
        self.assertEqual(line.limitation_status, "stopped")
        decision = self.env["collection.case.judgment"].with_user(legal).create({
            "case_id": case.id, "name": "(2026)沪0115民初1号", "date": "2026-09-10", "awarded_principal": 100_000.0,
            "service_date": "2026-09-16", "debtor_service_date": "2026-09-17", "performance_days": 8})
        self.assertEqual(
            (decision.appeal_deadline, decision.debtor_appeal_deadline, decision.effective_date,
             decision.performance_due, decision.enforcement_deadline),
            (TABLE["appeal"], TABLE["debtor_appeal"], TABLE["effective"], TABLE["performance"],
             TABLE["enforcement_apply"]))
        self.assertIn("2026-10-17 is not a working day, so the next working day, 2026-10-19",
                      decision.deadline_explanation)
        self.assertIn("CPL (2023 rev.) art. 171", decision.deadline_explanation)
        self.assertEqual(self._run_deadline_job("2026-09-30"), ACTIVITIES["2026-09-30"])

        # --- Enforcement applied Tue 20 Oct 2026; late-performance interest from Tue 20 Oct --- #
        enforcement = self.env["collection.case.enforcement"].with_user(legal).create({
            "case_id": case.id, "judgment_id": decision.id, "name": "(2026)沪0115执1号",
            "application_date": "2026-10-20"})
        self.assertEqual(enforcement.termination_earliest, TABLE["termination_earliest"])
        with freeze_time("2026-11-18 04:00:00"):
            enforcement.invalidate_recordset(["late_interest", "amount_enforced"])
            # 20 Oct - 18 Nov: 30 days x 100,000 x 0.0175 % = 525.00
            self.assertAlmostEqual(enforcement.late_interest, 525.0)
            self.assertAlmostEqual(enforcement.amount_enforced, 100_525.0)

        # --- Consumption ban and dishonest listing, Mon 2 Nov 2026; a new invoice is warned --- #
        representative = self.env["res.partner"].create({"name": "Wang Wei", "parent_id": self.customer.id})
        restrictions = self.env["collection.case.restriction"].with_user(legal).create([
            {"case_id": case.id, "kind": "consumption_ban", "state": "in_force", "listing_date": "2026-11-02",
             "legal_representative_id": representative.id},
            {"case_id": case.id, "kind": "dishonest", "ground": "4", "state": "in_force",
             "listing_date": "2026-11-02", "legal_representative_id": representative.id},
        ])
        self.assertEqual(restrictions.mapped("term_end"), [False, TABLE["list_term_end"]])
        draft = self.init_invoice("out_invoice", partner=self.customer, amounts=[100.0])
        self.assertIn("Dishonest-debtor list", draft.collection_restriction_warning)
        self.assertIn("Consumption ban", draft.collection_restriction_warning)

        # --- 终本: refused before its prerequisites and 3 months; done Tue 26 Jan 2027 with the ruling --- #
        with freeze_time("2026-12-01 04:00:00"), self.assertRaisesRegex(UserError, "asset-report order"):
            enforcement.with_user(legal).action_terminate()
        enforcement.with_user(legal).write({
            "notice_served": True, "searches_exhausted": True, "termination_ruling_number": "(2026)沪0115执1号之一",
            "termination_ruling": self._b64(b"%PDF termination ruling"), "termination_ruling_filename": "zb.pdf"})
        with freeze_time("2027-01-19 04:00:00"), self.assertRaisesRegex(UserError, "2027-01-20"):
            enforcement.with_user(legal).action_terminate()
        with freeze_time("2027-01-26 04:00:00"):
            enforcement.with_user(legal).action_terminate()
        self.assertEqual((enforcement.state, enforcement.termination_date), ("terminated", date(2027, 1, 26)))
        self.assertEqual(enforcement.search_ids.mapped("date_planned"), TABLE["rechecks"])
        self.assertEqual(enforcement.next_recheck_date, TABLE["rechecks"][0])
        ruling = case.sudo().evidence_ids.filtered(lambda e: "Termination ruling" in e.name)
        self.assertEqual(ruling.file_ids.name, "zb.pdf")
        self.assertEqual(self._run_deadline_job("2027-02-19"), ACTIVITIES["2027-02-19"])
        self.assertEqual(self._run_deadline_job("2027-07-19"), ACTIVITIES["2027-07-19"])
        with freeze_time("2027-07-26 04:00:00"):
            enforcement.with_user(legal).action_recheck_done()
        self.assertEqual(enforcement.search_ids[0].date_done, TABLE["rechecks"][0])
        self.assertEqual(enforcement.next_recheck_date, TABLE["rechecks"][1])

        # --- New assets: resumed any time (Wed 1 Sep 2027), no 2-year limit --- #
        enforcement.with_user(legal).action_resume()
        self.assertEqual(enforcement.state, "resumed")

    def test_revivable_after_limitation_on_case_and_customer(self):
        """Due Mon 4 Jan 2021: time-barred on Thu 4 Jan 2024. The debtor signs a balance confirmation on Tue 10 Jun
        2025: it can no longer plead limitation (Civil Code art. 192), and a new period runs: 10 Jun 2028."""
        invoice = self._due_on(date(2021, 1, 4), 5000.0)
        case = self._case(invoice)
        self.assertFalse(case.limitation_revivable)
        self.env["collection.case.interruption"].create({
            "case_id": case.id, "kind": "balance_confirmation", "date": "2025-06-10", "proof_method": "signed",
            "proof_file": self._b64(b"signed and sealed"), "proof_filename": "confirmation.pdf"})
        self.assertTrue(case.limitation_revivable)
        self.assertEqual(case.line_ids.limitation_deadline, date(2028, 6, 12), "Sat 10 Jun 2028 -> Mon 12 Jun")
        self.assertIn("Civil Code art. 192", case.line_ids.limitation_explanation)
        file = self.env["collection.customer"]._ensure_files({(self.customer.id, self.company.id)})
        self.assertTrue(file.with_user(self.legal_user).limitation_revivable)

    def test_new_records_refused_without_the_legal_group(self):
        """Listings, the re-search diary and the small-claims table are the legal team's: a collector is refused;
        a legal user reads the thresholds, only a legal manager edits them."""
        case = self._case(self._due_on(date(2025, 6, 30), 1000.0))
        enforcement = self.env["collection.case.enforcement"].create({"case_id": case.id})
        for model, vals in (("collection.case.restriction", {"case_id": case.id}),
                            ("collection.case.asset.search", {"enforcement_id": enforcement.id,
                                                              "date_planned": "2026-09-01"})):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.collector).create(vals)
            record = self.env[model].with_user(self.legal_user).create(vals)
            with self.assertRaises(AccessError):
                record.with_user(self.collector).read(["id"])
        thresholds = self.env["collection.small.claims.threshold"]
        row = self.env.ref(f"{MODULE}.collection_small_claims_threshold_js_2022")
        self.assertEqual(thresholds.with_user(self.legal_user)._threshold_for(row.state_id, 2026), row)
        with self.assertRaises(AccessError):
            row.with_user(self.legal_user).threshold = 1.0
        with self.assertRaises(AccessError):
            thresholds.with_user(self.collector).search([])
        row.with_user(self.legal_manager).threshold = 51_812.0

    def test_court_fees_in_cny_whatever_the_currencies(self):
        """A USD company, 1 USD = 7 CNY from 1 Jan 2026. A claim of 50,000 USD is 350,000 CNY on the filing day: case
        fee 350,000 x 1.5 % + 1,300 = 6,550, the same to the cent as for a claim of 350,000 CNY."""
        usd = self.env.ref("base.USD")
        self.assertEqual(self.company.currency_id, usd)
        self.env["res.currency.rate"].create(
            {"currency_id": self.cny.id, "name": "2026-01-01", "rate": 7.0, "company_id": self.company.id})
        cases = self.env["collection.case"]
        day = date(2026, 3, 2)
        in_cny = cases._court_fee_estimate(350_000.0, "ordinary", self.cny, self.company, day)
        in_usd = cases._court_fee_estimate(50_000.0, "ordinary", usd, self.company, day)
        self.assertEqual(in_cny["case"], 6550.0)
        fees = ("case", "preservation", "enforcement", "total")
        self.assertEqual([in_usd[key] for key in fees], [in_cny[key] for key in fees])
        self.assertEqual((in_usd["currency"], in_usd["amount"], in_usd["rate"]), (self.cny, 350_000.0, 7.0))
        self.assertIn("03/02/2026", in_usd["basis"])   # the day in the reader's format (en_US)
        # A 300,000 CNY case in this USD company shows 5,800 (not converted back), and says on what.
        case = cases.with_user(self.legal_user).create({
            "partner_id": self.customer.id, "currency_id": self.cny.id, "claim_penalty": 300_000.0})
        self.assertEqual((case.fee_estimate_case, case.fee_currency_id), (5800.0, self.cny))
        self.assertIn("300,000.00", case.fee_estimate_basis)

    def test_small_claims_threshold_of_the_court_province(self):
        """Jiangsu from 2022: 51,811 CNY (CPL 165): 50,000 must go to small claims; 150,000 (within 4 x 51,811 =
        207,244) may by agreement; 300,000 may not."""
        court = self.env["res.partner"].create({"name": "Nanjing Gulou court", "state_id": self.env.ref(
            "base.state_cn_JS").id, "country_id": self.env.ref("base.cn").id})
        hints = {}
        for amount in (50_000.0, 150_000.0, 300_000.0):
            case = self.env["collection.case"].with_user(self.legal_user).create({
                "partner_id": self.customer.id, "currency_id": self.cny.id, "claim_penalty": amount,
                "court_id": court.id})
            hints[amount] = case.small_claims_hint or ""
        self.assertTrue(hints[50_000.0].startswith("Small claims: "))
        self.assertIn("no appeal", hints[50_000.0])
        self.assertTrue(hints[150_000.0].startswith("Small claims by agreement"))
        self.assertFalse(hints[300_000.0])
