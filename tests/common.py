import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user

from ..tools.docx_render import docx_paragraphs

# A Monday: the calendar tests count working days from here.
TODAY = "2026-03-02"
# A one-pixel PNG: a visit's photo of the premises.
PHOTO = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b0e9b50000000049454e44ae426082"))


def docx_text(data):
    """The text of a .docx as its reader sees it: the body with its tables, the headers and the footers."""
    return "\n".join(text for _part, text in docx_paragraphs(data))


def letter_text(letter):
    """The text of a letter's Word file."""
    return docx_text(base64.b64decode(letter.with_context(bin_size=False).document_file))


class CollectionCommon(AccountTestInvoicingCommon):
    """Invoices placed by days overdue, on the standard policy of a fresh company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.env.user.groups_id |= cls.env.ref("account_collection_litigation.group_collection_manager")
        cls.collector = new_test_user(
            cls.env, login="collector_test", name="Collector Test", email="collector@test.example",
            groups="account_collection_litigation.group_collection_collector,account.group_account_invoice",
            company_id=cls.company.id, tz="Asia/Shanghai",
        )
        cls.supervisor = new_test_user(
            cls.env, login="supervisor_test", name="Supervisor Test",
            groups="account_collection_litigation.group_collection_supervisor,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env, login="manager_test", name="Manager Test",
            groups="account_collection_litigation.group_collection_manager,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.accountant = new_test_user(
            cls.env, login="accountant_test", name="Accountant Test", groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env, login="salesman_test", name="Sales Rep Test", groups="base.group_user",
            company_id=cls.company.id,
        )
        cls.policy = cls.company.collection_policy_id   # given to the company when it was created
        cls.policy.write({"collector_id": cls.collector.id, "supervisor_id": cls.supervisor.id,
                          "legal_user_id": cls.manager.id})
        cls.stages = {stage.name: stage for stage in cls.policy.stage_ids}
        cls.actions = {action.name: action for action in cls.policy.action_ids}
        cls.customer = cls._customer("Huaxin Materials")

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "email": f"{name.split()[0].lower()}@customer.example",
            "tz": "Asia/Shanghai", **values,
        })

    @classmethod
    def _invoices(cls, specs, company=None, currency=None, post=True):
        """Customer invoices from (partner, days overdue, amount) triples, created in one batch."""
        company = company or cls.company
        today = fields.Date.context_today(cls.env.user)
        moves = cls.env["account.move"].with_company(company).create([{
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_date": today - timedelta(days=days),
            "invoice_date_due": today - timedelta(days=days),
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        } for partner, days, amount in specs])
        if post:
            moves.action_post()
        return moves

    def _invoice(self, days, amount=1000.0, partner=None, **kwargs):
        return self._invoices([(partner or self.customer, days, amount)], **kwargs)

    def _file(self, partner=None, company=None):
        return self.env["collection.customer"].search([
            ("partner_id", "=", (partner or self.customer).commercial_partner_id.id),
            ("company_id", "=", (company or self.company).id),
        ])

    def _escalate(self, partner=None):
        """Escalate one customer now, as the daily run would for it (on its company's day, by the cron)."""
        file = self._file(partner)
        file.with_env(self._cron_env())._escalate(trigger="cron")
        return file

    def _counted(self, call, expected):
        """Queries of `call` on a cold cache, pinned to at most `expected`; returns them, counted as
        assertQueryCount counts (its writes flushed)."""
        self.env.invalidate_all()
        with self.assertQueryCount(expected):
            before = self.cr.sql_log_count
            call()
            self.env.flush_all()
            self.env.cr.flush()
            count = self.cr.sql_log_count - before
        return count

    def _cron_env(self, xmlid="account_collection_litigation.ir_cron_collection_escalate"):
        """This environment as ir.cron gives it to a job it runs: what is logged there is by the cron."""
        cron, _progress = self.env.ref(xmlid)._add_progress()
        return cron.env

    def _log_past(self, when, records, event, **values):
        """Log an event as the daily run did at `when`, through the history's API."""
        with freeze_time(when):
            return self.env["collection.history"].with_env(self._cron_env())._log(records, event, **values)

    def _pay(self, move, amount, date=None):
        return self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": date or fields.Date.context_today(self.env.user)}
                 )._create_payments()

    def _actions_done(self, partner=None):
        return self.env["collection.history"].search([
            ("partner_id", "=", (partner or self.customer).id), ("event", "=", "action"),
        ]).action_id

    def _authority_limit(self, group, amount, kind=None, company=None):
        """Set a level's limit (`group`: the xmlid name of its group) in the company's authority matrix, for one
        kind of approval or for every kind it holds."""
        company = company or self.company
        self.env["collection.authority"]._matrix(company)   # the company's matrix exists before it is changed
        domain = [("company_id", "=", company.id),
                  ("group_id", "=", self.env.ref(f"account_collection_litigation.{group}").id)]
        rows = self.env["collection.authority"].search(domain + ([("kind", "=", kind)] if kind else []))
        rows.write({"amount_limit": amount, "unlimited": False})
        return rows
