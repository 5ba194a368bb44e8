import base64
import email
import os
import socket
import time
import zipfile
from datetime import timedelta
from io import BytesIO
from unittest.mock import patch

from babel.dates import format_date
from docx import Document
from freezegun import freeze_time

import odoo
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.collection_letter_template import COURT_KINDS
from ..tools.docx_render import CONTEXT_KEYS, plain
from ..wizard import collection_letter_wizard
from .common import TODAY, CollectionCommon, docx_text, letter_text

MODULE = "account_collection_litigation"


def docx_bytes(*paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def b64(data):
    return base64.b64encode(data)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLetters(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["collection.letter.engine"]
        cls.templates = cls.env["collection.letter.template"]
        cls.moves = cls._invoices([(cls.customer, 40, 1000.0), (cls.customer, 20, 2500.5),
                                   (cls.customer, 10, 100001.05)])
        cls.moves[0].collection_contract_ref = "HT-2025-017"
        cls.contact = cls.env["res.partner"].create({
            "name": "Wang Lei", "parent_id": cls.customer.id, "type": "invoice", "email": "wang@customer.example",
            "street": "88 Century Avenue", "city": "Shanghai", "zip": "200120"})
        cls.lpr = cls.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr")
        cls.policy.interest_rule_id = cls.lpr

    def setUp(self):
        super().setUp()
        self.file = self._escalate()

    def _generate(self, kind="reminder_1", **kwargs):
        return self.engine._generate(self.file, kind, **kwargs)

    def _wizard(self, user=None, **context):
        return self.env["collection.letter.wizard"].with_user(user or self.collector).with_context(**context)

    # === Rendering === #
    def test_every_shipped_template_renders_with_real_invoices(self):
        # the court documents are rendered from a legal case (tests/test_court_documents.py)
        court = self.templates.search([("shipped_file", "!=", False), ("kind", "in", COURT_KINDS)])
        self.assertEqual(len(court), 8, "four court documents in English and in Simplified Chinese")
        shipped = self.templates.search([("shipped_file", "!=", False), ("kind", "not in", COURT_KINDS)])
        self.assertEqual(len(shipped), 18, "nine kinds in English and in Simplified Chinese")
        self.assertEqual(set(shipped.mapped("lang")), {"en_US", "zh_CN"})
        # a lawyer letter comes from the lawyer engaged on the customer's case, whose invoices it pauses: last
        case = self.env["collection.case"]
        for template in shipped.sorted(lambda t: t.kind == "lawyer"):
            if template.kind == "lawyer" and not case:
                case = case.sudo().create({
                    "partner_id": self.customer.id,
                    "lawyer_id": self.env["res.partner"].create({"name": "Liu Yang", "collection_is_lawyer": True}).id,
                    "line_ids": [Command.create({"move_id": move.id}) for move in self.moves],
                })
            letter = self._generate(template.kind, template=template)
            self.assertEqual(letter.template_id, template)
            text = letter_text(letter)
            lang = template.lang
            for expected in [self.customer.name, *self.moves.mapped("name"), letter.amount_words,
                             format_date(letter.deadline, "long", locale=lang),
                             f"{letter.amount_total:,.2f}"]:
                self.assertIn(expected, text, f"{template.name}: {expected!r} missing")
            self.assertIn("HT-2025-017", text, template.name)
            # the debtor's page: its link and its QR code
            self.assertRegex(text, r"/my/collection\?token=\S+", template.name)
            data = base64.b64decode(letter.with_context(bin_size=False).document_file)
            self.assertEqual(len(Document(BytesIO(data)).inline_shapes), 1, template.name)
            letter.action_cancel()      # frees the key: the next language of the kind is generated anew

    def test_amounts_and_interest_on_the_letter(self):
        letter = self._generate("formal_demand")
        self.assertEqual(len(letter.line_ids), 3)
        self.assertAlmostEqual(letter.amount_open, 103501.55)
        self.assertGreater(letter.amount_interest, 0.0, "the LPR rule of the policy accrues interest")
        self.assertAlmostEqual(letter.amount_total, letter.amount_open + letter.amount_interest
                               + letter.amount_compensation)
        claimable = sum(self.moves.mapped("collection_interest_claimable"))
        self.assertAlmostEqual(letter.amount_interest + letter.amount_compensation, claimable, places=2)
        self.assertEqual(letter.recipient_id, self.contact)
        self.assertIn("88 Century Avenue", letter.recipient_address)
        self.assertEqual(letter.recipient_email, "wang@customer.example")
        self.assertEqual(letter.deadline, fields.Date.to_date(TODAY) + timedelta(days=7))
        text = letter_text(letter)
        self.assertIn("Wang Lei", text)
        self.assertIn("Overdue interest", text)

    def test_context_is_plain_data_of_the_documented_shape(self):
        letter = self._generate()
        context = self.engine._letter_context(letter, {})
        self.assertEqual(plain(context), context)
        self.assertEqual(set(context), set(CONTEXT_KEYS))
        for key, subkeys in CONTEXT_KEYS.items():
            value = context[key][0] if isinstance(context[key], list) else context[key]
            self.assertEqual(set(value), set(subkeys), key)

    def test_amount_in_words(self):
        cny = self.env.ref("base.CNY")
        usd = self.env.ref("base.USD")
        words = self.engine._amount_in_words
        self.assertEqual(words(100001.05, cny, "zh_CN"), "人民币壹拾万零壹元零伍分")
        self.assertEqual(words(0.0, cny, "zh_CN"), "人民币零元整")
        self.assertEqual(words(10.0, cny, "zh_CN"), "人民币壹拾元整")
        self.assertEqual(words(1000000.0, usd, "zh_CN"), "美元壹佰万元整")
        self.assertEqual(words(10.0, usd, "en_US"), usd.amount_to_text(10.0))
        self.assertEqual(words(100001.05, usd, "en_US"),
                         "One Hundred Thousand And One Dollars and Five Cents")
        self.assertEqual(words(1000000.0, usd, "en_US"), "One Million Dollars")

    # === Upload checks === #
    def _upload(self, data, name="Mine", user=None, **values):
        return self.templates.with_user(user or self.env.user).create({
            "name": name, "kind": "reminder_1", "lang": "en_US", "template_file": b64(data), **values})

    def test_bad_uploads_are_refused_and_nothing_is_saved(self):
        self.env["ir.config_parameter"].sudo().set_param(f"{MODULE}.letter_template_max_bytes", "200000")
        good = docx_bytes("Dear {{ recipient.name }}")
        corrupt = good[:len(good) // 2]
        damaged_zip = BytesIO()
        with zipfile.ZipFile(BytesIO(good)) as source, zipfile.ZipFile(damaged_zip, "w") as target:
            for info in source.infolist():
                content = source.read(info.filename)
                target.writestr(info, content[:len(content) // 2] if info.filename == "word/document.xml" else content)
        damaged = damaged_zip.getvalue()
        cases = {
            "text file": (b"Dear customer, please pay.", "not a Word document"),
            "corrupt docx": (corrupt, "not a Word document"),
            "unknown variable": (docx_bytes("Dear {{ recipient.name }}", "Pay by {{ deadline }}"),
                                 "Unknown variable “deadline”"),
            "oversized": (docx_bytes("Dear {{ recipient.name }}", base64.b64encode(os.urandom(300000)).decode()),
                          "at most 195 KB"),
            "damaged docx": (damaged, "damaged"),
            "syntax": (docx_bytes("{% for inv in invoices %}{{ inv.number }}"), "does not parse"),
            "class escape": (docx_bytes("{{ ''.__class__.__mro__[1].__subclasses__() }}"), "__class__"),
            "globals escape": (docx_bytes("{{ cycler.__init__.__globals__ }}"), "__globals__"),
            "import": (docx_bytes("{% import 'os' as os %}"), "“import” is not allowed"),
            "env": (docx_bytes("{{ env['res.users'].search([]) }}"), "Unknown variable “env”"),
        }
        existing = self.templates.search([])
        template = self._upload(good)
        for label, (data, message) in cases.items():
            with self.subTest(label), self.assertRaises(ValidationError) as refused:
                self._upload(data, name=label)
            self.assertIn(message, str(refused.exception), label)
            with self.subTest(label), self.assertRaises(ValidationError):
                template.write({"template_file": b64(data)})
        self.assertEqual(self.templates.search([]), existing | template, "nothing saved")
        self.assertEqual(template._template_bytes(), good, "the file of the template is unchanged")
        # the message says where the problem is
        with self.assertRaises(ValidationError) as refused:
            self._upload(docx_bytes("Hello", "Dear {{ recipient.nmae }},"))
        self.assertIn("paragraph 2", str(refused.exception))
        self.assertIn("nmae", str(refused.exception))

    def test_escape_in_a_stored_template_runs_nothing(self):
        template = self._upload(docx_bytes("Dear {{ recipient.name }}"))
        # written behind the upload check (e.g. by SQL): rendering still refuses it, nothing runs
        evil = docx_bytes("{{ ''.__class__.__mro__[1].__subclasses__() }}")
        template.env.cr.execute("UPDATE ir_attachment SET db_datas = %s, store_fname = NULL WHERE res_model = %s "
                                "AND res_field = 'template_file' AND res_id = %s",
                                (evil, template._name, template.id))
        self.env.invalidate_all()
        self.assertEqual(template._template_bytes(), evil)
        with patch("os.system") as system, patch("subprocess.Popen") as popen, \
                self.assertRaises(UserError) as refused:
            self._generate("formal_demand", template=template)
        self.assertIn("__class__", str(refused.exception))
        system.assert_not_called()
        popen.assert_not_called()
        self.assertFalse(self.env["collection.letter"].search([("template_id", "=", template.id)]))

    def test_flagged_phrases_need_a_manager(self):
        template = self._upload(docx_bytes("Dear {{ recipient.name }}", "Pay or we call the POLICE."),
                                user=self.manager)
        self.assertEqual(template.compliance_state, "flagged")
        self.assertIn("police", template.compliance_hits)
        with self.assertRaises(UserError):
            self._generate(template=template)
        self.assertNotEqual(self.templates._find("reminder_1", "en_US", self.company), template)
        with self.assertRaises(AccessError):
            template.with_user(self.collector).action_accept_compliance()
        with self.assertRaises(AccessError):
            template.with_user(self.supervisor).action_accept_compliance()
        template.with_user(self.manager).action_accept_compliance()
        self.assertEqual(template.compliance_state, "accepted")
        self.assertEqual(template.accepted_by_id, self.manager)
        self.assertTrue(self._generate(template=template))
        chinese = self.templates.create({"name": "中文", "kind": "lawyer", "lang": "zh_CN",
                                         "template_file": b64(docx_bytes("否则后果自负。"))})
        self.assertEqual(chinese.compliance_state, "flagged")

    def test_restore_and_download_the_shipped_version(self):
        shipped = self.env.ref(f"{MODULE}.letter_template_en_us_reminder_1")
        original = shipped._template_bytes()
        shipped.write({"template_file": b64(docx_bytes("Hi {{ recipient.name }}"))})
        shipped.action_restore_shipped()
        self.assertEqual(shipped._template_bytes(), original)
        self.assertIn("/template_file/", shipped.action_download()["url"])
        with self.assertRaises(UserError):
            self._upload(docx_bytes("Hi")).action_restore_shipped()

    # === Generation === #
    def test_one_letter_per_customer_kind_day_and_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        euro_move = self._invoices([(self.customer, 30, 700.0)], currency=eur)
        paused = self._invoice(25, amount=50.0)
        self.env["collection.pause"].create({"partner_id": self.customer.id, "reason": "dispute",
                                             "move_ids": [Command.set(paused.ids)], "note": "Damaged"})
        self.file = self._escalate()
        wizard = self._wizard(active_model="collection.customer", active_ids=self.file.ids).create({})
        wizard.action_generate()
        letters = self.env["collection.letter"].search([("partner_id", "=", self.customer.id),
                                                        ("kind", "=", "reminder_1")])
        self.assertEqual(len(letters), 2, "one letter per currency")
        self.assertEqual(letters.filtered(lambda letter: letter.currency_id == eur).line_ids.move_id, euro_move)
        self.assertNotIn(paused, letters.line_ids.move_id, "a paused invoice is not chased")
        self.assertEqual(letters.generated_by_id, self.collector)
        # the same customer, kind and day again: the same letters
        self._wizard(active_model="collection.customer", active_ids=self.file.ids).create({}).action_generate()
        self.assertEqual(self.env["collection.letter"].search([("partner_id", "=", self.customer.id),
                                                               ("kind", "=", "reminder_1")]), letters)
        # another kind is another letter
        self.assertNotIn(self._generate("reminder_2"), letters)

    def test_generate_from_selected_invoices(self):
        chosen = self.moves[:2]
        wizard = self._wizard(active_model="account.move", active_ids=chosen.ids).create({"kind": "formal_demand"})
        self.assertEqual(wizard.customer_ids, self.file)
        action = wizard.action_generate()
        letter = self.env["collection.letter"].browse(action["res_id"])
        self.assertEqual(letter.line_ids.move_id, chosen)
        self.assertEqual(letter.kind, "formal_demand")
        # an invoice posted since the last escalation run is written about too
        fresh = self._invoice(8, amount=640.0)
        self.assertFalse(fresh.collection_customer_id)
        action = self._wizard(active_model="account.move", active_ids=fresh.ids).create(
            {"kind": "reminder_2"}).action_generate()
        self.assertEqual(self.env["collection.letter"].browse(action["res_id"]).line_ids.move_id, fresh)

    def test_payment_plan_instalments(self):
        wizard = self._wizard(active_model="collection.customer", active_ids=self.file.ids).create({
            "kind": "payment_plan", "plan_count": 3, "plan_first_date": "2026-04-01", "plan_interval": 30})
        letter = self.env["collection.letter"].browse(wizard.action_generate()["res_id"])
        text = letter_text(letter)
        for day in ("April 1, 2026", "May 1, 2026", "May 31, 2026"):
            self.assertIn(day, text)
        instalments = wizard._instalments()
        self.assertAlmostEqual(sum(amount for _day, amount in instalments), letter.amount_total, places=2)

    def test_large_selection_goes_to_the_background(self):
        others = [self._customer(f"Batch Customer {index}") for index in range(3)]
        self._invoices([(partner, 12, 100.0 * (index + 1)) for index, partner in enumerate(others)])
        files = self.file | self.env["collection.customer"].browse(
            [self._escalate(partner).id for partner in others])
        self.engine._draft_calendar_letters(self.engine._pending_calendar_rows())   # the calendar's, first
        with patch.object(collection_letter_wizard, "SYNC_LIMIT", 2):
            # a formal demand: the calendar drafted today's first reminders of these never-chased customers already
            action = self._wizard(active_model="collection.customer", active_ids=files.ids).create(
                {"kind": "formal_demand"}).action_generate()
        batch = self.env["collection.letter.batch"].browse(action["res_id"])
        self.assertEqual(batch.state, "queued")
        self.assertFalse(batch.letter_ids)
        done = []
        while processed := self.engine._cron_generate_letters(batch_size=2):
            done.append(processed)
        self.assertEqual(done, [2, 2])
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.letter_ids.customer_id, files)
        # a rerun finds nothing left to do, and generates nothing twice
        batch.state = "running"
        self.engine._cron_generate_letters(batch_size=2)
        self.assertEqual(len(batch.letter_ids), 4)
        # review: approve two, download all, send the approved ones
        batch.letter_ids[:2].with_user(self.collector).action_approve()   # a second person reviews
        url = batch.action_download_zip()["url"]
        attachment = self.env["ir.attachment"].browse(int(url.split("/")[-1].split("?")[0]))
        names = zipfile.ZipFile(BytesIO(attachment.raw)).namelist()
        self.assertEqual(len(names), 4)
        self.assertTrue(all(name.endswith(".docx") for name in names))
        batch.action_send_approved()
        self.assertEqual(batch.letter_ids.mapped("state").count("sent"), 2)

    # === Delivery, evidence, limitation === #
    def test_posted_without_proof_interrupts_nothing(self):
        letter = self._generate("formal_demand")
        with self.assertRaises(UserError):
            letter.action_mark_sent()          # how it was sent must be said
        letter.write({"channel": "registered_mail", "tracking_number": "EMS1234567890CN"})
        letter.action_mark_sent()
        self.assertEqual(letter.state, "sent")
        self.assertFalse(letter.interrupts_limitation)
        self.assertIn("interrupts no limitation", letter.limitation_note)
        with self.assertRaises(UserError):
            letter.action_mark_delivered()     # the arrival date first
        letter.write({"delivery_date": TODAY})
        letter.action_mark_delivered()
        self.assertFalse(letter.limitation_event_ids)
        self.assertIn("interrupts no limitation", letter.limitation_note)
        history = self.env["collection.history"].search([("letter_id", "=", letter.id)])
        self.assertIn("without proof", " ".join(history.mapped("note")))
        # the proof arrives later: now it is an interruption
        letter.write({"proof_file": b64(b"%PDF-1.4 EMS delivery record"), "proof_filename": "ems.pdf"})
        event = letter.limitation_event_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(event.event_type, "demand_delivered")
        self.assertEqual(event.date, fields.Date.to_date(TODAY))
        self.assertEqual(event.move_ids, self.moves)
        self.assertTrue(letter.interrupts_limitation)
        with self.assertRaises(UserError):
            event.write({"date": "2026-01-01"})
        with self.assertRaises(UserError):
            letter.write({"amount_total": 1.0})     # a sent letter is evidence

    def test_letters_show_in_chatter_and_history(self):
        letter = self._generate("reminder_2")
        letter.action_send_email()
        for record in (self.file, *self.moves):
            bodies = " ".join(record.message_ids.mapped("body"))
            self.assertIn(letter.name, bodies, record.display_name)
        events = self.env["collection.history"].search([("letter_id", "=", letter.id)])
        self.assertEqual(sorted(events.mapped("event")), ["letter", "letter"])
        self.assertEqual(events.customer_id, self.file)
        message = letter.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertTrue(message.attachment_ids.filtered(lambda a: a.name.endswith(".docx")))
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.channel, "email")

    def test_signed_balance_confirmation_is_an_acknowledgement(self):
        letter = self._generate("balance_confirmation")
        letter.write({"channel": "hand"})
        letter.action_mark_sent()
        letter.write({"reply_date": TODAY, "reply_channel": "mail", "reply_file": b64(b"signed and sealed"),
                      "reply_filename": "confirmation.pdf"})
        event = letter.limitation_event_ids
        self.assertEqual(event.event_type, "acknowledgement")
        self.assertEqual(event.move_ids, self.moves)

    def test_pdf_with_libreoffice_or_says_why_not(self):
        letter = self._generate()
        if not self.engine._soffice():
            letter.action_make_pdf()
            self.assertIn("LibreOffice", letter.pdf_note)
            return
        letter.action_make_pdf()
        self.assertTrue(base64.b64decode(letter.with_context(bin_size=False).pdf_file).startswith(b"%PDF"))
        with patch.object(type(self.engine), "_soffice", return_value=None):
            other = self._generate("reminder_2")
            other.action_make_pdf()
        self.assertIn("not installed", other.pdf_note)

    # === Calendar === #
    def test_calendar_drafts_the_letter_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customer = self._customer("Pearl Delta Electronics", lang="zh_CN")
        self._invoice(5, amount=800.0, partner=customer)
        activities = self.env["mail.activity"].search_count([])
        file = self._escalate(customer)
        self.assertFalse(self.env["collection.letter"].search([("partner_id", "=", customer.id)]),
                         "rendering is kept out of the escalation's batch")
        self.engine._cron_generate_letters()
        letter = self.env["collection.letter"].search([("partner_id", "=", customer.id)])
        self.assertEqual(letter.kind, "reminder_1")
        self.assertEqual(letter.trigger, "calendar")
        self.assertEqual(letter.state, "draft", "in the review queue")
        self.assertEqual(letter.template_id, self.env.ref(f"{MODULE}.letter_template_zh_cn_reminder_1"))
        self.assertEqual(letter.render_state, "queued", "its figures are frozen, its document waits")
        self.assertFalse(letter.document_file)
        self.engine._cron_render_letters()
        self.assertEqual(letter.render_state, "rendered")
        self.assertIn("付款提醒函", letter_text(letter))
        self.assertFalse(self.env["mail.activity"].search([
            ("res_model", "=", "collection.customer"), ("res_id", "=", file.id),
            ("activity_type_id", "=", self.env.ref(f"{MODULE}.mail_activity_type_collection_letter").id)]))
        self.assertGreaterEqual(self.env["mail.activity"].search_count([]), activities)
        history = self.env["collection.history"].search([("customer_id", "=", file.id), ("event", "=", "action"),
                                                         ("action_id.action_type", "=", "letter")])
        self.assertEqual(history.letter_id, letter)
        self.engine._cron_generate_letters()
        self.assertEqual(self.env["collection.letter"].search([("partner_id", "=", customer.id)]), letter,
                         "a rerun drafts nothing twice")

    def test_calendar_sends_when_the_action_says_so(self):
        self.actions["First reminder letter"].letter_auto_send = True
        customer = self._customer("Auto Send Co")
        self._invoice(5, amount=300.0, partner=customer)
        self._escalate(customer)
        self.engine._cron_generate_letters()
        letter = self.env["collection.letter"].search([("partner_id", "=", customer.id)])
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.channel, "email")

    # === Access === #
    def test_access_by_group(self):
        letter = self._generate()
        with self.assertRaises(AccessError):
            letter.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            self.env["collection.letter.wizard"].with_user(self.salesman).create({})
        with self.assertRaises(AccessError):
            self.templates.with_user(self.collector).create({
                "name": "No", "kind": "reminder_1", "lang": "en_US",
                "template_file": b64(docx_bytes("Hi {{ recipient.name }}"))})
        self.assertTrue(letter.with_user(self.collector).read(["name"]))
        letter.with_user(self.collector).action_approve()
        other = self.setup_other_company(name="Letters Elsewhere")["company"]
        self._invoices([(self.customer, 40, 500.0)], company=other)
        other_file = self._file(company=other)
        other_file._escalate(today=fields.Date.to_date(TODAY))
        other_letter = self.engine.with_company(other)._generate(other_file, "reminder_1")
        self.assertTrue(other_letter)
        visible = self.env["collection.letter"].with_user(self.collector).search([])
        self.assertNotIn(other_letter, visible)

    # === End to end: a real SMTP server === #
    def test_send_through_a_real_smtp_server(self):
        from aiosmtpd.controller import Controller

        class Sink:
            def __init__(self):
                self.messages = []

            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
                self.messages.append(envelope)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        self.addCleanup(controller.stop)
        self.env["ir.mail_server"].search([]).active = False
        self.env["ir.mail_server"].create({"name": "Test SMTP", "smtp_host": "127.0.0.1", "smtp_port": port,
                                           "smtp_encryption": "none", "sequence": 1})
        letter = self._generate("final_notice")
        # Odoo never sends mail while testing; this test is about sending it.
        with patch.object(odoo.modules.module, "current_test", False):
            letter.action_send_email()
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
        deadline = time.monotonic() + 10
        while not sink.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        received_by = [envelope for envelope in sink.messages if "wang@customer.example" in envelope.rcpt_tos]
        self.assertEqual(len(received_by), 1, [envelope.rcpt_tos for envelope in sink.messages])
        envelope = received_by[0]
        message = email.message_from_bytes(envelope.original_content)
        self.assertIn(letter.name, message["Subject"])
        attachments = {part.get_filename(): part.get_payload(decode=True)
                       for part in message.walk() if part.get_filename()}
        docx_name = next(name for name in attachments if name.endswith(".docx"))
        received = docx_text(attachments[docx_name])
        for move in self.moves:
            self.assertIn(move.name, received)
        self.assertIn(letter.amount_words, received)
