import base64
import io
import zipfile
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, RecordCapturer, tagged

from ..models.collection_case import JURISDICTIONS
from ..tools import legal_deadlines as legal
from ..tools.evidence_pack import read_index_rows, sha256_hex
from .common import PHOTO, TODAY
from .legal_common import MODULE, LegalCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLegalCases(LegalCommon):
    # === The whole life of a case === #
    def test_lifecycle_from_overdue_invoices_to_enforcement(self):
        """Overdue invoices -> case -> lawyer letter delivered -> preservation -> filing -> hearing -> judgment ->
        enforcement -> closed; every deadline checked against figures worked out by hand (today: Mon 2 Mar 2026)."""
        # Invoice A due Fri 31 Mar 2023 (30,000), 5,000 paid on Mon 15 Apr 2024; invoice B due 30 Jun 2025 (20,000).
        inv_a = self._due_on(date(2023, 3, 31), 30000.0)
        inv_b = self._due_on(date(2025, 6, 30), 20000.0)
        self._pay(inv_a, 5000.0, date(2024, 4, 15))
        file = self._escalate()

        # --- Opened from the customer file, pre-filled with its overdue invoices --- #
        action = file.with_user(self.legal_user).action_open_case_wizard()
        wizard = Form(self.env["collection.case.open.wizard"].with_user(self.legal_user).with_context(
            **action["context"]))
        self.assertEqual(set(wizard.move_ids.ids), set((inv_a | inv_b).ids))
        case = self.env["collection.case"].browse(wizard.save().action_confirm()["res_id"])
        self.assertTrue(case.name.startswith("LIT/2026/"))
        self.assertEqual(case.stage_id, self.stage["preparation"])
        # Open at filing: A 30,000 - 5,000 = 25,000; B 20,000.
        line_a, line_b = (case.line_ids.filtered(lambda line, m=m: line.move_id == m) for m in (inv_a, inv_b))
        self.assertEqual((line_a.amount_claimed, line_b.amount_claimed, case.claim_principal),
                         (25000.0, 20000.0, 45000.0))
        # In litigation through the engine's pause: the customer shows it at once, chasing stops with the next run
        # (the pause asks for it), the invoices are locked.
        self.assertEqual(case.pause_id.reason, "litigation")
        self._escalate()
        self.assertEqual(case.pause_id.move_ids, inv_a | inv_b)
        self.assertEqual((inv_a.collection_pause_reason, inv_b.collection_pause_reason), ("litigation",) * 2)
        self.assertEqual(self.customer.with_user(self.salesman).collection_status, "litigation")
        self.assertTrue(inv_a.collection_in_litigation)

        # --- Limitation from the due date and the part payment --- #
        # A: the part payment of 15 Apr 2024 restarts 3 years -> Thu 15 Apr 2027.
        # B: 30 Jun 2025 + 3 y = Fri 30 Jun 2028.
        self.assertEqual((line_a.limitation_basis, line_a.limitation_basis_date, line_a.limitation_deadline),
                         ("part_payment", date(2024, 4, 15), date(2027, 4, 15)))
        self.assertEqual((line_b.limitation_basis, line_b.limitation_deadline), ("due", date(2028, 6, 30)))
        self.assertEqual(case.limitation_deadline, date(2027, 4, 15))

        # --- Lawyer letter arrived Fri 6 Mar 2026: without proof it does not count --- #
        letter = self.env["collection.case.interruption"].with_user(self.legal_user).create({
            "case_id": case.id, "kind": "lawyer_letter", "date": "2026-03-06", "proof_method": "ems"})
        self.assertFalse(letter.proven)
        self.assertEqual(letter.move_ids, inv_a | inv_b, "covers every claimed invoice by default")
        self.assertEqual(line_a.limitation_deadline, date(2027, 4, 15))
        # If proven: 6 Mar 2026 + 3 y = Tue 6 Mar 2029.
        self.assertTrue(line_a.limitation_unproven and case.limitation_unproven)
        self.assertEqual(line_a.limitation_unproven_deadline, date(2029, 3, 6))
        self.assertIn("UNPROVEN", line_a.limitation_explanation)
        self.assertEqual(case.stage_id, self.stage["preparation"])
        # The EMS receipt with the content is uploaded: proven, both invoices restart from 6 Mar 2026.
        letter.write({"proof_file": self._b64(b"EMS receipt 1234"), "proof_filename": "ems.pdf"})
        self.assertTrue(letter.proven)
        self.assertEqual((line_a.limitation_basis, line_a.limitation_deadline), ("demand", date(2029, 3, 6)))
        self.assertEqual(line_b.limitation_deadline, date(2029, 3, 6))
        self.assertFalse(case.limitation_unproven)
        self.assertEqual(case.stage_id, self.stage["lawyer_letter"])

        # --- Pre-suit preservation: applied Mon 9 Mar, measure Wed 11 Mar 2026 on a bank deposit --- #
        measure = self.env["collection.case.preservation"].with_user(self.legal_user).create({
            "case_id": case.id, "pre_suit": True, "asset_type": "bank_deposit", "description": "ICBC 6222",
            "amount": 45000.0, "application_date": "2026-03-09", "ruling_date": "2026-03-10",
            "measure_date": "2026-03-11", "state": "in_force", "security_amount": 45000.0, "security_form": "insurance",
        })
        # 1 year, the first day included: expires 10 Mar 2027; renew 7 days before: 3 Mar 2027;
        # suit within 30 days of the measure: Fri 10 Apr 2026.
        self.assertEqual((measure.expiry_date, measure.renew_by, measure.suit_due),
                         (date(2027, 3, 10), date(2027, 3, 3), date(2026, 4, 10)))
        self.assertIn("100", measure.security_hint)
        # Applying for preservation interrupts: 9 Mar 2026 + 3 y = Fri 9 Mar 2029.
        self.assertEqual((line_a.limitation_basis, line_a.limitation_deadline), ("preservation", date(2029, 3, 9)))
        self.assertEqual(case.stage_id, self.stage["preservation"])
        self.assertEqual(self._deadlines(case), {
            ("limitation", date(2029, 3, 9)), ("preservation_expiry", date(2027, 3, 10)),
            ("preservation_renew", date(2027, 3, 3)), ("suit_due", date(2026, 4, 10)),
        })

        # --- Filing: refused while required evidence is missing, allowed once it is provided --- #
        case.with_user(self.legal_user).write({"filing_date": "2026-03-20", "court_case_number": "(2026)粤0305民初1号"})
        with self.assertRaisesRegex(UserError, "required evidence is missing"):
            case.with_user(self.legal_user).action_file()
        self._provide_required(case)
        self.assertTrue(case.evidence_complete)
        case.with_user(self.legal_user).action_file()
        self.assertEqual(case.stage_id, self.stage["filed"])
        # The suit interrupts; the period stays stopped while it is pending; suit is no longer due.
        self.assertEqual((line_a.limitation_status, line_a.limitation_deadline), ("stopped", False))
        self.assertFalse(case.limitation_deadline)
        self.assertNotIn("suit_due", {kind for kind, _day in self._deadlines(case)})
        with self.assertRaisesRegex(UserError, "fixed when it was filed"):
            case.with_user(self.legal_user).action_refresh_claim()

        # --- Hearing Tue 12 May 2026 --- #
        self.env["collection.case.hearing"].with_user(self.legal_user).create({
            "case_id": case.id, "date": datetime(2026, 5, 12, 1, 30), "place": "Futian court, room 3"})
        self.assertEqual(case.stage_id, self.stage["hearing"])
        self.assertIn(("hearing", date(2026, 5, 12)), self._deadlines(case))

        # --- Judgment: served on us Mon 1 Jun, on the debtor Wed 3 Jun 2026; pay within 10 days --- #
        decision = self.env["collection.case.judgment"].with_user(self.legal_user).create({
            "case_id": case.id, "name": "(2026)粤0305民初1号", "date": "2026-05-28", "awarded_principal": 45000.0,
            "awarded_interest": 1200.0, "awarded_costs": 800.0, "service_date": "2026-06-01",
            "debtor_service_date": "2026-06-03", "performance_days": 10,
        })
        # Appeal 15 days: Tue 16 Jun (us), Thu 18 Jun (debtor); effective Fri 19 Jun; performance due 29 Jun;
        # enforcement to be applied for within 2 years: Thu 29 Jun 2028.
        self.assertEqual(
            (decision.appeal_deadline, decision.debtor_appeal_deadline, decision.effective_date,
             decision.performance_due, decision.enforcement_deadline),
            (date(2026, 6, 16), date(2026, 6, 18), date(2026, 6, 19), date(2026, 6, 29), date(2028, 6, 29)))
        self.assertEqual(decision.awarded_total, 47000.0)
        self.assertEqual(case.stage_id, self.stage["judgment"])

        # --- Late performance: 45,000 x 0.0175 % a day from 30 Jun --- #
        with freeze_time("2026-08-07 04:00:00"):
            decision.invalidate_recordset(["late_interest"])
            # 30 Jun - 7 Aug: 39 days x 7.875 = 307.125 -> 307.13.
            self.assertAlmostEqual(decision.late_interest, 307.13)
            payment = self._pay(inv_a, 10000.0, date(2026, 7, 20))
            decision.invalidate_recordset(["late_interest", "unpaid_principal"])
            # 30 Jun - 19 Jul: 20 d x 7.875 = 157.50; 20 Jul - 7 Aug: 19 d x 35,000 x 0.0175 % = 116.375: 273.875.
            self.assertAlmostEqual(decision.late_interest, 273.88)
            self.assertEqual(decision.unpaid_principal, 35000.0)

        # --- Enforcement applied Wed 1 Jul 2026; no assets: terminated Mon 2 Nov 2026 --- #
        enforcement = self.env["collection.case.enforcement"].with_user(self.legal_user).create({
            "case_id": case.id, "judgment_id": decision.id, "name": "(2026)粤0305执1号",
            "application_date": "2026-07-01", "payment_ids": [Command.set(payment.ids)],
            "asset_ids": [Command.create({"asset_type": "movable", "description": "Delivery van",
                                          "estimated_value": 30000.0, "auction_proceeds": 0.0})],
        })
        self.assertEqual(case.stage_id, self.stage["enforcement"])
        self.assertEqual(enforcement.amount_recovered, 10000.0)
        self.assertNotIn("enforcement_apply", {kind for kind, _day in self._deadlines(case)})
        # Terminated no earlier than 3 months after the application: 1 Oct 2026.
        self.assertEqual(enforcement.termination_earliest, date(2026, 10, 1))
        # Its prerequisites met (Termination Provisions art. 1): notice served, ban and listing, searches exhausted.
        enforcement.write({"notice_served": True, "searches_exhausted": True})
        self.env["collection.case.restriction"].with_user(self.legal_user).create([
            {"case_id": case.id, "kind": kind, "state": "in_force", "listing_date": "2026-10-15"}
            for kind in ("consumption_ban", "dishonest")])
        with freeze_time("2026-11-02 04:00:00"):
            enforcement.action_terminate()
        # The court re-checks every 6 months: 2 May 2027, then 2 Nov 2027.
        self.assertEqual(enforcement.next_recheck_date, date(2027, 5, 2))
        self.assertIn(("asset_recheck", date(2027, 5, 2)), self._deadlines(case))
        enforcement.action_recheck_done()
        self.assertEqual(enforcement.next_recheck_date, date(2027, 11, 2))

        # --- Closed as lost: chasing resumes, the invoices are free again --- #
        case.with_user(self.legal_user).stage_id = self.stage["lost"]
        self.assertTrue(case.is_closed)
        self.assertEqual(case.pause_id.state, "ended")
        self._escalate()
        self.assertFalse(inv_b.collection_pause_reason)
        self.assertFalse(inv_b.collection_in_litigation)
        self.assertFalse(self._deadlines(case), "a closed case has no deadline left")

    def _deadlines(self, case):
        return {(d.kind, d.date) for d in self.env["collection.case.deadline"].search([("case_id", "=", case.id)])}

    # === Limitation === #
    def test_limitation_with_proven_and_unproven_interruptions(self):
        inv = self._due_on(date(2023, 3, 31), 8000.0)
        case = self._case(inv)
        line = case.line_ids
        # From the due date: Tue 31 Mar 2026.
        self.assertEqual((line.limitation_basis, line.limitation_deadline), ("due", date(2026, 3, 31)))
        # A demand letter delivered on Mon 10 Jun 2024, by email without a receipt on file: unproven.
        demand = self.env["collection.case.interruption"].create(
            {"case_id": case.id, "kind": "demand_letter", "date": "2024-06-10", "proof_method": "email_receipt"})
        self.assertEqual(line.limitation_deadline, date(2026, 3, 31))
        self.assertTrue(line.limitation_unproven)
        self.assertEqual(line.limitation_unproven_deadline, date(2027, 6, 10))
        # The debtor's signed balance confirmation of Tue 20 May 2025: proven, restarts -> Sat 20 May 2028 ->
        # Mon 22 May 2028. The unproven demand is older than it: no warning any more.
        self.env["collection.case.interruption"].create({
            "case_id": case.id, "kind": "balance_confirmation", "date": "2025-05-20", "proof_method": "signed",
            "proof_file": self._b64(b"confirmation signed and sealed"), "proof_filename": "confirmation.pdf"})
        self.assertEqual((line.limitation_basis, line.limitation_deadline), ("acknowledgment", date(2028, 5, 22)))
        self.assertFalse(line.limitation_unproven)
        # The demand's receipt is found: it is older than the confirmation, the deadline stays.
        demand.write({"proof_file": self._b64(b"receipt"), "proof_filename": "receipt.eml"})
        self.assertEqual(line.limitation_deadline, date(2028, 5, 22))

    def test_delivered_letter_interrupts_and_becomes_evidence(self):
        """A lawyer letter of the letters engine, delivered with proof, restarts the limitation of the invoices it
        lists, and is offered as evidence with its proof."""
        inv = self._due_on(date(2023, 3, 31), 9000.0)
        lawyer = self.env["res.partner"].create({"name": "Liu Yang", "collection_is_lawyer": True})
        case = self._case(inv, lawyer_id=lawyer.id)
        letter = self.env["collection.letter.engine"]._generate(self._escalate(), "lawyer")
        self.assertIn(inv, letter.line_ids.move_id)
        self.assertEqual(case.line_ids.limitation_deadline, date(2026, 3, 31))
        letter.write({"channel": "registered_mail", "tracking_number": "EMS1234567890CN"})
        letter.action_mark_sent()
        letter.write({"delivery_date": "2026-03-02"})
        letter.action_mark_delivered()
        # Delivered without proof: no interruption yet.
        self.assertEqual(case.line_ids.limitation_deadline, date(2026, 3, 31))
        letter.write({"proof_file": self._b64(b"%PDF EMS delivery record"), "proof_filename": "ems.pdf"})
        # Arrived Mon 2 Mar 2026, proven: 3 years from then, Fri 2 Mar 2029.
        self.assertEqual((case.line_ids.limitation_basis, case.line_ids.limitation_deadline),
                         ("demand", date(2029, 3, 2)))
        case.with_user(self.legal_user).action_add_letter_evidence()
        files = case.sudo().evidence_ids.file_ids.filtered(lambda f: f.source_ref == letter)
        self.assertEqual(len(files), 2, "the letter and its proof of delivery")
        self.assertEqual(files.evidence_id.category, "demand")
        self.assertIn(sha256_hex(b"%PDF EMS delivery record"), files.mapped("sha256"))
        self.assertEqual(case.stage_id, self.stage["lawyer_letter"])
        with self.assertRaisesRegex(UserError, "No letter"):
            case.with_user(self.legal_user).action_add_letter_evidence()

    def test_limitation_rolls_over_the_company_public_holidays(self):
        # Due 1 Oct 2023: 3 years -> Thu 1 Oct 2026, National Day (1-7 Oct, global time off) -> Thu 8 Oct 2026.
        calendar = self.company.resource_calendar_id
        calendar.tz = "Asia/Shanghai"
        self.env["resource.calendar.leaves"].create({
            "name": "National Day", "calendar_id": calendar.id, "company_id": self.company.id,
            "date_from": datetime(2026, 9, 30, 16, 0), "date_to": datetime(2026, 10, 7, 15, 59)})
        inv = self._due_on(date(2023, 10, 1), 1000.0)
        self.assertEqual(inv._collection_limitation()[inv.id].deadline, date(2026, 10, 8))

    def test_jurisdiction_presets_cover_the_selection(self):
        self.assertEqual({code for code, _label in JURISDICTIONS}, set(legal.PRESETS))
        # Germany: due 31 Mar 2023 -> end of 2023 + 3 years = 31 Dec 2026; a demand letter does not interrupt.
        inv = self._due_on(date(2023, 3, 31), 1000.0)
        case = self._case(inv, jurisdiction="de")
        self.env["collection.case.interruption"].create({
            "case_id": case.id, "kind": "lawyer_letter", "date": "2024-06-10", "proof_method": "court_record"})
        self.assertEqual(case.line_ids.limitation_deadline, date(2026, 12, 31))

    def test_outside_the_prc_a_limitation_ending_on_a_day_off_is_kept_and_explained(self):
        # UK: due Sat 16 Jan 2021 + 6 years = Sat 16 Jan 2027, a rest day of the company's calendar. The preset states
        # no rule moving it (the PRC's CPL 85 does): the earlier day stays, and the legal user reads why.
        case = self._case(self._due_on(date(2021, 1, 16), 1000.0), jurisdiction="uk")
        line = case.line_ids.with_user(self.legal_user)
        self.assertEqual(line.limitation_deadline, date(2027, 1, 16))
        self.assertIn("states no rule moving it to the next one", line.limitation_explanation)
        self.assertIn("Limitation Act 1980", line.limitation_explanation)

    def test_german_payment_order_then_enforcement_order(self):
        """Germany's Mahnverfahren, as the legal user records it: the payment order's objection period, the last day
        to apply for the enforcement order (on the deadline list), then the enforcement order taking effect."""
        case = self._case(self._due_on(date(2025, 6, 30), 8000.0), jurisdiction="de")
        # Served on the debtor Thu 5 Mar 2026: objection (Widerspruch) 14 days, Thu 19 Mar; the enforcement order is
        # applied for within 6 months of that service, by Sat 5 Sep 2026: kept, the preset states no rolling rule.
        with Form(self.env["collection.case.judgment"].with_user(self.legal_user).with_context(
                default_case_id=case.id)) as form:
            form.kind = "payment_order"
            form.name = "26-0123456-0-1"
            form.date = date(2026, 3, 2)
            form.service_date = date(2026, 3, 3)
            form.debtor_service_date = date(2026, 3, 5)
        order = form.record
        self.assertEqual((order.appeal_deadline, order.debtor_appeal_deadline, order.effective_date,
                          order.performance_due, order.enforcement_deadline),
                         (False, date(2026, 3, 19), False, False, date(2026, 9, 5)))
        self.assertIn(("enforcement_apply", date(2026, 9, 5)), self._deadlines(case))
        explanation = order.deadline_explanation
        self.assertIn("Debtor's objection deadline (debtor acts): 14 days from the payment order's service on the "
                      "debtor, 2026-03-05 [ZPO §§ 692(1) no. 3, 694]", explanation)
        self.assertIn("6 months of the payment order's service on 2026-03-05, or the order lapses [ZPO §§ 699(1), "
                      "701]", explanation)
        self.assertIn("states no rule moving it to the next one", explanation)
        # Without the debtor's service date, ours (Sat 5 Dec) is taken: both last days fall on Saturdays (19 Dec,
        # 5 Jun), kept; the explanation gives both reasons for each.
        order.with_user(self.legal_user).write({"service_date": "2026-12-05", "debtor_service_date": False})
        self.assertEqual((order.debtor_appeal_deadline, order.enforcement_deadline),
                         (date(2026, 12, 19), date(2027, 6, 5)))
        for line in filter(None, order.deadline_explanation.split("\n")):
            self.assertIn("Safe side: the debtor's service date is not entered, so it is taken as ours (the earliest); "
                          "the last day is not a working day on the company's calendar", line)
        order.with_user(self.legal_user).write({"service_date": "2026-03-03", "debtor_service_date": "2026-03-05"})
        # No objection: the enforcement order, served on the debtor Mon 14 Sep, is final after Mon 28 Sep.
        enforcement_order = self.env["collection.case.judgment"].with_user(self.legal_user).create({
            "case_id": case.id, "kind": "enforcement_order", "date": "2026-09-10", "service_date": "2026-09-14",
            "debtor_service_date": "2026-09-14", "awarded_principal": 8000.0,
        })
        self.assertEqual((enforcement_order.debtor_appeal_deadline, enforcement_order.effective_date),
                         (date(2026, 9, 28), date(2026, 9, 29)))
        # Had the debtor objected to the payment order, the claim would go on as a suit: nothing to apply for.
        order.with_user(self.legal_user).appealed = True
        self.assertFalse(order.enforcement_deadline)
        self.assertNotIn(("enforcement_apply", date(2026, 9, 5)), self._deadlines(case))

    # === Filing and evidence === #
    def test_filing_refused_with_missing_evidence_unless_a_manager_overrides(self):
        case = self._case(self._due_on(date(2025, 6, 30), 5000.0))
        required = case.sudo().evidence_ids.filtered("required")
        self.assertEqual(set(required.mapped("category")), {"contract", "invoice", "delivery", "demand"})
        self.assertEqual((case.evidence_required_count, case.evidence_missing_count), (4, 4))
        with self.assertRaisesRegex(UserError, "required evidence is missing"):
            case.with_user(self.legal_user).action_file()
        # A legal user cannot record the override; a legal manager can, and the case can be filed.
        with self.assertRaises(AccessError):
            case.with_user(self.legal_user).write({"evidence_override_reason": "urgent"})
        case.with_user(self.legal_manager).write(
            {"evidence_override_reason": "Limitation ends next week; delivery notes follow from the warehouse."})
        self.assertEqual(case.sudo().evidence_override_user_id, self.legal_manager)
        case.with_user(self.legal_user).action_file()
        self.assertEqual(case.filing_date, date(2026, 3, 2))
        self.assertTrue(any("without complete evidence" in message.body for message in case.message_ids))
        # Evidence of a filed case stays on record.
        evidence = self._provide(case, "contract")
        with self.assertRaises(UserError):
            evidence.with_user(self.legal_user).unlink()
        with self.assertRaises(UserError):
            evidence.with_user(self.legal_user).write({"datas": self._b64(b"forged")})

    def test_evidence_pack_holds_every_file_with_its_hash(self):
        case = self._case(self._due_on(date(2025, 6, 30), 5000.0))
        contract = self._provide(case, "contract", b"%PDF contract CT-1", "contract.pdf")
        receipt = self._provide(case, "delivery", b"\x89PNG signed receipt", "receipt.png")
        self.assertEqual(contract.sha256, sha256_hex(b"%PDF contract CT-1"))
        self.assertEqual(contract.added_by_id, self.legal_user)
        action = case.with_user(self.legal_user).action_open_evidence_pack()
        pack = self.env["collection.case.evidence.pack"].search([("case_id", "=", case.id)], order="id desc", limit=1)
        self.assertIn(f"/web/content/collection.case.evidence.pack/{pack.id}/data/", action["url"])
        data = base64.b64decode(pack.data)
        self.assertEqual(pack.sha256, sha256_hex(data))
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        self.assertEqual(names, ["00_index.docx", "01_contract.pdf", "02_receipt.png"])
        self.assertEqual(sha256_hex(archive.read("01_contract.pdf")), contract.sha256)
        self.assertEqual(sha256_hex(archive.read("02_receipt.png")), receipt.sha256)
        rows = read_index_rows(archive.read("00_index.docx"))
        self.assertEqual([row[0] for row in rows[1:]], ["1", "2"])
        self.assertEqual([row[-1] for row in rows[1:]], [contract.sha256, receipt.sha256])
        self.assertTrue(any("SHA-256 of the pack" in message.body for message in case.message_ids))

    def test_collection_history_is_offered_as_evidence(self):
        inv = self._invoice(40)
        customer_file = self._escalate()
        # a visit the collector made, with a photo of the premises
        visit = self.env["collection.visit"].create({"customer_id": customer_file.id, "user_id": self.collector.id,
                                                     "photo": PHOTO})
        visit.with_user(self.collector).action_check_in()
        action = visit.with_user(self.collector).action_log_outcome()
        self.env["collection.contact.wizard"].with_user(self.collector).with_context(**action["context"]).create(
            {"outcome": "refused", "note": "The owner refused to pay."}).action_confirm()
        case = self._case(inv)
        case.with_user(self.legal_user).action_add_history_evidence()
        item = case.sudo().evidence_ids.filtered(lambda e: e.category == "correspondence")
        extract, photo = item.file_ids.sorted("id")
        self.assertTrue(item.provided)
        self.assertIn(b"Stage change", base64.b64decode(extract.datas))
        self.assertIn(b"The owner refused to pay.", base64.b64decode(extract.datas), "the visit's contact")
        self.assertEqual(extract.sha256, sha256_hex(base64.b64decode(extract.datas)))
        self.assertEqual((photo.name, photo.source_ref, photo.sha256),
                         (f"visit-{TODAY}-{visit.id}.png", visit,
                          sha256_hex(base64.b64decode(PHOTO))))
        self.assertIn(f"Photo of the visit by Collector Test, checked in {TODAY} 04:00:00 (UTC)", photo.note)
        case.with_user(self.legal_user).action_add_history_evidence()
        self.assertEqual(len(item.file_ids.filtered(lambda file: file.source_ref == visit)), 1, "a photo is added once")

    # === One open case per invoice; locked invoices === #
    def test_invoice_refused_in_a_second_open_case(self):
        inv = self._due_on(date(2025, 6, 30), 5000.0)
        first = self._case(inv)
        with self.assertRaisesRegex(ValidationError, "already claimed in the open legal case"):
            self._case(inv)
        # Once the first case is closed, a new one may claim it.
        first.stage_id = self.stage["settled"]
        second = self._case(inv)
        self.assertEqual(second.line_ids.move_id, inv)
        # ...and reopening the first would claim it twice.
        with self.assertRaises(ValidationError):
            first.stage_id = self.stage["filed"]

    def test_invoice_in_an_open_case_cannot_be_reset_or_cancelled(self):
        inv = self._due_on(date(2025, 6, 30), 5000.0)
        case = self._case(inv)
        with self.assertRaisesRegex(UserError, "cannot be reset to draft"):
            inv.button_draft()
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            inv.button_cancel()
        case._close_as("recovered")
        self.assertEqual(case.stage_id, self.stage["recovered"])
        inv.button_draft()
        self.assertEqual(inv.state, "draft")

    def test_opened_from_selected_invoices_and_the_legal_review_is_answered(self):
        inv_a, inv_b = self._invoice(120, 3000.0), self._invoice(100, 2000.0)
        file = self._file()
        file.activity_schedule(f"{MODULE}.mail_activity_type_legal_review", user_id=self.legal_user.id)
        action = (inv_a | inv_b).with_user(self.legal_user).action_collection_open_case()
        wizard = Form(self.env["collection.case.open.wizard"].with_user(self.legal_user).with_context(
            **action["context"]))
        self.assertEqual(wizard.partner_id, self.customer)
        case = self.env["collection.case"].browse(wizard.save().action_confirm()["res_id"])
        self.assertEqual(case.line_ids.move_id, inv_a | inv_b)
        self.assertFalse(file.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(f"{MODULE}.mail_activity_type_legal_review")))
        # Invoices of two customers at once are refused.
        other = self._invoice(50, 100.0, partner=self._customer("Other Co"))
        with self.assertRaisesRegex(UserError, "one customer"):
            (inv_a | other).action_collection_open_case()

    # === Deadline alerts === #
    def test_deadline_alerts_are_raised_once_per_threshold(self):
        # No case: due 10 Apr 2023 -> limitation Fri 10 Apr 2026, 39 days away: the 90-day alert, on the customer
        # file, for the policy's legal contact.
        lonely = self._due_on(date(2023, 4, 10), 700.0, partner=self._customer("No Case Co"))
        # A case with a pre-suit measure of Thu 5 Feb 2026: suit due 7 Mar, a Saturday -> Mon 9 Mar 2026, 7 days away.
        case = self._case(self._due_on(date(2025, 6, 30), 5000.0))
        self.env["collection.case.preservation"].create({
            "case_id": case.id, "pre_suit": True, "asset_type": "movable", "description": "Stock in warehouse",
            "application_date": "2026-02-04", "measure_date": "2026-02-05", "state": "in_force"})
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_case_deadlines")
        with RecordCapturer(self.env["collection.case.alert"], []) as capture:
            cron.method_direct_trigger()
        alerts = {(a.kind, a.deadline, a.threshold) for a in capture.records}
        self.assertIn(("limitation", date(2026, 4, 10), 90), alerts)
        self.assertIn(("suit_due", date(2026, 3, 9), 7), alerts)
        lonely_alert = capture.records.filtered(lambda a: a.move_id == lonely)
        self.assertEqual(lonely_alert.activity_id.res_model, "collection.customer")
        self.assertFalse(lonely_alert.activity_id.note, "90 days ahead: no recommendation yet")
        self.assertEqual(lonely_alert.activity_id.user_id, self.manager, "the policy's legal contact")
        suit_alert = capture.records.filtered(lambda a: a.kind == "suit_due")
        self.assertEqual((suit_alert.activity_id.res_id, suit_alert.activity_id.user_id), (case.id, self.legal_user))
        # A rerun the same day raises nothing.
        with RecordCapturer(self.env["collection.case.alert"], []) as capture:
            cron.method_direct_trigger()
        self.assertFalse(capture.records)
        # Twelve days later the limitation is 29 days away: the 30-day alert, once.
        with freeze_time("2026-03-12 04:00:00"), RecordCapturer(self.env["collection.case.alert"], []) as capture:
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        self.assertIn(("limitation", date(2026, 4, 10), 30),
                      {(a.kind, a.deadline, a.threshold) for a in capture.records})
        lonely_alert = capture.records.filtered(lambda a: a.move_id == lonely)
        self.assertEqual(len(lonely_alert), 1)
        # Within 60 days of the deadline the activity recommends acting (suit, payment order, preservation).
        self.assertIn("payment order", lonely_alert.activity_id.note)

    def test_deadline_alerts_run_in_batches(self):
        for name in ("First Co", "Second Co", "Third Co"):
            self._due_on(date(2023, 4, 10), 700.0, partner=self._customer(name))
        alerts = self.env["collection.case.alert"]
        pending = len(alerts._pending_alerts(date(2026, 3, 2)))
        self.assertGreaterEqual(pending, 3)
        # One batch per call; what is done is not pending any more, so the next call carries on.
        self.assertEqual(self.env["collection.case"]._cron_legal_deadlines(batch_size=2), 2)
        self.assertEqual(len(alerts._pending_alerts(date(2026, 3, 2))), pending - 2)
        while self.env["collection.case"]._cron_legal_deadlines(batch_size=2):
            pass
        self.assertFalse(alerts._pending_alerts(date(2026, 3, 2)))

    def test_lawyer_progress_reports_recur(self):
        case = self._case(self._due_on(date(2025, 6, 30), 5000.0))
        case.with_user(self.legal_user).write(
            {"engagement_date": "2026-01-15", "report_interval": 1, "report_unit": "months"})
        self.assertEqual(case.report_next_date, date(2026, 2, 15))
        self.env["collection.case"]._cron_legal_deadlines()
        report_type = self.env.ref(f"{MODULE}.mail_activity_type_lawyer_report")
        self.assertEqual(len(case.activity_ids.filtered(lambda a: a.activity_type_id == report_type)), 1)
        # The next one is a month on, after today: 15 Mar 2026; a rerun today adds none.
        self.assertEqual(case.report_next_date, date(2026, 3, 15))
        self.env["collection.case"]._cron_legal_deadlines()
        self.assertEqual(len(case.activity_ids.filtered(lambda a: a.activity_type_id == report_type)), 1)

    # === The list of claims nearing limitation === #
    def test_claims_nearing_limitation_include_customers_without_a_case(self):
        soon = self._due_on(date(2023, 4, 10), 700.0, partner=self._customer("No Case Co"))
        paid_part = self._due_on(date(2023, 4, 10), 900.0)
        self._pay(paid_part, 100.0, date(2024, 1, 8))
        in_case = self._due_on(date(2023, 5, 4), 1100.0, partner=self._customer("Case Co"))
        self._case(in_case)
        far = self._due_on(date(2025, 6, 30), 500.0)
        action = self.env["collection.limitation.watch"].with_user(self.manager).action_open()
        rows = self.env["collection.limitation.watch"].with_user(self.manager).search(action["domain"])
        by_move = {row.move_id: row for row in rows}
        self.assertEqual(by_move[soon].deadline, date(2026, 4, 10))
        self.assertEqual(by_move[soon].days_left, 39)
        self.assertFalse(by_move[soon].in_litigation)
        # 4 May 2023 + 3 y = Mon 4 May 2026, claimed in a case.
        self.assertEqual((by_move[in_case].deadline, by_move[in_case].in_litigation), (date(2026, 5, 4), True))
        # The part payment of 8 Jan 2024 moved it to 8 Jan 2027, beyond 180 days; so is a 2025 invoice.
        self.assertNotIn(paid_part, by_move)
        self.assertNotIn(far, by_move)

    # === Demo === #
    def test_demo_case_in_progress(self):
        case = self.env.ref(f"{MODULE}.demo_case_golden_bridge", raise_if_not_found=False)
        if not case:
            self.skipTest("installed without demo data")
        case = case.sudo()   # the demo is in the main company, the tests in a company of their own
        self.assertEqual(case.stage_id, self.stage["hearing"])
        self.assertTrue(case.filing_date and case.evidence_complete)
        self.assertEqual(len(case.line_ids), 2)
        self.assertTrue(case.preservation_ids and case.hearing_ids)
        self.assertEqual(case.pause_id.reason, "litigation")
        self.assertEqual(case.partner_id.with_company(case.company_id).collection_status, "litigation")
        self.assertEqual(set(case.line_ids.move_id.mapped("collection_pause_reason")), {"litigation"})
        self.assertEqual(set(case.line_ids.mapped("limitation_status")), {"stopped"})

    # === Documents === #
    def test_document_context_is_plain_data(self):
        inv = self._due_on(date(2025, 6, 30), 5000.0)
        case = self._case(inv, court_case_number="(2026)粤0305民初9号")
        self._provide(case, "contract", b"contract", "contract.pdf")
        context = case._document_context()

        def plain(value):
            if isinstance(value, dict):
                return all(isinstance(k, str) and plain(v) for k, v in value.items())
            if isinstance(value, list):
                return all(plain(v) for v in value)
            return isinstance(value, (str, int, float, bool))

        self.assertTrue(plain(context))
        self.assertEqual(context["invoices"][0]["number"], inv.name)
        self.assertEqual(context["claim"]["principal"], 5000.0)
        self.assertEqual(context["evidence"][0]["sha256"], sha256_hex(b"contract"))
        self.assertEqual(context["court_case_number"], "(2026)粤0305民初9号")
