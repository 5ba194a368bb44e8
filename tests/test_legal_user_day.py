"""What legal users met in the web client: judgment deadlines blank once saved, court documents they could not open,
lawyer letters issued in the company's name, deadline reminders only after the nightly job."""

import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import TODAY, docx_text
from .legal_common import MODULE, LegalCommon

JUDGMENT_DEADLINES = ("appeal_deadline", "effective_date", "performance_due", "enforcement_deadline")
DEADLINE_ACTIVITY = "account_collection_litigation.mail_activity_type_legal_deadline"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLegalUserDay(LegalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.firm = cls.env["res.partner"].create({
            "name": "Shenzhen Zhengyi Law Firm", "is_company": True, "collection_is_law_firm": True,
            "street": "18 Fuhua Road", "city": "Shenzhen", "phone": "+86 755 8888 0000",
            "email": "office@zhengyi.example"})
        cls.lawyer = cls.env["res.partner"].create({
            "name": "Liu Yang", "parent_id": cls.firm.id, "collection_is_lawyer": True,
            "collection_lawyer_licence": "14403201010000001", "phone": "+86 755 8888 0100",
            "email": "liu.yang@zhengyi.example"})
        cls.moves = cls._invoices([(cls.customer, 120, 60000.0)])

    def _open_case(self, filing_date=None, **values):
        case = self._case(self.moves, **values)
        case.with_user(self.legal_user).action_refresh_claim()
        if filing_date:
            case.filing_date = filing_date
        return case

    def _judge(self, case, **values):
        return self.env["collection.case.judgment"].with_user(self.legal_user).create({
            "case_id": case.id, "name": "(2026)粤0304民初1号", "date": "2026-03-02", "awarded_principal": 60000.0,
            "service_date": "2026-03-02", "performance_days": 10, **values})

    def _deadline_activities(self, case):
        return case.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(DEADLINE_ACTIVITY))

    # === a. the judgment dialog === #
    def test_judgment_deadlines_are_stored_when_saved_from_the_case_form(self):
        """The decision added in the case form's dialog keeps the deadlines the dialog showed (the editable effective
        date, sent by the form, no longer stops the other deadlines of its compute from being stored)."""
        case = self._open_case(filing_date="2026-01-05")
        with Form(case.with_user(self.legal_user)) as form, form.judgment_ids.new() as dialog:
            dialog.name = "(2026)粤0304民初1号"
            dialog.date = "2026-03-02"
            dialog.service_date = "2026-03-02"
            dialog.performance_days = 10
            shown = {name: dialog[name] for name in JUDGMENT_DEADLINES}
        self.assertTrue(all(shown.values()), shown)
        decision = case.judgment_ids
        self.assertEqual({name: decision[name] for name in JUDGMENT_DEADLINES}, shown)
        # Served Mon 2 Mar: appeal by Tue 17 Mar, effective Wed 18 Mar, pay within 10 days.
        self.assertEqual(str(decision.appeal_deadline), "2026-03-17")
        self.assertEqual(str(decision.effective_date), "2026-03-18")
        self.assertEqual(str(decision.performance_due), "2026-03-30")
        self.assertEqual(str(decision.enforcement_deadline), "2028-03-30")

    # === b. court documents the legal user opens === #
    def test_legal_user_opens_the_court_document_its_lines_and_the_customer_file(self):
        case = self._open_case(lawyer_id=self.lawyer.id, law_firm_id=self.firm.id)
        legal = self.legal_user
        letter = self.env["collection.letter.engine"].with_user(legal)._generate_court_document(
            case.with_user(legal), "statement_of_claim")
        with Form(letter.with_user(legal)) as form:
            self.assertEqual(form.kind, "statement_of_claim")
        self.assertTrue(letter.with_user(legal).line_ids.read(["number", "open_amount"]))
        self.assertTrue(letter.with_user(legal).read(["document_file"])[0]["document_file"])
        # the chatter attachment of the case and the customer file the letter names
        attachment = self.env["ir.attachment"].with_user(legal).search(
            [("res_model", "=", "collection.case"), ("res_id", "=", case.id)])
        self.assertTrue(attachment.datas)
        Form(letter.with_user(legal).customer_id)
        # and the lawyer letter, opened from the case
        action = case.with_user(legal).action_draft_lawyer_letter()
        Form(self.env["collection.letter"].with_user(legal).browse(action["res_id"]))

    def test_legal_user_reads_a_customer_file_but_not_its_portal_links(self):
        file = self._escalate()
        view = file.with_user(self.legal_user).get_views([(False, "form")])
        self.assertNotIn('name="portal_token_ids"', view["views"]["form"]["arch"])
        Form(file.with_user(self.legal_user))

    # === c. the lawyer letter === #
    def test_lawyer_letter_is_refused_without_an_engaged_lawyer(self):
        file = self._escalate()
        engine = self.env["collection.letter.engine"]
        with self.assertRaisesRegex(UserError, "no lawyer engaged.*Engage a lawyer on its legal case first"):
            engine._generate(file, "lawyer")
        case = self._open_case()
        with self.assertRaisesRegex(UserError, "Engage a lawyer on its legal case first"):
            engine._generate(file, "lawyer")
        with self.assertRaisesRegex(UserError, "Engage a lawyer"):
            case.with_user(self.legal_user).action_draft_lawyer_letter()

    def test_lawyer_letter_comes_from_the_engaged_lawyer_and_firm(self):
        self.company.partner_id.phone = "+86 21 0000 0000"
        chinese = self._customer("Pearl Delta Electronics", lang="zh_CN")
        self.env["res.lang"]._activate_lang("zh_CN")
        for lang, moves in (("en_US", self.moves), ("zh_CN", self._invoices([(chinese, 90, 30000.0)]))):
            with self.subTest(lang=lang):
                case = self._case(moves, lawyer_id=self.lawyer.id, law_firm_id=self.firm.id)
                action = case.with_user(self.legal_user).action_draft_lawyer_letter()
                letter = self.env["collection.letter"].browse(action["res_id"])
                self.assertEqual((letter.kind, letter.lang), ("lawyer", lang))
                self.assertEqual(letter.line_ids.move_id, moves, "the invoices the case claims")
                text = docx_text(base64.b64decode(letter.document_file))
                for value in ("Liu Yang", "Shenzhen Zhengyi Law Firm", "14403201010000001", "+86 755 8888 0100",
                              "liu.yang@zhengyi.example", "18 Fuhua Road",
                              "律师事务所盖章" if lang == "zh_CN" else "(law firm seal)"):
                    self.assertIn(value, text)
                # not the company's letter: neither its phone, nor the collector, nor the administrator
                for value in ("+86 21 0000 0000", self.collector.name, self.env.user.name, self.legal_user.name):
                    self.assertNotIn(value, text)
        self.assertIn("律师函", text)

    # === d. deadlines become activities when computed; the legal job on demand === #
    def test_judgment_deadlines_become_activities_at_once_and_only_once(self):
        case = self._open_case(filing_date="2026-01-05")
        decision = self._judge(case)
        activities = self._deadline_activities(case)
        self.assertEqual(sorted(activities.mapped("date_deadline")),
                         sorted([decision.appeal_deadline, decision.performance_due, decision.enforcement_deadline]))
        self.assertEqual(activities.user_id, self.legal_user, "the case's responsible")
        # saved again, or the job run: nothing twice for the same deadline
        decision.with_user(self.legal_user).write({"name": "(2026)粤0304民初1号", "performance_days": 10})
        self.env["collection.case.alert"]._raise_computed(decision)
        self.assertEqual(self._deadline_activities(case), activities)
        # served a day later: the appeal deadline moves (Wed 18 Mar), its activity with it; the performance
        # deadline (Sun 29 Mar rolls to Mon 30 Mar) and the enforcement one stay, and so do their activities
        decision.with_user(self.legal_user).service_date = "2026-03-03"
        moved = self._deadline_activities(case)
        self.assertEqual(sorted(moved.mapped("date_deadline")),
                         sorted([decision.appeal_deadline, decision.performance_due, decision.enforcement_deadline]))
        self.assertEqual(str(decision.appeal_deadline), "2026-03-18")
        self.assertEqual(len(moved & activities), 2)
        # appealed: the decision does not take effect, its deadlines and their activities go
        decision.with_user(self.legal_user).appealed = True
        self.assertFalse(self._deadline_activities(case))

    def test_preservation_and_hearing_deadlines_become_activities_at_once(self):
        """Not only a court decision's: a pre-suit measure's deadlines and a hearing are activities when saved."""
        case = self._open_case()
        self.env["collection.case.preservation"].with_user(self.legal_user).create({
            "case_id": case.id, "pre_suit": True, "asset_type": "movable", "description": "Stock in warehouse",
            "application_date": "2026-02-27", "measure_date": "2026-02-27", "state": "in_force"})
        hearing = self.env["collection.case.hearing"].with_user(self.legal_user).create({
            "case_id": case.id, "date": "2026-03-20 02:00:00", "place": "Court room 3"})
        dates = sorted(self._deadline_activities(case).mapped("date_deadline"))
        deadlines = self.env["collection.case.deadline"].search([
            ("case_id", "=", case.id), ("kind", "!=", "limitation")])
        self.assertEqual(set(deadlines.mapped("kind")),
                         {"preservation_expiry", "preservation_renew", "suit_due", "hearing"})
        # one activity per deadline, due on it or, when it falls on a day off, on the working day before
        self.assertEqual(len(dates), len(deadlines))
        for due, deadline in zip(dates, sorted(deadlines.mapped("date")), strict=True):
            self.assertTrue(0 <= (deadline - due).days <= 3, f"{due} for a deadline on {deadline}")
        # saved again: nothing twice; the hearing moved: its activity moves with it
        hearing.with_user(self.legal_user).write({"place": "Court room 4", "date": "2026-03-24 02:00:00"})
        self.assertEqual(len(self._deadline_activities(case)), len(dates))
        self.assertIn(hearing.date.date(), self._deadline_activities(case).mapped("date_deadline"))

    def test_legal_manager_runs_the_legal_job_now_others_may_not(self):
        cron = self.env.ref("account_collection_litigation.ir_cron_collection_case_deadlines")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        with self.assertRaises(AccessError):
            self.env["collection.case.alert"].with_user(self.legal_user).action_run_legal_deadlines()
        action = self.env["collection.case.alert"].with_user(self.legal_manager).action_run_legal_deadlines()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers), 1)
        server_action = self.env.ref("account_collection_litigation.collection_case_action_run_legal_deadlines")
        self.assertEqual(server_action.groups_id, self.env.ref(f"{MODULE}.group_litigation_manager"))
