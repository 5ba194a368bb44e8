from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import write_off as tax
from .collection_approval_mixin import APPROVAL_TRANSITION

LEGAL_USER = "account_collection_litigation.group_litigation_user"
LEGAL_MANAGER = "account_collection_litigation.group_litigation_manager"
WRITE_OFF_STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting for Second Approval"),
    ("posted", "Posted"),
    ("reversed", "Reversed"),
    ("refused", "Refused"),
]
WRITE_OFF_REASONS = [
    ("judgment_unenforceable", "Judgment without assets to enforce"),
    ("termination", "Enforcement terminated without assets"),
    ("bankruptcy", "Bankruptcy or dissolution"),
    ("age", "Age of the debt"),
    ("stop_loss", "Stop-loss: pursuing further is uneconomic"),
    ("other", "Other"),
]
TAX_PATHS = [
    ("bankruptcy", "Debtor bankrupt or dissolved, assets insufficient"),
    ("deregistered", "Debtor deregistered"),
    ("death_missing", "Debtor dead or missing"),
    ("court_termination", "Judgment and enforcement terminated or suspended"),
    ("overdue_3y", "Three years overdue, inability proven (special report)"),
    ("small_1y", "One year overdue, small item"),
    ("restructuring", "Debt restructuring"),
    ("force_majeure", "Force majeure"),
    ("none", "Not deducted for tax"),
]
# evidence code (tools/write_off.py) -> boolean field
EVIDENCE_FIELDS = {
    "contract": "evidence_contract",
    "bankruptcy_notice": "evidence_bankruptcy_notice",
    "deregistration_proof": "evidence_deregistration",
    "death_missing_proof": "evidence_death_missing",
    "judgment": "evidence_judgment",
    "termination_ruling": "evidence_termination_ruling",
    "inability_evidence": "evidence_inability",
    "special_report": "evidence_special_report",
    "restructuring_agreement": "evidence_restructuring",
    "force_majeure_proof": "evidence_force_majeure",
}
# What the write-off settles and the figures its controls read: from the books at creation, never typed, never
# written afterwards (only the approval's own steps refresh them from the books).
BOOK_FIELDS = ("amount", "amount_company", "move_ids", "currency_id", "company_id", "partner_id", "case_id",
               "entry_id", "reversal_id")


class CollectionWriteOff(models.Model):
    """A bad-debt write-off of what remains of some invoices: one balanced entry that settles their receivable
    lines, its reason, evidence and tax route. Posted by a legal manager; above the company's limit (or beyond
    the requester's authority in the matrix) a second legal manager of the right level approves it
    (collection.approval.mixin). The amount is what the invoices' open receivable lines hold in the books, never
    a figure typed. Reversible."""

    _name = "collection.write.off"
    _description = "Bad-debt Write-off"
    _inherit = ["mail.thread", "mail.activity.mixin", "collection.approval.mixin"]
    _approval_group = LEGAL_MANAGER
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True,
                                 default=lambda self: self.env.company)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True,
                                  help="The currency of the invoices, and of the entry.")
    state = fields.Selection(WRITE_OFF_STATES, required=True, default="draft", readonly=True, tracking=True,
                             copy=False)
    case_id = fields.Many2one("collection.case", string="Legal Case", index="btree_not_null", readonly=True,
                              check_company=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True, index=True)
    move_ids = fields.Many2many("account.move", "collection_write_off_move_rel", "write_off_id", "move_id",
                                string="Invoices", readonly=True, check_company=True)
    amount = fields.Monetary(readonly=True, help="What remained of the invoices, in their currency (from the books).")
    amount_company = fields.Monetary(string="Amount (Company Currency)", currency_field="company_currency_id",
                                     readonly=True)
    entry_id = fields.Many2one("account.move", string="Write-off Entry", readonly=True, copy=False,
                               check_company=True)
    reversal_id = fields.Many2one("account.move", string="Reversal Entry", readonly=True, copy=False,
                                  check_company=True)
    case_stage_before_id = fields.Many2one("collection.case.stage", readonly=True, copy=False,
                                           help="Where the case was when it was written off; a reversal returns it "
                                           "there.")
    date = fields.Date(required=True, default=lambda self: self.env["collection.escalation"]._today(), tracking=True)

    # === Fields: reason and evidence === #
    reason = fields.Selection(WRITE_OFF_REASONS, required=True, tracking=True)
    note = fields.Text(string="Explanation")
    judgment_id = fields.Many2one("collection.case.judgment", check_company=True)
    enforcement_id = fields.Many2one("collection.case.enforcement", check_company=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")
    evidence_contract = fields.Boolean(string="Contract")
    evidence_bankruptcy_notice = fields.Boolean(string="Bankruptcy notice")
    evidence_deregistration = fields.Boolean(string="Deregistration proof")
    evidence_death_missing = fields.Boolean(string="Death or missing declaration")
    evidence_judgment = fields.Boolean(string="Judgment or award")
    evidence_termination_ruling = fields.Boolean(string="Ruling terminating or suspending enforcement")
    evidence_inability = fields.Boolean(string="Conclusive evidence of inability to pay")
    evidence_special_report = fields.Boolean(string="Special report (≥3 years overdue)")
    evidence_restructuring = fields.Boolean(string="Restructuring agreement")
    evidence_force_majeure = fields.Boolean(string="Force majeure proof")

    # === Fields: tax route === #
    tax_path = fields.Selection(TAX_PATHS, string="Tax Route", required=True, default="none", tracking=True)
    tax_event_date = fields.Date(string="Date of the Event",
                                 help="Bankruptcy notice, deregistration, ruling...: the day the loss is proven.")
    tax_eligibility_date = fields.Date(compute="_compute_tax", store=True,
                                       help="The first day the loss may be declared for tax (form A105090).")
    tax_evidence_missing = fields.Char(compute="_compute_tax", store=True)
    tax_evidence_complete = fields.Boolean(compute="_compute_tax", store=True)

    # === Fields: approval === #
    reversed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    needs_second_approval = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A write-off amount cannot be negative."),
    ]

    # === Compute === #
    @api.depends("tax_path", "tax_event_date", "move_ids.invoice_date_due", *EVIDENCE_FIELDS.values())
    def _compute_tax(self):
        labels = {code: self._fields[name].get_description(self.env)["string"]
                  for code, name in EVIDENCE_FIELDS.items()}
        for row in self:
            provided = [code for code, name in EVIDENCE_FIELDS.items() if row[name]]
            missing = tax.missing_evidence(row.tax_path, provided)
            dues = [d for d in row.move_ids.mapped("invoice_date_due") if d]
            row.tax_eligibility_date = tax.eligibility_date(row.tax_path, max(dues) if dues else None,
                                                            row.tax_event_date)
            row.tax_evidence_missing = ", ".join(labels[code] for code in missing) or False
            row.tax_evidence_complete = not missing

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("collection.write.off") \
                    or self.env._("New")
        typed = [(vals.get("amount"), vals.get("amount_company")) for vals in vals_list]
        records = super().create(vals_list)
        for record, (amount, amount_company) in zip(records, typed, strict=True):
            books = record._books_amounts()
            for given, figure, currency in ((amount, books[0], record.currency_id),
                                            (amount_company, books[1], record.company_currency_id)):
                if given is not None and currency.compare_amounts(given, figure):
                    raise UserError(self.env._(
                        "A write-off settles what its invoices still owe in the books, %(figure)s; it cannot be "
                        "typed as %(given)s.", figure=currency.format(figure), given=currency.format(given)))
            record._approval_write({"amount": books[0], "amount_company": books[1]})
        return records

    def write(self, vals):
        if set(BOOK_FIELDS) & set(vals) and not self.env.context.get(APPROVAL_TRANSITION):
            raise UserError(self.env._(
                "The invoices, the amounts and the entry of a write-off come from the books when it is created; "
                "they cannot be written afterwards. Refuse or reverse it, and write off again."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_retained(self):
        self.env["collection.retention"]._check_unlink(self)

    # === Checks === #
    @api.model
    def _check_invoices(self, moves, company):
        """Refuse what cannot be written off: not a posted customer invoice, already paid, another company,
        several currencies. Returns the currency of the entry."""
        if not moves:
            raise UserError(self.env._("Choose the invoices to write off."))
        if wrong := moves.filtered(lambda m: m.move_type != "out_invoice" or m.state != "posted"):
            raise UserError(self.env._("Only posted customer invoices can be written off (%(moves)s).",
                                       moves=", ".join(wrong.mapped("display_name"))))
        if paid := moves.filtered(lambda m: m.currency_id.is_zero(m.amount_residual)):
            raise UserError(self.env._("%(moves)s is paid already: there is nothing left to write off.",
                                       moves=", ".join(paid.mapped("name"))))
        if other := moves.filtered(lambda m: m.company_id != company):
            raise UserError(self.env._(
                "%(moves)s belongs to another company than the write-off (%(company)s).",
                moves=", ".join(other.mapped("name")), company=company.name))
        if len(moves.currency_id) > 1:
            raise UserError(self.env._(
                "The invoices are in different currencies (%(currencies)s): write off each currency on its own, "
                "the entry is in the invoices' currency.", currencies=", ".join(moves.currency_id.mapped("name"))))
        if len(moves.commercial_partner_id) > 1:
            raise UserError(self.env._("Write off the invoices of one debtor at a time."))
        return moves.currency_id

    @api.model
    def _write_off_invoices(self, moves, case=None, company=None, values=None):
        """Create the write-off of what remains of `moves` (claimed in `case`, or found in an open case) and
        request it: posted at once, or sent to a second legal manager. The wizard's and the demo's entry point."""
        self._check_legal_manager()
        company = company or (case.company_id if case else moves.company_id[:1]) or self.env.company
        currency = self._check_invoices(moves, company)
        case = case or self.env["collection.case.line"].search(
            [("move_id", "in", moves.ids), ("case_open", "=", True)], limit=1).case_id
        record = self.create({
            "company_id": company.id, "currency_id": currency.id, "case_id": case.id,
            "partner_id": moves.commercial_partner_id.id, "move_ids": [Command.set(moves.ids)],
            "reason": "stop_loss",
            "judgment_id": case.sudo().judgment_ids[-1:].id if case else False,
            "enforcement_id": case.sudo().enforcement_ids[-1:].id if case else False,
            **(values or {}),
        })
        record.action_submit()
        return record

    def _check_legal_manager(self, user=None):
        user = user or self.env.user
        if not user._is_superuser() and not user.has_group(LEGAL_MANAGER):
            raise UserError(self.env._("Writing off receivables needs the group %(group)s.",
                                       group=self.env.ref(LEGAL_MANAGER).sudo().full_name))

    def _expense_account(self):
        """The account the write-off debits: the company's bad-debt expense, or its allowance for doubtful debts
        when it books one; refused when it is not set, or set to an account or a journal of another company."""
        self.ensure_one()
        company = self.company_id
        name = "collection_allowance_account_id" if company.collection_use_allowance \
            else "collection_bad_debt_account_id"
        account, journal = company[name], company.collection_write_off_journal_id
        where = self.env._("Invoicing › Configuration › Settings › Bad Debts, or the Legal Money tab of the company")
        for value, field in ((account, name), (journal, "collection_write_off_journal_id")):
            label = company._fields[field].get_description(self.env)["string"]
            if not value:
                raise UserError(self.env._(
                    "%(company)s has no %(setting)s: an accountant sets it in %(where)s before a write-off can be "
                    "posted.", company=company.name, setting=label, where=where))
            if company not in (value.company_ids if value._name == "account.account" else value.company_id):
                raise UserError(self.env._(
                    "The %(setting)s of %(company)s, %(value)s, belongs to another company: choose one of "
                    "%(company)s in %(where)s.", setting=label, company=company.name,
                    value=value.display_name, where=where))
        return account

    @staticmethod
    def _open_receivable_lines(moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled)

    def _books_amounts(self):
        """(invoice currency, company currency): what the open receivable lines of the invoices hold."""
        self.ensure_one()
        receivables = self._open_receivable_lines(self.move_ids)
        return (sum(receivables.mapped("amount_residual_currency")), sum(receivables.mapped("amount_residual")))

    # === Approval === #
    def _approval_kind(self):
        return "write_off"

    def _approval_amount(self):
        """While not posted, what the invoices still owe in the books (company currency); then what was settled."""
        self.ensure_one()
        return self._books_amounts()[1] if self.state in ("draft", "to_approve") else self.amount_company

    def _approval_label(self):
        self.ensure_one()
        return self.env._("Write-off %(name)s of %(amount)s", name=self.name,
                          amount=self.company_currency_id.format(self._approval_amount()))

    def _check_approval_access(self):
        self._check_legal_manager()

    def _check_before_submit(self):
        for row in self:
            row._check_ready()

    def _check_figures(self):
        """The invoices may have been paid in part since the request: the write-off follows the books."""
        for row in self:
            amount, amount_company = row._books_amounts()
            if row.currency_id.compare_amounts(row.amount, amount) or \
                    row.company_currency_id.compare_amounts(row.amount_company, amount_company):
                row._approval_write({"amount": amount, "amount_company": amount_company})

    def _approval_needs_second(self):
        """Above the company's limit, or beyond the requester's own authority in the matrix."""
        self.ensure_one()
        second = self.company_currency_id.compare_amounts(
            self._approval_amount(), self.company_id.collection_write_off_limit) > 0 or super()._approval_needs_second()
        self.needs_second_approval = second
        return second

    def _on_approved(self):
        for row in self:
            row._post()

    def _log_approval(self, template, suffix=None, **values):
        """A write-off keeps who asked and who decided on its own chatter."""
        for row in self:
            row.message_post(body=template % {"what": row._approval_label(), "user": self.env.user.name, **values}
                             + (f" ({suffix})" if suffix else ""), subtype_xmlid="mail.mt_note")

    # === Actions === #
    def action_refuse(self):
        """A draft is refused by any legal manager (nothing was asked yet); a request by whoever may approve it."""
        drafts = self.filtered(lambda row: row.state == "draft")
        if any(row.state not in ("draft", "to_approve") for row in self):
            raise UserError(self.env._("A posted write-off is reversed, not refused."))
        drafts._check_legal_manager()
        drafts._approval_write({"state": "refused"})
        return super(CollectionWriteOff, self - drafts).action_refuse() if self - drafts else True

    def action_reverse(self):
        """Reverse the entry (Odoo's reversal, which unreconciles first): the invoices are open again and the case
        goes back to where it was."""
        for row in self:
            if row.state != "posted":
                raise UserError(self.env._("Only a posted write-off can be reversed (%s).", row.name))
            row._check_legal_manager()
            with self.env.cr.savepoint():
                reversal = row.entry_id.sudo()._reverse_moves(
                    [{"date": self.env["collection.escalation"]._today(row.company_id),
                      "ref": self.env._("Reversal of %s", row.name)}],
                    cancel=True)
                row._approval_write({"state": "reversed", "reversal_id": reversal.id,
                                     "reversed_by_id": self.env.uid})
                row._sync_customer_files()
                if row.case_id and row.case_id.is_closed:
                    row.case_id.stage_id = row.case_stage_before_id or row.case_id._stage_of_kind("enforcement")
                    row.case_id.message_post(body=self.env._("Write-off %s reversed: the case is open again.",
                                                             row.name), subtype_xmlid="mail.mt_note")
        return True

    def action_open_entry(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": self.entry_id.id,
                "view_mode": "form", "name": self.env._("Write-off Entry")}

    def action_open_entry_lines(self):
        """The journal items of the entry (and of its reversal): the bad-debt debit and the receivable credits."""
        self.ensure_one()
        view = self.env.ref("account_collection_litigation.account_move_line_view_list_write_off")
        return {"type": "ir.actions.act_window", "res_model": "account.move.line", "view_mode": "list,form",
                "views": [(view.id, "list"), (False, "form")],
                "domain": [("move_id", "in", (self.entry_id | self.reversal_id).ids)],
                "context": {"create": False}, "name": self.env._("Journal Items")}

    # === Business === #
    def _check_ready(self):
        self.ensure_one()
        self._check_invoices(self.move_ids, self.company_id)
        if self.move_ids.currency_id != self.currency_id:
            raise UserError(self.env._("The invoices are not in the currency of the write-off (%s).",
                                       self.currency_id.name))
        if self.case_id and self.case_id.sudo().stop_loss_state != "approved":
            raise UserError(self.env._(
                "%(case)s has no approved stop-loss decision: record why pursuing further is uneconomic and have "
                "a legal manager approve it before writing off.", case=self.case_id.name))
        self._expense_account()

    @api.model
    def _sync_posted_customer_files(self):
        """Mark the files of every posted write-off (the data step of each update)."""
        self.sudo().search([("state", "=", "posted")])._sync_customer_files()

    def _sync_customer_files(self):
        """Mark the debtors' collection files written off while one of their write-offs stands posted."""
        files = self.env["collection.customer"].sudo().search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)])
        posted = self.sudo().search([("state", "=", "posted"), ("partner_id", "in", files.partner_id.ids),
                                     ("company_id", "in", files.company_id.ids)])
        pairs = {(row.partner_id.id, row.company_id.id) for row in posted}
        for written_off, group in files.grouped(
                lambda file: (file.partner_id.id, file.company_id.id) in pairs).items():
            group.filtered(lambda file, value=written_off: file.written_off != value).write(
                {"written_off": written_off})

    def _prepare_entry_vals(self):
        """One credit per open receivable line (its residual, in both currencies) and one debit of the total to
        the bad-debt expense or the allowance: balanced by construction."""
        self.ensure_one()
        account = self._expense_account()
        partner = self.move_ids.commercial_partner_id
        receivables = self._open_receivable_lines(self.move_ids).sorted("id")
        lines = [Command.create({
            "name": self.env._("Write-off of %(invoice)s", invoice=line.move_id.name),
            "account_id": line.account_id.id, "partner_id": partner.id, "currency_id": self.currency_id.id,
            "amount_currency": -line.amount_residual_currency, "balance": -line.amount_residual,
        }) for line in receivables]
        lines.append(Command.create({
            "name": self.env._("Bad debt: %(reason)s", reason=dict(
                self._fields["reason"]._description_selection(self.env))[self.reason]),
            "account_id": account.id, "partner_id": partner.id, "currency_id": self.currency_id.id,
            "amount_currency": sum(receivables.mapped("amount_residual_currency")),
            "balance": sum(receivables.mapped("amount_residual")),
        }))
        return receivables, {
            "move_type": "entry", "journal_id": self.company_id.collection_write_off_journal_id.id,
            "company_id": self.company_id.id, "date": self.date, "currency_id": self.currency_id.id,
            "partner_id": partner.id, "ref": self.env._("Write-off %(name)s", name=self.name),
            "line_ids": lines,
        }

    def _post(self):
        """Post the entry and settle each invoice with it, in one savepoint: anything failing leaves no entry,
        no reconciliation and no closed case."""
        self.ensure_one()
        self._check_ready()
        with self.env.cr.savepoint():
            receivables, vals = self._prepare_entry_vals()
            # the record keeps what the entry settles: the figures the controls read, from the books
            settled = {"amount": sum(receivables.mapped("amount_residual_currency")),
                       "amount_company": sum(receivables.mapped("amount_residual"))}
            entry = self.env["account.move"].sudo().create(vals)
            entry.action_post()
            credits = entry.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            pairs = defaultdict(lambda: self.env["account.move.line"])
            for source, credit in zip(receivables, credits.sorted("id"), strict=True):
                pairs[source.move_id] |= source | credit
            for lines in pairs.values():
                lines.sudo().reconcile()
            if left := self.move_ids.filtered(lambda m: not m.currency_id.is_zero(m.amount_residual)):
                raise UserError(self.env._("%(moves)s would not be settled by the write-off.",
                                           moves=", ".join(left.mapped("name"))))
            self._approval_write({"state": "posted", "entry_id": entry.id, **settled})
            self._sync_customer_files()
            case = self.case_id
            if case and not case.is_closed:
                self.case_stage_before_id = case.stage_id
                case._close_as("written_off")
            if case:
                case.message_post(body=self.env._(
                    "Written off %(amount)s (%(write_off)s, entry %(entry)s).",
                    amount=self.currency_id.format(self.amount), write_off=self.name, entry=entry.name),
                    subtype_xmlid="mail.mt_note")
        return entry


class CollectionCustomer(models.Model):
    """A customer written off in a company reads *Written off* there (collection.customer._status_domains): the
    badge sales reps see, whatever its invoices owe now."""

    _inherit = "collection.customer"

    written_off = fields.Boolean(readonly=True, copy=False,
                                 help="A posted (not reversed) write-off settled invoices of this customer. Kept by "
                                 "the write-off when it is posted or reversed, so a status costs no query.")
