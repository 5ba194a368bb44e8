import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TODAY
from .legal_common import LegalCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestRetention(LegalCommon):
    """Evidence stays for its retention period (5 years after the invoices are settled, 10 for write-off
    files, set on the company); invoices, customers, customer files and cases with a collection history stay;
    what controls and deadlines read is tracked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moves = cls._invoices([(cls.customer, 40, 1000.0)])
        cls.file = cls.env["collection.customer"].search([("partner_id", "=", cls.customer.id)])
        cls.file._escalate(trigger="cron")
        cls.letter = cls.env["collection.letter.engine"]._generate(cls.file, "reminder_1")
        cls.letter.sudo().action_approve()   # as the night would; four eyes bind people only

    def _attachments(self, record):
        # binary fields' attachments (res_field set) are left out of a search unless res_field is in the domain
        return self.env["ir.attachment"].sudo().search([
            ("res_model", "=", record._name), ("res_id", "=", record.id),
            "|", ("res_field", "=", False), ("res_field", "!=", False)])

    def _settle(self):
        self._pay(self.moves, 1000.0)
        self.assertEqual(self.moves.payment_state, "paid")

    def test_letter_files_kept_until_five_years_after_settlement(self):
        document = self._attachments(self.letter)
        self.assertTrue(document, "the letter's .docx is an attachment")
        with self.assertRaisesRegex(UserError, "retention period"):
            document.unlink()
        self._settle()
        with self.assertRaisesRegex(UserError, "2031"):
            document.unlink()
        with freeze_time("2031-03-02"), self.assertRaises(UserError, msg="the last day of retention keeps it"):
            document.unlink()
        with freeze_time("2031-03-03"):
            document.unlink()
        self.assertFalse(document.exists())

    def test_retention_is_set_on_the_company(self):
        self._settle()
        self.company.collection_retention_years = 1
        document = self._attachments(self.letter)
        with self.assertRaises(UserError):
            document.unlink()
        with freeze_time("2027-03-03"):
            document.unlink()

    def test_case_evidence_and_contact_recordings_kept(self):
        case = self._case(self.moves)
        evidence_file = self._provide(case, "contract")
        with self.assertRaisesRegex(UserError, "retention period"):
            evidence_file.sudo().unlink()
        with self.assertRaisesRegex(UserError, "retention period"):
            self._attachments(evidence_file).unlink()
        contact = self.env["collection.contact"].create({
            "customer_id": self.file.id, "outcome": "reached", "recording_consent": True,
            "recording": base64.b64encode(b"RIFF call"), "recording_filename": "call.wav"})
        with self.assertRaisesRegex(UserError, "retention period"):
            self._attachments(contact).unlink()
        # a case that holds evidence is part of the record; an empty preparation may go
        with self.assertRaisesRegex(UserError, "part of the record"):
            case.sudo().unlink()

    def test_write_off_files_kept_ten_years(self):
        write_off = self.env["collection.write.off"].sudo().create({
            "company_id": self.company.id, "currency_id": self.company.currency_id.id, "reason": "bankruptcy",
            "partner_id": self.customer.id, "move_ids": [Command.set(self.moves.ids)]})
        proof = self.env["ir.attachment"].create({"name": "liquidation.pdf", "raw": b"%PDF liquidation"})
        write_off.attachment_ids = [Command.link(proof.id)]
        self._settle()
        with freeze_time("2031-03-03"), self.assertRaisesRegex(UserError, "2036"):
            proof.unlink()
        with freeze_time("2036-03-03"):
            proof.unlink()

    def test_invoice_customer_and_file_with_history_stay(self):
        history = self.env["collection.history"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(history, "the escalation left a history")
        self.moves.button_draft()
        # found overdue by the first run, the invoice has no history row of its own: its stage keeps it
        self.assertFalse(self.moves.collection_history_ids)
        with self.assertRaisesRegex(UserError, "is in collection"):
            self.moves.unlink()
        self.env["collection.history"]._log(self.moves, "contact")
        with self.assertRaisesRegex(UserError, "collection history"):
            self.moves.unlink()
        with self.assertRaisesRegex(UserError, "collection history"):
            self.customer.unlink()
        with self.assertRaisesRegex(UserError, "collection history"):
            self.file.sudo().unlink()
        self.assertTrue(self.moves.exists() and self.customer.exists() and self.file.exists())
        # Without a history, deleting a draft invoice and a customer is as in Odoo.
        other = self._customer("Never Chased")
        draft = self._invoices([(other, 1, 10.0)], post=False)
        draft.unlink()
        other.unlink()

    def test_empty_case_may_be_deleted(self):
        other_moves = self._invoices([(self.customer, 60, 500.0)])
        case = self.env["collection.case"].create({
            "partner_id": self.customer.id, "line_ids": [Command.create({"move_id": other_moves.id})],
            "evidence_ids": []})
        case.unlink()
        self.assertFalse(case.exists())

    def test_figures_and_dates_controls_read_are_tracked(self):
        tracked_fields = {
            "collection.case": ("filing_date", "claim_penalty", "claim_fees", "claim_costs", "claim_total",
                                "interest_date", "expected_recovery_rate", "expected_costs", "review_next_date"),
            "collection.case.hearing": ("date",),
            "collection.case.judgment": ("date", "awarded_principal", "awarded_interest", "awarded_costs",
                                         "service_date", "debtor_service_date"),
            "collection.case.preservation": ("application_date", "ruling_date", "measure_date"),
            "collection.case.settlement": ("amount", "date", "first_due", "instalment_count", "every",
                                           "grace_days", "down_payment", "penalty"),
        }
        for model, names in tracked_fields.items():
            for name in names:
                with self.subTest(model=model, field=name):
                    self.assertTrue(self.env[model]._fields[name].tracking)
