import base64
import io
import re
from datetime import timedelta
from unittest.mock import patch

from PIL import Image

from odoo import Command, fields
from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.exceptions import AccessError, UserError
from odoo.http import Request
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CollectionCommon


def _signature():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


class PortalCommon(CollectionCommon, HttpCase):
    """A customer with a portal contact and two open invoices; another customer with its own invoice, letter and
    signed files, which the first must never reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = cls._invoices([(cls.customer, 40, 1000.0), (cls.customer, 10, 500.0)])
        cls.contact = cls.env["res.partner"].create({"name": "Li Na", "parent_id": cls.customer.id,
                                                     "email": "li.na@customer.example"})
        cls.portal_user = new_test_user(cls.env, login="debtor_portal", groups="base.group_portal",
                                        partner_id=cls.contact.id, company_id=cls.company.id)
        cls.file = cls._file_of(cls.customer)
        cls.other = cls._customer("Rival Trading")
        cls.other_invoice = cls._invoices([(cls.other, 40, 700.0)])
        cls.other_file = cls._file_of(cls.other)
        cls.other_letter = cls._letter(cls.other_file, b"other letter")
        cls.other_confirmation = cls.env["collection.balance.confirmation"].sudo().create({
            "customer_id": cls.other_file.id, "date": fields.Date.today(), "signer_role": "CFO",
            "move_ids": [Command.set(cls.other_invoice.ids)], "figures": "{}", "content_hash": "x",
        })
        # instalment plans are approved by a director (the default authority matrix)
        cls.director = new_test_user(
            cls.env, login="director_portal", name="Director Portal", company_id=cls.company.id,
            groups="account_collection_litigation.group_collection_director,account.group_account_invoice")
        cls.reason = cls.env.ref("account_collection_litigation.collection_dispute_reason_invoice_error")

    # === Helpers === #
    @classmethod
    def _file_of(cls, partner):
        return cls.env["collection.customer"].search([("partner_id", "=", partner.id),
                                                      ("company_id", "=", cls.company.id)])

    @classmethod
    def _letter(cls, file, content):
        return cls.env["collection.letter"].sudo().create({
            "customer_id": file.id, "partner_id": file.partner_id.id, "company_id": file.company_id.id,
            "currency_id": file.company_id.currency_id.id, "kind": "reminder_1", "state": "sent",
            "document_file": base64.b64encode(content), "document_filename": "letter.docx",
        })

    def _login(self):
        self.authenticate("debtor_portal", "debtor_portal")

    def _post(self, route, data, files=None):
        return self.url_open(route, data={**data, "csrf_token": Request.csrf_token(self)}, files=files,
                             allow_redirects=False)

    def _flash_error(self):
        """The error the last action left for the statement page."""
        page = self.url_open("/my/collection").text
        match = re.search(r'alert-danger" role="alert">([^<]*)<', page)
        return match and match.group(1)

    def _link(self, file=None):
        url = (file or self.file).collection_portal_link("test")
        return url.split("token=")[1]

    def _portal_history(self, file=None):
        return self.env["collection.history"].search([("customer_id", "=", (file or self.file).id),
                                                      ("event", "=", "portal")])


@tagged("post_install", "-at_install")
class TestPortalStatement(PortalCommon):
    def test_statement_as_portal_user(self):
        self._login()
        response = self.url_open("/my/collection")
        self.assertEqual(response.status_code, 200)
        for invoice in self.invoices:
            self.assertIn(invoice.name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        self.assertIn("o_collection_balance", response.text)
        self.assertIn("statement opened", self._portal_history().note)

    def test_statement_figures(self):
        statement = self.env["collection.portal"]._statement(self.file)
        self.assertEqual(statement["moves"], self.invoices)
        self.assertAlmostEqual(statement["total_open"], 1500.0)
        self.assertAlmostEqual(statement["total_overdue"], 1500.0)
        self.assertEqual([row["days_overdue"] for row in statement["rows"]], [40, 10])
        self.assertEqual(statement["content_hash"], self.env["collection.portal"]._statement(self.file)["content_hash"])

    def test_logged_out_visitor_refused(self):
        response = self.url_open("/my/collection", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        letter = self._letter(self.file, b"mine")
        self.assertEqual(self.url_open(f"/my/collection/letter/{letter.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/collection/pay?mode=all").status_code, 404)

    def test_token_link_opens_only_its_customer(self):
        raw = self._link()
        response = self.url_open(f"/my/collection?token={raw}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoices[0].name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        # the session keeps the link: later pages and downloads need not carry it, yet stay on its customer
        self.assertEqual(self.url_open(f"/my/collection/letter/{self.other_letter.id}").status_code, 404)
        token = self.env["collection.portal.token"].search([("customer_id", "=", self.file.id)])
        self.assertEqual(token.use_count, 2, "a refused request counts nothing")
        self.assertNotIn(raw, token.sudo().token_hash, "only the hash is stored")

    def test_expired_revoked_and_unknown_tokens_refused(self):
        expired, revoked = self._link(), self._link()
        tokens = self.env["collection.portal.token"].search([("customer_id", "=", self.file.id)])
        tokens[1].sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)   # the first one issued
        tokens[0].with_user(self.collector).action_revoke()
        self.assertEqual(tokens.mapped("state"), ["revoked", "expired"])
        for raw in (expired, revoked, "not-a-token"):
            self.assertEqual(self.url_open(f"/my/collection?token={raw}").status_code, 404)
            self.assertEqual(self.url_open(f"/my/collection/pay?mode=all&token={raw}").status_code, 404)
        # a revoked link kept in the session is dropped too
        live = self._link()
        self.assertEqual(self.url_open(f"/my/collection?token={live}").status_code, 200)
        self.env["collection.portal.token"].search([], limit=1).with_user(self.collector).action_revoke()
        self.assertIn(self.url_open("/my/collection", allow_redirects=False).status_code, (302, 303))

    def test_page_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._get("account_collection_litigation")._update_translations(filter_lang=["zh_CN"])
        self.customer.lang = "zh_CN"
        page = self.url_open(f"/my/collection?token={self._link()}").text
        self.assertIn("对账日期", page)
        self.assertIn("未结发票", page)
        self.assertIn("确认余额", page)

    def test_letters_downloadable_only_by_their_customer(self):
        letter = self._letter(self.file, b"our letter")
        self._login()
        self.assertIn(letter.name, self.url_open("/my/collection").text)
        response = self.url_open(f"/my/collection/letter/{letter.id}")
        self.assertEqual(response.content, b"our letter")
        self.assertIn("downloaded", self.file.message_ids[0].body)
        self.assertEqual(self.url_open(f"/my/collection/letter/{self.other_letter.id}").status_code, 404)
        self.assertEqual(
            self.url_open(f"/my/collection/confirmation/{self.other_confirmation.id}/pdf").status_code, 404)

    def test_other_customers_ids_refused_on_every_route(self):
        other = str(self.other_invoice.id)
        for login in (True, False):
            if login:
                self._login()
            else:
                self.authenticate(None, None)
                self.url_open(f"/my/collection?token={self._link()}")
            self._post("/my/collection/promise", {"invoice_ids": other, "date": fields.Date.to_string(
                fields.Date.today() + timedelta(days=5)), "amount": "100"})
            self.assertEqual(self._flash_error(), "These invoices are not yours to act on.")
            self._post("/my/collection/dispute", {"invoice_ids": other, "reason_id": self.reason.id,
                                                  "message": "Wrong"})
            self.assertEqual(self._flash_error(), "These invoices are not yours to act on.")
            self._post("/my/collection/plan", {"invoice_ids": other, "down_payment": "200", "instalments": "3"})
            self.assertEqual(self._flash_error(), "These invoices are not yours to act on.")
            response = self.url_open(f"/my/collection/pay?mode=invoices&invoice_ids={other}", allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self.make_jsonrpc_request(f"/my/collection/transaction/invoices/{other}", {
                    "provider_id": 1, "payment_method_id": 1, "token_id": None, "flow": "direct",
                    "tokenization_requested": False, "landing_route": "/my/collection", "access_token": None})
            self.assertEqual(self.url_open(f"/my/collection/confirm/{self.other_confirmation.id}").status_code, 404)
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self.make_jsonrpc_request(f"/my/collection/confirm/{self.other_confirmation.id}/sign",
                                          {"name": "Li Na", "signature": _signature()})
        self.assertFalse(self.env["collection.promise"].search([("partner_id", "=", self.other.id)]))
        self.assertFalse(self.env["collection.dispute"].search([("partner_id", "=", self.other.id)]))
        self.assertFalse(self.env["collection.payment.plan"].search([("partner_id", "=", self.other.id)]))
        self.assertFalse(self._portal_history(self.other_file))
        self.assertEqual(self.other_confirmation.state, "draft")


@tagged("post_install", "-at_install")
class TestPortalActions(PortalCommon):
    def test_confirm_balance_interrupts_limitation(self):
        deadline_before = self.invoices[0].collection_limitation_deadline
        self._login()
        response = self._post("/my/collection/confirm", {"role": "Finance manager"})
        confirmation = self.env["collection.balance.confirmation"].search([("customer_id", "=", self.file.id)])
        self.assertEqual(response.headers["Location"].split("/my/")[1], f"collection/confirm/{confirmation.id}")
        page = self.url_open(f"/my/collection/confirm/{confirmation.id}")
        self.assertIn(confirmation.content_hash, page.text)
        self.assertIn("portal.signature_form", page.text)
        result = self.make_jsonrpc_request(f"/my/collection/confirm/{confirmation.id}/sign",
                                           {"name": "Li Na", "signature": _signature()})
        self.assertTrue(result["force_refresh"])
        self.assertRecordValues(confirmation, [{
            "state": "signed", "signer_name": "Li Na", "signer_role": "Finance manager", "ip_address": "127.0.0.1",
            "signed_by_id": self.portal_user.id, "amount_total": 1500.0,
        }])
        self.assertEqual(confirmation.move_ids, self.invoices)
        self.assertEqual(confirmation.attachment_id.res_id, self.file.id)
        event = confirmation.limitation_event_id
        self.assertRecordValues(event, [{"event_type": "acknowledgement", "date": fields.Date.today(),
                                         "proof_filename": confirmation.attachment_id.name}])
        self.assertEqual(event.move_ids, self.invoices)
        self.assertTrue(event.proof_file)
        self.invoices.invalidate_recordset()
        self.assertGreater(self.invoices[0].collection_limitation_deadline, deadline_before)
        self.assertIn(event, self.invoices[0].collection_limitation_event_ids)
        self.assertIn("127.0.0.1", self._portal_history().filtered(lambda h: "signed" in h.note).note)
        self.assertIn(confirmation.attachment_id, self.file.message_ids.attachment_ids)
        # evidence: a signed confirmation cannot change, and the customer may download it
        with self.assertRaises(UserError):
            confirmation.sudo().write({"signer_name": "Someone else"})
        self.assertEqual(self.url_open(f"/my/collection/confirmation/{confirmation.id}/pdf").status_code, 200)

    def test_confirmation_after_expiry_bars_the_defence(self):
        old = self._invoice(365 * 3 + 40, 800.0)
        self.assertFalse(old.collection_limitation_revived)
        self._login()
        self._post("/my/collection/confirm", {"role": "Owner"})
        confirmation = self.env["collection.balance.confirmation"].search([("customer_id", "=", self.file.id)])
        self.make_jsonrpc_request(f"/my/collection/confirm/{confirmation.id}/sign",
                                  {"name": "Li Na", "signature": _signature()})
        old.invalidate_recordset()
        self.assertTrue(old.collection_limitation_revived)

    def test_confirmation_refused_when_figures_changed(self):
        self._login()
        self._post("/my/collection/confirm", {"role": "Owner"})
        confirmation = self.env["collection.balance.confirmation"].search([("customer_id", "=", self.file.id)])
        self._pay(self.invoices[1], 100.0)
        result = self.make_jsonrpc_request(f"/my/collection/confirm/{confirmation.id}/sign",
                                           {"name": "Li Na", "signature": _signature()})
        self.assertIn("figures changed", result["error"])
        self.assertEqual(confirmation.state, "draft")
        self.assertFalse(self.env["collection.limitation.event"].search([("partner_id", "=", self.customer.id)]))

    def test_promise_waits_for_the_collector_then_pauses(self):
        self._login()
        day = fields.Date.today() + timedelta(days=7)
        self._post("/my/collection/promise", {"invoice_ids": str(self.invoices[0].id),
                                              "date": fields.Date.to_string(day), "amount": "600"})
        promise = self.env["collection.promise"].search([("customer_id", "=", self.file.id)])
        self.assertRecordValues(promise, [{"state": "proposed", "amount": 600.0, "date": day,
                                           "user_id": self.collector.id, "pause_id": False}])
        self.assertEqual(promise.move_ids, self.invoices[0])
        activity = promise.proposal_activity_id
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("Promise to pay proposed", self.file.message_ids[0].body)
        promise.with_user(self.collector).action_accept()
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.pause_id.reason, "promise")
        self.assertEqual(promise.pause_id.move_ids, self.invoices[0])
        self.assertFalse(activity.exists())
        # a date in the past is refused and nothing is created
        self._post("/my/collection/promise", {"invoice_ids": str(self.invoices[1].id), "date": "2000-01-01",
                                              "amount": "10"})
        self.assertEqual(self._flash_error(), "A promise to pay falls due today or later.")
        self.assertEqual(len(self.env["collection.promise"].search([("customer_id", "=", self.file.id)])), 1)

    def test_dispute_pauses_only_its_invoices(self):
        self._login()
        self._post("/my/collection/dispute", {
            "invoice_ids": str(self.invoices[1].id), "reason_id": str(self.reason.id),
            "message": "The unit price is wrong."},
            files={"attachments": ("po.pdf", b"%PDF-1.4 order", "application/pdf")})
        dispute = self.env["collection.dispute"].search([("customer_id", "=", self.file.id)])
        self.assertRecordValues(dispute, [{"reason_id": self.reason.id, "description": "The unit price is wrong.",
                                           "user_id": self.collector.id, "state": "open"}])
        self.assertEqual(dispute.pause_id.move_ids, self.invoices[1])
        attachment = self.env["ir.attachment"].search([("res_model", "=", "collection.dispute"),
                                                       ("res_id", "=", dispute.id)])
        self.assertEqual(attachment.raw, b"%PDF-1.4 order")
        self.assertTrue(dispute.activity_ids.filtered(lambda a: a.user_id == self.collector))
        self.assertIn("Dispute raised", self._portal_history().filtered(lambda h: "Dispute" in h.note).note)

    def test_plan_request_within_policy_limits(self):
        self._login()
        self._post("/my/collection/plan", {"invoice_ids": self.invoices[0].id, "down_payment": "100",
                                           "instalments": "3"})
        self.assertIn("The first payment is at least", self._flash_error())
        self._post("/my/collection/plan", {"invoice_ids": self.invoices[0].id, "down_payment": "300",
                                           "instalments": "7"})
        self.assertEqual(self._flash_error(), "A plan asked here has at most 6 instalments.")
        self.assertFalse(self.env["collection.payment.plan"].search([("customer_id", "=", self.file.id)]))
        self._post("/my/collection/plan", {"invoice_ids": [str(i) for i in self.invoices.ids],
                                           "down_payment": "300", "instalments": "3"})
        plan = self.env["collection.payment.plan"].search([("customer_id", "=", self.file.id)])
        self.assertRecordValues(plan, [{"state": "to_approve", "down_payment": 300.0, "instalment_count": 3,
                                        "amount_total": 1500.0, "requested_by_id": self.portal_user.id}])
        self.assertEqual(plan.approver_id, self.director)
        self.assertTrue(plan.activity_ids.filtered(lambda a: a.user_id == plan.approver_id))
        self.assertEqual(len(plan.line_ids), 4)

    def test_next_instalment_of_a_running_plan(self):
        plan = self.env["collection.payment.plan"].create({
            "customer_id": self.file.id, "move_ids": [Command.set(self.invoices.ids)], "down_payment": 300.0,
            "instalment_count": 3,
        })
        plan.with_user(self.director).action_submit()
        self.assertEqual(plan.state, "active")
        moves, amount = self.env["collection.portal"]._payment_selection(self.file, "instalment")
        self.assertEqual(moves, self.invoices)
        self.assertAlmostEqual(amount, 300.0)
        self._login()
        self.assertIn("Pay the next instalment", self.url_open("/my/collection").text)
        self.assertEqual(self.url_open("/my/collection/pay?mode=instalment").status_code, 200)

    def test_no_access_without_a_collection_group(self):
        for model in ("collection.balance.confirmation", "collection.portal.token"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.salesman).search([])
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])
            self.env[model].with_user(self.collector).search([])

    def test_letters_and_reminders_carry_the_link(self):
        template = self.env.ref("account_collection_litigation.mail_template_reminder")
        body = template._render_field("body_html", self.file.ids)[self.file.id]
        self.assertIn("/my/collection?token=", body)
        raw = body.split("/my/collection?token=")[1].split('"')[0]
        self.assertEqual(self.env["collection.portal.token"]._resolve(raw).customer_id, self.file)


@tagged("post_install", "-at_install")
class TestPortalPayment(PortalCommon, AccountPaymentCommon):
    def test_pay_whole_balance_online(self):
        self._login()
        page = self.url_open("/my/collection/pay?mode=all")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_payment_form", page.text)
        self.env.cr.execute("UPDATE collection_customer SET checked_on = %s WHERE id = %s",
                            (fields.Date.today(), self.file.id))
        self.file.invalidate_recordset(["checked_on"])
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            values = self.make_jsonrpc_request("/my/collection/transaction/all/0", {
                "provider_id": self.provider.id, "payment_method_id": self.payment_method_id, "token_id": None,
                "amount": 1.0, "flow": "direct", "tokenization_requested": False,
                "landing_route": "/my/collection", "access_token": None,
            })
        tx = self._get_tx(values["reference"])
        self.assertAlmostEqual(tx.amount, 1500.0, msg="the amount is the server's, not the browser's")
        self.assertEqual(tx.invoice_ids, self.invoices)
        self.assertEqual(tx.collection_customer_id, self.file)
        with patch.object(type(self.env["collection.customer"]), "_mark_to_recheck",
                          autospec=True, side_effect=type(self.env["collection.customer"])._mark_to_recheck) as mark:
            tx._set_done()
            tx._post_process()
        self.assertTrue(mark.called)
        self.assertLessEqual(set(self.invoices.mapped("payment_state")), {"paid", "in_payment"})
        self.assertFalse(self.file.checked_on, "the customer is queued for the next run")
        # the history API stamps the trigger itself: the payment is the portal row that says so
        self.assertTrue(self._portal_history().filtered(lambda h: "paid online" in (h.note or "")))


@tagged("post_install", "-at_install")
class TestPortalTour(PortalCommon, AccountPaymentCommon):
    """The debtor's portal in Chromium on a phone-sized window (skipped when no Chrome/Chromium is installed)."""

    browser_size = "375x667"
    touch_enabled = True

    def test_portal_tour_on_a_phone(self):
        self.start_tour("/my/collection", "collection_portal_tour", login="debtor_portal")
        self.assertEqual(self.env["collection.promise"].search([("customer_id", "=", self.file.id)]).state,
                         "proposed")
        self.assertTrue(self.env["collection.dispute"].search([("customer_id", "=", self.file.id)]))
        confirmation = self.env["collection.balance.confirmation"].search([("customer_id", "=", self.file.id)])
        self.assertEqual(confirmation.state, "signed")
        self.assertEqual(confirmation.signer_name, "Li Na")
        self.assertEqual(self.env["collection.payment.plan"].search([("customer_id", "=", self.file.id)]).state,
                         "to_approve")
