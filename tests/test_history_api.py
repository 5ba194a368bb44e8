from datetime import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import TODAY
from .test_payment_plans import ArrangementCommon

MODULE = "account_collection_litigation"
NOW = datetime(2026, 3, 2, 4, 0, 0)
# What a collector would like the court to read: an action "by the cron" a month before it happened.
BACK_DATED = {"date": "2026-02-01 09:00:00", "trigger": "cron", "event": "action", "state": "done"}


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestHistoryApi(ArrangementCommon):
    """The history is append-only for everyone, and every event of the addon reaches it through
    collection.history._log / _log_rows, which set its date, author and trigger."""

    def _rows(self, event, file=None):
        return self.env["collection.history"].search(
            [("customer_id", "=", (file or self._file()).id), ("event", "=", event)], order="id")

    def assertStamped(self, rows, user, trigger):
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual((row.date, row.user_id, row.trigger), (NOW, user, trigger), row.event)

    # === Append-only === #
    def test_no_group_creates_writes_or_deletes_history(self):
        self._invoice(40)
        file = self._escalate()
        row = self._rows("stage", file)[:1]
        self.assertTrue(row)
        values = {"company_id": self.company.id, "customer_id": file.id, "partner_id": self.customer.id,
                  "user_id": self.manager.id, **BACK_DATED}
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group(f"{MODULE}.group_collection_manager"))
        for user in (self.collector, self.supervisor, self.manager, self.director, self.general_manager,
                     self.accountant, admin):
            history = self.env["collection.history"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    history.create(values)
                # a client's context may name the API's key: it opens nothing
                with self.assertRaises(AccessError):
                    history.with_context(collection_history_api=True).create(values)
                with self.assertRaises(AccessError):
                    row.with_user(user).write({"note": "rewritten"})
                with self.assertRaises(AccessError):
                    row.with_user(user).write({"state": "cancelled"})
                with self.assertRaises(AccessError):
                    row.with_user(user).unlink()
        # not even sudo, outside the API
        with self.assertRaises(AccessError):
            self.env["collection.history"].sudo().create(values)
        with self.assertRaises(AccessError):
            row.sudo().write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            row.sudo().with_context(collection_history_api=True).write({"date": "2026-02-01 09:00:00"})
        self.assertFalse(self.env["collection.history"].search([("date", "<", "2026-03-01")]))
        # no access row of any group grants more than reading
        granting = self.env["ir.model.access"].search([
            ("model_id.model", "=", "collection.history"),
            "|", "|", ("perm_create", "=", True), ("perm_write", "=", True), ("perm_unlink", "=", True),
        ])
        self.assertFalse(granting)

    def test_the_api_sets_date_author_and_trigger(self):
        self._invoice(40)
        file = self._escalate()
        history = self.env["collection.history"]
        for stamped in ("date", "user_id", "trigger"):
            with self.subTest(value=stamped), self.assertRaises(ValueError):
                history._log(file, "contact", **{stamped: BACK_DATED.get(stamped, self.manager.id)})
        # defaults in the caller's context do not reach the evidence either
        pause = self.env["collection.pause"].with_user(self.collector).with_context(
            default_date="2026-02-01 09:00:00", default_trigger="cron", default_dedup_key="forged",
            default_action_id=self.actions["Reminder email (week 2)"].id,
        ).create({"partner_id": self.customer.id, "reason": "excluded", "note": "Key account"})
        row = self._rows("pause", file)
        self.assertStamped(row, self.collector, "manual")
        self.assertFalse(row.dedup_key or row.action_id)
        self.assertIn("Key account", row.note)
        # the scheduled job's context makes the rows the cron's, dated when they are logged
        pause.with_env(self._cron_env())._end("ended", note="Resumed by the run")
        self.assertStamped(self._rows("resume", file), self.env.user, "cron")

    # === Every writer goes through the API === #
    def test_escalation_rows_by_the_cron_and_by_hand(self):
        move = self._invoice(40)
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_escalate")
        cron.method_direct_trigger()
        file = self._file()
        self.assertStamped(self._rows("stage", file), cron.user_id, "cron")
        self.assertStamped(self._rows("action", file), cron.user_id, "cron")
        # found overdue, the invoice starts in its stage: the customer's row says when
        self.assertEqual((move.collection_stage_id, move.collection_history_ids), (self.stages["Formal notice"],
                                                                                  self.env["collection.history"]))
        # a person's Escalate Now: their name, 'manual'; a payment that ends the stage: 'payment'
        self._pay(move, 1000.0)
        file.with_user(self.collector).action_escalate_now()
        paid = self._rows("stage", file).filtered("move_id")[-1]
        self.assertEqual((paid.stage_from_id, paid.stage_to_id.id), (self.stages["Formal notice"], False))
        self.assertStamped(paid, self.collector, "payment")
        self.assertStamped(self._rows("stage", file).filtered(lambda r: not r.move_id)[-1], self.collector,
                           "manual")

    def test_stage_wizard_pause_and_contacts(self):
        move = self._invoice(10)
        file = self._escalate()
        self.env["collection.stage.wizard"].with_user(self.collector).create({
            "move_ids": move.ids, "stage_id": self.stages["Intensified"].id, "note": "Stopped answering",
        }).action_confirm()
        stage = self._rows("stage", file).filtered(lambda r: r.note == "Stopped answering")
        self.assertStamped(stage, self.collector, "manual")
        self.assertEqual((stage.move_id, stage.stage_to_id), (move, self.stages["Intensified"]))

        pause = self.env["collection.pause"].with_user(self.collector).create(
            {"partner_id": self.customer.id, "reason": "dispute", "note": "Wrong quantity"})
        pause.with_user(self.supervisor).action_resume()
        self.assertStamped(self._rows("pause", file), self.collector, "manual")
        self.assertStamped(self._rows("resume", file), self.supervisor, "manual")

        self.env["collection.contact"].with_user(self.collector).create({
            "customer_id": file.id, "outcome": "reached", "channel": "call", "move_ids": move.ids,
            "note": "Will check with finance",
        })
        contact = self._rows("contact", file)
        self.assertStamped(contact, self.collector, "manual")
        self.assertEqual((contact.move_id, contact.state), (move, "done"))
        with freeze_time(f"{TODAY} 15:00:00"):   # 23:00 in Shanghai: quiet hours need a reason
            self.env["collection.contact"].with_user(self.collector).create({
                "customer_id": file.id, "outcome": "reached", "channel": "call",
                "override_reason": "The customer asked to be called back at once",
            })
            override = self._rows("override", file)
            self.assertEqual((override.date, override.user_id, override.trigger),
                             (fields.Datetime.now(), self.collector, "manual"))
            self.assertIn("called back at once", override.note)

    def test_promises_broken_and_kept_by_the_run(self):
        kept_by = self._customer("Keeps Promises")
        moves = self._invoice(20, amount=1000.0) | self._invoice(20, amount=1000.0, partner=kept_by)
        for partner in (self.customer, kept_by):
            self._escalate(partner)
            self.env["collection.pause"].with_user(self.collector).create({
                "partner_id": partner.id, "reason": "promise", "date_from": "2026-02-20", "date_to": "2026-02-25",
                "promise_amount": 500.0, "note": "Will pay half",
            })
        self._pay(moves[1], 500.0, date="2026-02-24")
        for partner in (self.customer, kept_by):
            self._escalate(partner)
        self.assertStamped(self._rows("promise_broken"), self.env.user, "cron")
        self.assertStamped(self._rows("promise_kept", self._file(kept_by)), self.env.user, "cron")

    def test_plan_approval_and_plan_broken(self):
        move = self._invoice(40, amount=900.0)
        file = self._escalate()
        plan = self._plan(move, instalment_count=3, first_date=TODAY)
        plan.with_user(self.collector).action_submit()
        plan.with_user(self.director).action_approve()
        requested, approved = self._rows("approval", file)
        self.assertStamped(requested, self.collector, "manual")
        self.assertStamped(approved, self.director, "manual")
        self._escalate()
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_payment_plans")
        with freeze_time("2026-03-09 04:00:00"):   # the down payment of 2 March is missed beyond its grace
            cron.method_direct_trigger()
            self.assertEqual(plan.state, "broken")
            broken = self._rows("plan_broken", file)
            self.assertEqual((broken.date, broken.user_id, broken.trigger),
                             (fields.Datetime.now(), cron.user_id, "cron"))

    def test_interest_waiver_approved_and_reversed(self):
        self.policy.interest_rule_id = self.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr")
        move = self._invoice(60)
        file = self._escalate()
        # a share of running interest always waits for a collection manager
        waiver = self.env["collection.interest.waiver"].with_user(self.collector).create(
            {"move_id": move.id, "reason": "Goodwill", "share": 50.0})
        waiver.with_user(self.manager).action_approve()
        waiver.with_user(self.collector).action_reverse()
        approved, reversed_ = self._rows("waiver", file), self._rows("waiver_reversed", file)
        self.assertStamped(approved, self.manager, "manual")
        self.assertStamped(reversed_, self.collector, "manual")
        self.assertEqual((approved | reversed_).move_id, move)

    def test_letters(self):
        self._invoice(40)
        file = self._escalate()
        letter = self.env["collection.letter.engine"].with_user(self.collector)._generate(file, "formal_demand")
        letter.write({"channel": "registered_mail", "tracking_number": "EMS1234567890CN"})
        letter.with_user(self.supervisor).action_mark_sent()
        drafted, sent = self._rows("letter", file)
        self.assertStamped(drafted, self.collector, "manual")
        self.assertStamped(sent, self.supervisor, "manual")
        self.assertEqual((sent.letter_id, sent.state), (letter, "done"))


@tagged("post_install", "-at_install")
class TestHistoryOverRpc(HttpCase):
    """What a client sends cannot write the history, nor make its own events the cron's."""

    def test_rpc_cannot_write_or_forge_history(self):
        collector = new_test_user(
            self.env, login="rpc_collector", password="rpc_collector_pw",
            groups=f"{MODULE}.group_collection_collector,account.group_account_invoice",
        )
        partner = self.env["res.partner"].create({"name": "RPC Customer", "is_company": True})
        file = self.env["collection.customer"]._ensure_files({(partner.id, self.env.company.id)})
        progress = self.env.ref(f"{MODULE}.ir_cron_collection_escalate")._add_progress()[1]
        forged = {"ir_cron_progress_id": progress.id, "collection_history_api": True,
                  "default_date": BACK_DATED["date"], "default_trigger": "cron"}
        self.authenticate("rpc_collector", "rpc_collector_pw")

        def call(model, method, *args, **kwargs):
            return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
                "model": model, "method": method, "args": list(args), "kwargs": kwargs})

        with self.assertRaises(JsonRpcException) as refused:
            call("collection.history", "create", {
                "company_id": self.env.company.id, "customer_id": file.id, "partner_id": partner.id,
                **BACK_DATED}, context=forged)
        self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
        with self.assertRaises(JsonRpcException):
            call("collection.history", "_log", [file.id], "action", context=forged)
        # an event a person causes is theirs, now, by hand, whatever the context says
        call("collection.pause", "create", {"partner_id": partner.id, "reason": "excluded", "note": "Forged"},
             context=forged)
        row = self.env["collection.history"].search([("partner_id", "=", partner.id)])
        self.assertEqual((row.event, row.user_id, row.trigger), ("pause", collector, "manual"))
        self.assertGreater(row.date, fields.Datetime.to_datetime(BACK_DATED["date"]))
