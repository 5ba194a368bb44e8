import base64
import logging

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import PHOTO, TODAY
from .legal_common import MODULE, LegalCommon

_logger = logging.getLogger(__name__)

ROLES = {
    # role: groups of a user of that role
    "collector": f"{MODULE}.group_collection_collector,account.group_account_invoice",
    "supervisor": f"{MODULE}.group_collection_supervisor,account.group_account_invoice",
    "manager": f"{MODULE}.group_collection_manager,account.group_account_invoice",
    "director": f"{MODULE}.group_collection_director,account.group_account_invoice",
    "gm": f"{MODULE}.group_collection_general_manager,account.group_account_invoice",
    "accountant": "account.group_account_invoice",
    "sales": "base.group_user",
    "legal": f"{MODULE}.group_litigation_user,account.group_account_invoice",
    "legal_mgr": f"{MODULE}.group_litigation_manager,account.group_account_invoice",
    "portal": "base.group_portal",
}
OPERATIONS = "rwcu"     # read, write, create, unlink: a letter where the role may, "-" where it is refused

# What each role may do on each model of the addon (the models come from ir.model: a model added to the addon
# and missing here fails the test). Columns in the order of ROLES (collector, supervisor, collection manager,
# director, general manager, accountant, sales rep, legal user, legal manager, portal user); "rwcu" = read,
# write, create, unlink, "-" = refused. Checked on a record of the user's company where the model has one
# (ACL and record rules), else on the model (ACL).
MATRIX = """
model                               coll supv mgr  dir  gm   acct sale legl lmgr prtl
account.move                        rwcu rwcu rwcu rwcu rwcu rwcu ---- rwcu rwcu ----
account.partial.reconcile           rwcu rwcu rwcu rwcu rwcu rwcu ---- rwcu rwcu ----
collection.action                   r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.aging.report             r--- r--- r--- r--- r--- ---- ---- ---- ---- ----
collection.aging.wizard             rwcu rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.alert                    ---- r--- rw-u rw-u rw-u ---- ---- ---- ---- ----
collection.alert.rule               ---- r--- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.arrangement              rwcu rwcu rwcu rwcu rwcu ---- ---- r--- r--- ----
collection.authority                r--- r--- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.balance.confirmation     r--- r--- r--- r--- r--- ---- ---- r--- r--- ----
collection.call.script              r--- r--- rwcu rwcu rwcu ---- ---- r--- r--- ----
collection.case                     ---- ---- r--- r--- r--- ---- ---- rwc- rwcu ----
collection.case.alert               ---- ---- ---- ---- ---- ---- ---- r--- r--- ----
collection.case.asset               ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.asset.search        ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.cost                ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.deadline            ---- ---- ---- ---- ---- ---- ---- r--- r--- ----
collection.case.enforcement         ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.evidence            ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.evidence.file       ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.evidence.pack       ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.hearing             ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.interruption        ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.judgment            ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.line                ---- ---- r--- r--- r--- ---- ---- rwcu rwcu ----
collection.case.open.wizard         ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.preservation        ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.restriction         ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.settlement          ---- ---- ---- ---- ---- ---- ---- rwc- rwcu ----
collection.case.settlement.line     ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.case.stage               r--- r--- r--- r--- r--- r--- r--- r--- rwcu ----
collection.contact                  rwc- rwc- rwc- rwc- rwc- ---- ---- r--- r--- ----
collection.contact.wizard           rwcu rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.court.document.wizard    ---- ---- ---- ---- ---- ---- ---- rwcu rwcu ----
collection.credit.grade             r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.credit.proposal          r--- r--- rw-- rw-- rw-- ---- ---- ---- ---- ----
collection.credit.rating            r--- rw-- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.customer                 rwc- rwc- rwc- rwc- rwc- r--- ---- r--- r--- ----
collection.debtor.assessment        rwc- rwc- rwc- rwc- rwc- ---- ---- r--- r--- ----
collection.digest                   ---- ---- r--- r--- r--- ---- ---- ---- ---- ----
collection.dispute                  rwc- rwc- rwc- rwc- rwc- r--- ---- r--- r--- ----
collection.dispute.reason           r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.evidence.template        ---- ---- ---- ---- ---- ---- ---- r--- rwcu ----
collection.evidence.template.line   ---- ---- ---- ---- ---- ---- ---- r--- rwcu ----
collection.group.pause              r--- r--- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.history                  r--- r--- r--- r--- r--- r--- ---- r--- r--- ----
collection.interest.invoice         r-c- r-c- r-c- r-c- r-c- r--- ---- r--- r--- ----
collection.interest.invoice.wizard  rwcu rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.interest.rate            r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.interest.rate.table      r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.interest.rule            r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.interest.waiver          rwc- rwc- rwc- rwc- rwc- r--- ---- r--- r--- ----
collection.kpi.dashboard            ---- rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.kpi.target               r--- r--- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.letter                   rwcu rwcu rwcu rwcu rwcu ---- ---- rwc- rwc- ----
collection.letter.batch             rwc- rwc- rwc- rwc- rwc- ---- ---- ---- ---- ----
collection.letter.line              rwcu rwcu rwcu rwcu rwcu ---- ---- rwcu rwcu ----
collection.letter.phrase            r--- r--- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.letter.template          r--- r--- rwcu rwcu rwcu ---- ---- r--- r--- ----
collection.letter.wizard            rwcu rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.limitation.event         r--- r--- r--- r--- r--- ---- ---- r--- r--- ----
collection.limitation.watch         ---- ---- rwcu rwcu rwcu ---- ---- rwcu rwcu ----
collection.pause                    rwc- rwc- rwc- rwc- rwc- r--- ---- r--- r--- ----
collection.pause.wizard             rwcu rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.payment.plan             rwcu rwcu rwcu rwcu rwcu ---- ---- r--- r--- ----
collection.payment.plan.line        rwcu rwcu rwcu rwcu rwcu ---- ---- r--- r--- ----
collection.policy                   r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.portal.token             r--- r--- r--- r--- r--- ---- ---- ---- ---- ----
collection.promise                  rwc- rwc- rwc- rwc- rwc- ---- ---- r--- r--- ----
collection.reassign.wizard          ---- rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.sale.block               ---- ---- r--- r--- r--- ---- ---- ---- ---- ----
collection.small.claims.threshold   ---- ---- ---- ---- ---- ---- ---- r--- rwcu ----
collection.stage                    r--- r--- rwcu rwcu rwcu r--- r--- r--- r--- ----
collection.stage.wizard             rwcu rwcu rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.team                     r--- r--- rwcu rwcu rwcu ---- ---- ---- ---- ----
collection.visit                    rwcu rwcu rwcu rwcu rwcu ---- ---- r--- r--- ----
collection.working.day              r--- r--- r--- r--- r--- r--- r--- r--- rwcu ----
collection.worklist                 r--- r--- r--- r--- r--- ---- ---- ---- ---- ----
collection.workload.report          r--- r--- r--- r--- r--- ---- ---- ---- ---- ----
collection.write.off                ---- ---- ---- ---- ---- ---- ---- r--- rwc- ----
collection.write.off.wizard         ---- ---- ---- ---- ---- ---- ---- ---- rwcu ----
ir.attachment                       rwcu rwcu rwcu rwcu rwcu rwcu rwcu rwcu rwcu ----
ir.module.module                    r--- r--- r--- r--- r--- r--- r--- r--- r--- ----
payment.transaction                 rwc- rwc- rwc- rwc- rwc- rwc- ---- rwc- rwc- ----
res.company                         r--- r--- r--- r--- r--- r--- r--- r--- r--- r---
res.config.settings                 ---- ---- ---- ---- ---- ---- ---- ---- ---- ----
res.partner                         r--- r--- r--- r--- r--- r--- r--- r--- r--- ----
res.users                           r--- r--- r--- r--- r--- r--- r--- r--- r--- ----
resource.calendar.leaves            rwcu rwcu rwcu rwcu rwcu rwcu rwcu rwcu rwcu ----
"""
# The models that hold files: each role reads their attachments and chatter messages as it reads the record.
FILE_MODELS = ("collection.case.evidence.file", "collection.letter", "collection.case.settlement",
               "collection.contact", "collection.case", "collection.visit")


def parse_matrix(text):
    rows = {}
    for line in text.strip().splitlines():
        model, *cells = line.split()
        if model == "model":
            continue
        rows[model] = dict(zip(ROLES, cells, strict=True))
    return rows


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestAccessMatrix(LegalCommon):
    """Every model of the addon, as every role, for read, write, create and unlink, against the matrix above;
    the files and chatter of the models that hold files; and no model of one company read from another."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {role: new_test_user(cls.env, login=f"matrix_{role}", name=f"Matrix {role}", groups=groups,
                                         company_id=cls.company.id, email=f"{role}@matrix.example")
                     for role, groups in ROLES.items()}
        moves = cls._invoices([(cls.customer, 100, 1000.0), (cls.customer, 40, 500.0)])
        file = cls.env["collection.customer"].search([("partner_id", "=", cls.customer.id)])
        file._escalate(trigger="cron")
        case = cls.env["collection.case"].create({
            "partner_id": cls.customer.id, "line_ids": [(0, 0, {"move_id": moves[0].id})]})
        item = case.evidence_ids[:1]
        cls.env["collection.case.evidence.file"].create(
            {"evidence_id": item.id, "name": "contract.pdf", "datas": base64.b64encode(b"%PDF contract")})
        letter = cls.env["collection.letter.engine"]._generate(file, "reminder_1")
        letter.sudo().action_approve()   # the night drafts it; four eyes bind people only
        cls.env["collection.contact"].create({"customer_id": file.id, "outcome": "no_answer"})
        cls.env["collection.visit"].create({"customer_id": file.id, "photo": PHOTO})
        settlement = cls.env["collection.case.settlement"].create(
            {"case_id": case.id, "amount": 900.0, "first_due": TODAY})
        for record in (letter, settlement, case):
            record.message_post(body="A note", attachment_ids=cls.env["ir.attachment"].create({
                "name": "note.pdf", "raw": b"%PDF note", "res_model": record._name, "res_id": record.id}).ids)
        cls.models = cls._addon_models()

    @classmethod
    def _addon_models(cls):
        """The models of ir.model the addon defines or extends, that hold data (abstract models hold none)."""
        names = cls.env["ir.model"].search([]).filtered(lambda m: MODULE in (m.modules or "").split(", "))
        return sorted(name for name in names.mapped("model")
                      if name in cls.env and not cls.env[name]._abstract)

    def _may(self, model, user, operation):
        """Try `operation` as `user` on a record of `model` when there is one (ACL and record rules), else on
        the model (ACL)."""
        records = self.env[model].with_user(user)
        target = records.browse(self._sample(model).ids) if operation != "create" else records
        try:
            with mute_logger("odoo.models", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule"):
                target.check_access({"r": "read", "w": "write", "c": "create", "u": "unlink"}[operation])
        except AccessError:
            return False
        return True

    def _sample(self, model):
        """A record of the test company (or shared), when the model has one."""
        records = self.env[model].sudo().with_context(active_test=False)
        if "company_id" not in records._fields:
            return records.search([], limit=1)
        return records.search([("company_id", "=", self.company.id)], limit=1) or records.search(
            [("company_id", "=", False)], limit=1)

    def _reads_attachment(self, attachment, user):
        """As the web client reads a file: listed by a search (ir.attachment filters it by the record's access)
        and served after `check` (/web/content)."""
        attachments = self.env["ir.attachment"].with_user(user).with_context(skip_res_field_check=True)
        try:
            if not attachments.search([("id", "=", attachment.id)]):
                return False
            attachments.browse(attachment.id).check("read")
        except AccessError:
            return False
        return True

    def test_every_model_as_every_role(self):
        expected = parse_matrix(MATRIX)
        actual, cells = {}, 0
        for model in self.models:
            actual[model] = {}
            for role, user in self.users.items():
                actual[model][role] = "".join(op if self._may(model, user, op) else "-" for op in OPERATIONS)
                cells += len(OPERATIONS)
        table = "\n".join(f"{model:<42}" + " ".join(f"{actual[model][role]:<10}" for role in ROLES)
                          for model in self.models)
        header = f"{'model':<42}" + " ".join(f"{role:<10}" for role in ROLES)
        self.assertEqual(sorted(expected), self.models,
                         f"models of the addon differ from the matrix:\n{header}\n{table}")
        differences = [f"{model} / {role}: expected {expected[model][role]}, got {actual[model][role]}"
                       for model in self.models for role in ROLES if expected[model][role] != actual[model][role]]
        self.assertFalse(differences, "\n".join(differences))
        _logger.info("access matrix: %s cells (%s models x %s roles x %s operations)",
                     cells, len(self.models), len(ROLES), len(OPERATIONS))

    def test_files_and_chatter_follow_the_record(self):
        for model in FILE_MODELS:
            records = self.env[model].sudo().search([("company_id", "=", self.company.id)], limit=5)
            self.assertTrue(records, f"the fixture has a {model}")
            attachments = self.env["ir.attachment"].sudo().search([
                ("res_model", "=", model), ("res_id", "in", records.ids),
                "|", ("res_field", "=", False), ("res_field", "!=", False)])
            messages = self.env["mail.message"].sudo().search([("model", "=", model), ("res_id", "in", records.ids)])
            for role, user in self.users.items():
                may_read = self._may(model, user, "r")
                for kind, items in (("attachment", attachments), ("message", messages)):
                    for item in items:
                        with self.subTest(model=model, role=role, kind=kind, item=item.id), mute_logger(
                                "odoo.models", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule"):
                            if kind == "attachment":
                                readable = self._reads_attachment(item, user)
                            else:
                                readable = item.with_user(user).has_access("read")
                            self.assertEqual(readable, may_read and self.env[model].browse(item.res_id).with_user(
                                user).has_access("read"), f"{role} reads the {kind} of {model} as its record")

    def test_no_model_read_across_companies(self):
        other = self.setup_other_company(name="Matrix Other Co")["company"]
        outsider = new_test_user(self.env, login="matrix_outsider", company_id=other.id, company_ids=other.ids,
                                 groups=",".join([ROLES["gm"], ROLES["legal_mgr"]]))
        checked = 0
        for model in self.models:
            records = self.env[model]
            # the addon's own models (core ones such as users and companies are shared on purpose)
            company_field = records._fields.get("company_id")
            if not model.startswith("collection.") or not (company_field and company_field.store):
                continue
            mine = records.sudo().with_context(active_test=False).search([("company_id", "=", self.company.id)])
            if not mine or not records.with_user(outsider).has_access("read"):
                continue
            with self.subTest(model=model):
                seen = records.with_user(outsider).with_context(active_test=False).search([("id", "in", mine.ids)])
                self.assertFalse(seen, f"a user of another company reads {model}")
                checked += 1
        self.assertGreaterEqual(checked, 15, "the fixture has records of most company-bound models")
        _logger.info("multi-company: %s models checked", checked)
