import base64
import logging
import zipfile
from datetime import timedelta
from io import BytesIO

from docx import Document
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import TODAY
from .legal_common import LegalCommon

_logger = logging.getLogger(__name__)
TODAY_DATE = fields.Date.to_date(TODAY)
# What every refusal must leave untouched: the rows of these models are counted before and after each input.
COUNTED = (
    "collection.case", "collection.case.line", "collection.case.hearing", "collection.case.judgment",
    "collection.case.preservation", "collection.case.settlement", "collection.case.cost",
    "collection.case.evidence.file", "collection.case.enforcement", "collection.promise", "collection.pause",
    "collection.dispute", "collection.contact", "collection.interest.waiver", "collection.policy",
    "collection.action", "collection.interest.rule", "collection.kpi.target", "collection.group.pause",
    "collection.letter", "collection.letter.template", "collection.history", "mail.activity", "account.move",
)


def docx(*paragraphs, relationship=None):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    output = BytesIO()
    document.save(output)
    data = output.getvalue()
    if relationship:
        source, output = zipfile.ZipFile(BytesIO(data)), BytesIO()
        with zipfile.ZipFile(output, "w") as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "word/_rels/document.xml.rels":
                    content = content.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")
                target.writestr(info, content)
        data = output.getvalue()
    return base64.b64encode(data)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestBadInput(LegalCommon):
    """A catalogue of wrong inputs through every entry point a user has: forms (Form), wizards, uploads, imports
    (`load`) and the create/write/unlink calls JSON-RPC exposes. Each is refused with a clear message in the
    user's words, and nothing is half-written: the rows of every model concerned are the same before and after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_moves = cls._invoices([(cls.customer, 200, 1000.0), (cls.customer, 150, 2000.0),
                                        (cls.customer, 120, 500.0)])
        cls.paid_move = cls._invoices([(cls.customer, 100, 300.0)])
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.paid_move.ids).create({"amount": 300.0})._create_payments()
        cls.file = cls.env["collection.customer"].search([("partner_id", "=", cls.customer.id)])
        cls.file._escalate(trigger="cron")
        cls.case = cls.env["collection.case"].create({
            "partner_id": cls.customer.id, "line_ids": [Command.create({"move_id": cls.open_moves[0].id})],
            "filing_date": TODAY_DATE - timedelta(days=10),
        })
        cls.other_currency = cls.env.ref("base.EUR") if cls.company.currency_id != cls.env.ref("base.EUR") \
            else cls.env.ref("base.USD")
        cls.other_currency.active = True
        cls.hearing = cls.env["collection.case.hearing"].create({
            "case_id": cls.case.id, "date": fields.Datetime.to_datetime(f"{TODAY_DATE + timedelta(days=5)} 02:00:00")})
        cls.judgment = cls.env["collection.case.judgment"].create({"case_id": cls.case.id, "date": TODAY_DATE})
        cls.preservation = cls.env["collection.case.preservation"].create({
            "case_id": cls.case.id, "description": "Account 1", "application_date": TODAY_DATE - timedelta(days=20)})
        cls.promise = cls.env["collection.promise"].create({
            "customer_id": cls.file.id, "amount": 100.0, "date": TODAY_DATE + timedelta(days=3)})
        cls.contact = cls.env["collection.contact"].create({
            "customer_id": cls.file.id, "outcome": "no_answer", "channel": "call"})
        cls.refused = []

    @classmethod
    def tearDownClass(cls):
        # The figure the closing note quotes.
        _logger.info("bad inputs refused: %s", len(cls.refused))
        super().tearDownClass()

    # === The harness === #
    def _counts(self):
        return {model: self.env[model].sudo().with_context(active_test=False).search_count([]) for model in COUNTED}

    def assertRefused(self, label, operation, contains=None):
        """`operation` must be refused with a clear message and leave every counted model as it was."""
        before = self._counts()
        message = None
        with self.subTest(input=label):
            try:
                # a SQL constraint logs the refused query: expected here, it is the refusal under test
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    result = operation()
                    if isinstance(result, dict) and "messages" in result:      # load(): errors are returned
                        errors = [m["message"] for m in result["messages"] if m.get("type") == "error"]
                        if errors and not result["ids"]:
                            message = errors[0]
                            raise UserError(message)
            except IntegrityError as exc:       # what the RPC layer turns a SQL constraint into
                message = message or _as_validation_error(self.env, exc).args[0]
            except UserError as exc:            # ValidationError and AccessError included
                message = message or exc.args[0]
            finally:
                self.env.invalidate_all(flush=False)
            self.assertTrue(message, f"{label}: accepted, no error")
            self.assertNotIn("Traceback", message)
            self.assertNotIn("psycopg2", message)
            if contains:
                self.assertIn(contains, message)
            self.assertEqual(self._counts(), before, f"{label}: something was written")
            self.refused.append(label)

    # === Plausibility of legal cases === #
    def test_legal_case_plausibility(self):
        case, hearing, judgment, measure = self.case, self.hearing, self.judgment, self.preservation
        filed = case.filing_date
        hearings, judgments = self.env["collection.case.hearing"], self.env["collection.case.judgment"]
        before_filing = fields.Datetime.to_datetime(f"{filed - timedelta(days=3)} 02:00:00")
        self.assertRefused("hearing before filing", lambda: hearings.create(
            {"case_id": case.id, "date": before_filing}), "before the case was filed")
        self.assertRefused("hearing moved before filing", lambda: hearing.write({"date": before_filing}))
        self.assertRefused("judgment before filing", lambda: judgments.create(
            {"case_id": case.id, "date": filed - timedelta(days=1)}), "before the case was filed")
        self.assertRefused("judgment moved before filing", lambda: judgment.write({"date": filed - timedelta(days=2)}))
        self.assertRefused("filing moved after its hearing", lambda: case.write(
            {"filing_date": TODAY_DATE + timedelta(days=20)}), "hearing or a decision before")
        self.assertRefused("measure before its application", lambda: self.env["collection.case.preservation"].create({
            "case_id": case.id, "description": "Account 2", "application_date": TODAY_DATE,
            "measure_date": TODAY_DATE - timedelta(days=1)}), "before its application")
        self.assertRefused("measure moved before its application", lambda: measure.write(
            {"measure_date": measure.application_date - timedelta(days=1)}))
        self.assertRefused("ruling before the application", lambda: measure.write(
            {"ruling_date": measure.application_date - timedelta(days=1)}))
        self.assertRefused("negative preserved amount", lambda: measure.write({"amount": -5.0}))
        self.assertRefused("negative penalty", lambda: case.write({"claim_penalty": -100.0}), "cannot be negative")
        self.assertRefused("negative fees claimed", lambda: case.write({"claim_fees": -1.0}))
        self.assertRefused("negative costs claimed", lambda: case.write({"claim_costs": -0.01}))
        self.assertRefused("negative awarded principal", lambda: judgment.write({"awarded_principal": -1.0}))
        self.assertRefused("negative awarded interest", lambda: judgment.write({"awarded_interest": -1.0}))
        self.assertRefused("negative awarded costs", lambda: judgment.write({"awarded_costs": -1.0}))
        self.assertRefused("negative days to perform", lambda: judgment.write({"performance_days": -10}),
                           "days to perform")
        self.assertRefused("negative amount open at filing", lambda: case.line_ids.write({"amount_claimed": -1.0}))
        self.assertRefused("negative interest claimed on a line", lambda: case.line_ids.write({"interest_amount": -1}))
        self.assertRefused("case on a fully paid invoice", lambda: self._case(self.paid_move), "paid in full")
        self.assertRefused("paid invoice added to a case", lambda: case.write(
            {"line_ids": [Command.create({"move_id": self.paid_move.id})]}), "paid in full")
        self.assertRefused("case in another currency than its invoices", lambda: self._case(
            self.open_moves[1], currency_id=self.other_currency.id), "claims in")
        self.assertRefused("invoice claimed twice", lambda: self._case(self.open_moves[0]), "already claimed")
        self.assertRefused("contingency share above 100 %", lambda: case.write({"fee_share": 150.0}))
        self.assertRefused("recovery rate above 100 %", lambda: case.write({"expected_recovery_rate": 101.0}))
        self.assertRefused("enforcement ending before it started", lambda: self.env[
            "collection.case.enforcement"].create({"case_id": case.id, "application_date": TODAY_DATE,
                                                   "termination_date": TODAY_DATE - timedelta(days=1)}))
        self.assertRefused("settlement of nothing", lambda: self.env["collection.case.settlement"].create({
            "case_id": case.id, "amount": 0.0, "first_due": TODAY_DATE}))
        self.assertRefused("settlement without instalments", lambda: self.env["collection.case.settlement"].create({
            "case_id": case.id, "amount": 100.0, "instalment_count": 0, "first_due": TODAY_DATE}))
        self.assertRefused("settlement with a negative grace", lambda: self.env["collection.case.settlement"].create({
            "case_id": case.id, "amount": 100.0, "grace_days": -3, "first_due": TODAY_DATE}))
        self.assertRefused("negative cost", lambda: self.env["collection.case.cost"].create({
            "case_id": case.id, "name": "Court", "amount_manual": -10.0}))
        self.assertRefused("a customer invoice as a cost's bill", lambda: self.env["collection.case.cost"].create({
            "case_id": case.id, "name": "Court", "bill_id": self.open_moves[1].id}))
        evidence = case.sudo().evidence_ids[:1]
        self.assertRefused("empty evidence file", lambda: self.env["collection.case.evidence.file"].create({
            "evidence_id": evidence.id, "name": "empty.pdf", "datas": base64.b64encode(b"")}))

    def test_legal_case_forms(self):
        """The same refusals through the form a legal user fills in."""
        form = Form(self.env["collection.case"].with_user(self.legal_user))
        form.partner_id = self.customer
        form.claim_penalty = -500.0
        self.assertTrue(form.fee_estimate_total >= 0, "the form shows no fee for a negative claim, no server error")
        self.assertRefused("negative penalty in the case form", form.save, "cannot be negative")
        form.claim_penalty = 500.0
        self.assertEqual(form.save().claim_penalty, 500.0, "a plausible value saves")

        def hearing_form():
            hearing = Form(self.env["collection.case.hearing"].with_context(default_case_id=self.case.id))
            hearing.date = fields.Datetime.to_datetime(f"{self.case.filing_date - timedelta(days=1)} 02:00:00")
            return hearing.save()
        self.assertRefused("hearing before filing in its form", hearing_form, "before the case was filed")

    # === Collectors' work === #
    def test_collection_work(self):
        promises, pauses = self.env["collection.promise"], self.env["collection.pause"]
        file, move = self.file, self.open_moves[1]
        self.assertRefused("promise in the past", lambda: promises.create(
            {"customer_id": file.id, "amount": 100.0, "date": TODAY_DATE - timedelta(days=1)}), "today or later")
        self.assertRefused("promise moved into the past", lambda: self.promise.write(
            {"date": TODAY_DATE - timedelta(days=5)}), "today or later")
        self.assertRefused("promise of nothing", lambda: promises.create(
            {"customer_id": file.id, "amount": 0.0, "date": TODAY_DATE}))
        self.assertRefused("negative promise", lambda: promises.create(
            {"customer_id": file.id, "amount": -50.0, "date": TODAY_DATE}))
        other = self._customer("Other Debtor")
        other_move = self._invoices([(other, 40, 100.0)])
        self.assertRefused("promise on another customer's invoice", lambda: promises.create({
            "customer_id": file.id, "amount": 50.0, "date": TODAY_DATE, "move_ids": [Command.set(other_move.ids)]}))
        self.assertRefused("promise deleted", self.promise.unlink)

        def promise_form():
            form = Form(promises.with_context(default_customer_id=file.id))
            form.amount = 100.0
            form.date = TODAY_DATE - timedelta(days=2)
            return form.save()
        self.assertRefused("promise in the past in its form", promise_form, "today or later")
        self.assertRefused("pause ending before it starts", lambda: pauses.create({
            "partner_id": self.customer.id, "date_from": TODAY_DATE, "date_to": TODAY_DATE - timedelta(days=1)}))
        self.assertRefused("promise pause without end", lambda: pauses.create({
            "partner_id": self.customer.id, "reason": "promise", "promise_amount": 10.0}))
        self.assertRefused("negative promised amount on a pause", lambda: pauses.create({
            "partner_id": self.customer.id, "reason": "promise", "promise_amount": -10.0,
            "date_to": TODAY_DATE + timedelta(days=3)}))
        self.assertRefused("pause of another customer's invoice", lambda: pauses.create({
            "partner_id": self.customer.id, "move_ids": [Command.set(other_move.ids)]}))
        reason = self.env["collection.dispute.reason"].search([], limit=1)
        disputes = self.env["collection.dispute"]
        self.assertRefused("negative disputed amount", lambda: disputes.create({
            "customer_id": file.id, "reason_id": reason.id, "description": "x", "amount": -1.0,
            "move_ids": [Command.set(move.ids)]}))
        self.assertRefused("dispute of another customer's invoice", lambda: disputes.create({
            "customer_id": file.id, "reason_id": reason.id, "description": "x",
            "move_ids": [Command.set(other_move.ids)]}))
        contacts = self.env["collection.contact"]
        self.assertRefused("recording without consent", lambda: contacts.create({
            "customer_id": file.id, "outcome": "reached", "recording": base64.b64encode(b"RIFF"),
            "recording_filename": "call.wav"}), "consent")
        self.assertRefused("third party without a name", lambda: contacts.create({
            "customer_id": file.id, "outcome": "reached", "person": "third_party"}))
        self.assertRefused("contact rewritten", lambda: self.contact.write({"outcome": "promise"}), "evidence")
        self.assertRefused("contact deleted", self.contact.unlink)
        waivers = self.env["collection.interest.waiver"]
        self.assertRefused("waiver above what is claimable", lambda: waivers.create({
            "move_id": move.id, "amount": 1_000_000.0, "reason": "goodwill"}))
        self.assertRefused("waiver of both an amount and a share", lambda: waivers.create({
            "move_id": move.id, "amount": 1.0, "share": 10.0, "reason": "goodwill"}))
        self.assertRefused("waiver above 100 %", lambda: waivers.create({
            "move_id": move.id, "share": 150.0, "reason": "goodwill"}))
        self.assertRefused("negative waiver", lambda: waivers.create({
            "move_id": move.id, "amount": -1.0, "reason": "goodwill"}))

    def test_wizards(self):
        file = self.file
        self.assertRefused("pause wizard with nothing selected", lambda: self.env["collection.pause.wizard"].create(
            {"reason": "excluded", "note": "Holiday"}).action_confirm(), "Select the customers")
        wizard = self.env["collection.contact.wizard"].with_context(
            active_model="collection.customer", active_ids=file.ids, active_id=file.id)
        self.assertRefused("contact wizard: promise without amount", lambda: wizard.create({
            "customer_id": file.id, "outcome": "promise"}).action_confirm(), "amount and a date")
        self.assertRefused("contact wizard: dispute without invoices", lambda: wizard.create({
            "customer_id": file.id, "outcome": "dispute"}).action_confirm(), "reason and the invoices")
        self.assertRefused("contact wizard: promise in the past", lambda: wizard.create({
            "customer_id": file.id, "outcome": "promise", "promise_amount": 10.0,
            "promise_date": TODAY_DATE - timedelta(days=4)}).action_confirm(), "today or later")

    # === Configuration === #
    def test_configuration(self):
        policy = self.policy
        self.assertRefused("negative minimum amount", lambda: policy.write({"minimum_amount": -1.0}))
        self.assertRefused("negative chasing actions before legal", lambda: policy.write({"legal_min_actions": -1}))
        self.assertRefused("negative promise grace", lambda: policy.write({"promise_grace_days": -1}))
        self.assertRefused("quiet hours at 25:00", lambda: policy.write({"quiet_hours_start": 25.0}), "00:00 and 24:00")
        action = policy.action_ids[:1]
        self.assertRefused("negative repeat interval", lambda: action.write({"repeat_every": -2}))
        rules = self.env["collection.interest.rule"]
        self.assertRefused("fixed interest rule without rate", lambda: rules.create(
            {"name": "No rate", "method": "fixed"}), "needs a rate")
        self.assertRefused("negative interest rate", lambda: rules.create(
            {"name": "Negative", "method": "fixed", "annual_rate": -5.0}), "cannot be negative")
        self.assertRefused("negative interest cap", lambda: rules.create(
            {"name": "Cap", "method": "fixed", "annual_rate": 5.0, "cap": "amount", "cap_amount": -1.0}))
        targets = self.env["collection.kpi.target"]
        self.assertRefused("target ending before it starts", lambda: targets.create({
            "date_from": TODAY_DATE, "date_to": TODAY_DATE - timedelta(days=1), "target_amount": 1.0}))
        self.assertRefused("negative target", lambda: targets.create({
            "date_from": TODAY_DATE, "date_to": TODAY_DATE, "target_amount": -1.0}))
        self.assertRefused("target rate above 100 %", lambda: targets.create({
            "date_from": TODAY_DATE, "date_to": TODAY_DATE, "target_amount": 1.0, "target_rate": 2.0}))
        self.assertRefused("group pause ending before it starts", lambda: self.env["collection.group.pause"].create({
            "name": "Flood", "date_from": TODAY_DATE, "date_to": TODAY_DATE - timedelta(days=1)}))

    # === Uploads === #
    def test_template_uploads(self):
        templates = self.env["collection.letter.template"]
        template = templates.search([("kind", "=", "reminder_1")], limit=1)

        def upload(data):
            return lambda: template.write({"template_file": data})
        self.assertRefused("upload: not a Word file", upload(base64.b64encode(b"%PDF-1.4 not a docx")), "Word")
        self.assertRefused("upload: not base64", upload(b"!!!not base64!!!"), "could not be read")
        self.assertRefused("upload: empty", upload(False), "needs its Word file")
        self.assertRefused("upload: unknown variable", upload(docx("{{ password }}")), "password")
        self.assertRefused("upload: broken tag", upload(docx("{{ recipient.name ")))
        self.assertRefused("upload: import", upload(docx("{% import 'os' as os %}")), "import")
        self.assertRefused("upload: private attribute", upload(docx("{{ recipient.__class__ }}")), "__class__")
        self.assertRefused("upload: a gigabyte string", upload(docx("{{ 'x'.ljust(10**9) }}")), "sample data")
        self.assertRefused("upload: three nested loops", upload(docx(
            "{% set s = 'x' * 10000 %}{% for a in s %}{% for b in s %}{% for c in s %}.{% endfor %}{% endfor %}"
            "{% endfor %}")), "sample data")
        self.assertRefused("upload: external image", upload(docx("Hello", relationship=(
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'image" Target="http://127.0.0.1:8069/x.png" TargetMode="External"/>'))), "external resource")
        self.env["ir.config_parameter"].sudo().set_param(
            "account_collection_litigation.letter_template_max_bytes", "1000")
        self.assertRefused("upload: too large", upload(docx("Hello")), "at most")

    # === Imports (Odoo's import: load) === #
    def test_imports(self):
        self.assertRefused("import: promise in the past", lambda: self.env["collection.promise"].load(
            ["customer_id/.id", "amount", "date"],
            [[str(self.file.id), "100", fields.Date.to_string(TODAY_DATE - timedelta(days=9))]]))
        self.assertRefused("import: negative policy minimum", lambda: self.env["collection.policy"].load(
            ["name", "minimum_amount"], [["Imported", "-5"]]))
        self.assertRefused("import: judgment before filing", lambda: self.env["collection.case.judgment"].load(
            ["case_id/.id", "date"], [[str(self.case.id), fields.Date.to_string(TODAY_DATE - timedelta(days=30))]]))
        self.assertRefused("import: negative awarded principal", lambda: self.env["collection.case.judgment"].load(
            ["case_id/.id", "awarded_principal"], [[str(self.case.id), "-100"]]))
        self.assertRefused("import: case on a paid invoice", lambda: self.env["collection.case"].load(
            ["partner_id/.id", "line_ids/move_id/.id"], [[str(self.customer.id), str(self.paid_move.id)]]))
        self.assertRefused("import: unknown selection value", lambda: self.env["collection.pause"].load(
            ["partner_id/.id", "reason"], [[str(self.customer.id), "holiday"]]))
        self.assertRefused("import: a date that is not one", lambda: self.env["collection.promise"].load(
            ["customer_id/.id", "amount", "date"], [[str(self.file.id), "100", "tomorrow"]]))

    def test_zz_catalogue_size(self):
        """Runs last (tests run in name order): the inputs of the tests above, at least 60 across the entry
        points."""
        self.assertGreaterEqual(len(self.refused), 60, sorted(self.refused))
