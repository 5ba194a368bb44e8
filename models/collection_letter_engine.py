import base64
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.tools import SQL

from ..tools.amount_words import chinese_capitals
from ..tools.docx_render import SAMPLE_CONTEXT, LetterRenderer, TemplateProblem
from .collection_letter_template import COURT_KINDS

_logger = logging.getLogger(__name__)

# Days a customer gets to pay, by kind of letter.
DEADLINE_DAYS = {
    "reminder_1": 10, "reminder_2": 10, "reminder_3": 7, "formal_demand": 7, "final_notice": 7, "lawyer": 7,
    "balance_confirmation": 15, "payment_plan": 15, "settlement": 15,
}
# Keys of a case's document context holding an amount (formatted in the document's language) or a date.
CASE_MONEY_KEYS = {"principal", "interest", "compensation", "penalty", "fees", "costs", "total", "amount_total",
                   "amount_claimed", "amount", "security_amount", "estimated_value"}
CASE_DATE_KEYS = {"filing_date", "interest_as_of", "date", "due_date", "limitation_deadline", "measure_date",
                  "expiry_date", "effective_date", "performance_due", "application_date", "delivery_date"}
# Letters that are demands to the debtor: offered in the facts of a statement of claim when delivered.
DEMAND_KINDS = ("reminder_1", "reminder_2", "reminder_3", "formal_demand", "final_notice", "lawyer")
# Kinds that list every open invoice, not only the overdue ones.
ALL_OPEN_KINDS = {"balance_confirmation", "payment_plan", "settlement"}
CURRENCY_PREFIX_ZH = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港币", "GBP": "英镑", "JPY": "日元"}
# The lawyer of a letter's context (tools/docx_render.py CONTEXT_KEYS).
LAWYER_KEYS = ("name", "firm", "licence", "phone", "email", "address")
PDF_TIMEOUT = 120
LETTER_CRON = "account_collection_litigation.ir_cron_collection_letter_batch"
# The render job's worker slots: one scheduled action each, the same code, each claiming its own letters.
RENDER_CRONS = ("account_collection_litigation.ir_cron_collection_letter_render_1",
                "account_collection_litigation.ir_cron_collection_letter_render_2")
QUEUED_SQL = SQL("render_state = 'queued' AND state != 'cancelled'")


class CollectionLetterEngine(models.AbstractModel):
    """Letter generation, in one place for every entry point (customer file, invoices, batch, calendar):
    choose the invoices, group them per customer and currency, skip what was generated already, build the
    plain-data context, render in the sandbox, create the letters in one batch and log them."""

    _name = "collection.letter.engine"
    _description = "Collection Letter Generation"

    # === Entry points === #
    @api.model
    def _generate(self, files, kind, day=None, moves=None, template=None, options=None, trigger="manual",
                  batch=None, lazy=False):
        """Letters of a kind for customer files (one per customer and currency), the letters of the same
        customer, kind, day and currency generated before included instead of duplicated.

        `moves` restricts the letters to these invoices; `options` holds the deadline, the lawyer and the
        payment plan of the wizard. The letters are created with their figures frozen, in one batch; `lazy`
        leaves their .docx to the render job (or to whoever opens, approves, sends or downloads one first),
        otherwise they are rendered at once."""
        day = day or self.env["collection.escalation"]._today()   # the day the calendar counts
        options = options or {}
        if kind == "lawyer":
            # the engaged lawyer writes about the invoices the case claims (paused for litigation)
            claimed = self.env["account.move"].union(
                *(case.line_ids.move_id for case in self.env["collection.case"]._engaged_lawyer_cases(files).values()))
            moves = claimed if moves is None else moves & claimed
            self = self.with_context(collection_letter_include_paused=True)
        groups = self._group_invoices(files, kind, day, moves)
        letters = self.env["collection.letter"]
        if not groups:
            return letters
        keys = {self._dedup_key(file, kind, day, currency): (file, currency, invoices)
                for (file, currency), invoices in groups.items()}
        existing = letters.search([("dedup_key", "in", list(keys))])
        todo = {key: value for key, value in keys.items() if key not in set(existing.mapped("dedup_key"))}
        if not todo:
            return existing
        all_moves = self.env["account.move"].union(*(invoices for _f, _c, invoices in todo.values()))
        figures = all_moves.with_context(collection_interest_figures_only=True)._collection_interest(
            day, raise_errors=False)
        vals_list = []
        found = {}
        recipients = self._invoice_addresses(self.env["collection.customer"].union(
            *(file for file, _currency, _invoices in todo.values())).partner_id)
        frozen_options = self._freeze_options(options)
        for key, (file, currency, invoices) in todo.items():
            lang = self._letter_lang(file)
            if not template and (kind, lang, file.company_id) not in found:
                found[kind, lang, file.company_id] = self.env["collection.letter.template"]._find(
                    kind, lang, file.company_id)
            chosen = template or found[kind, lang, file.company_id]
            if not chosen:
                raise UserError(self.env._("There is no letter template of the kind %(kind)s: add one under "
                                           "Collections › Configuration › Letter Templates.",
                                           kind=self._kind_label(kind)))
            if chosen.compliance_state == "flagged":
                raise UserError(self.env._("The template %(template)s waits for a collection manager's "
                                           "acceptance.", template=chosen.name))
            vals = self._prepare_letter_vals(file, currency, invoices, kind, day, chosen, figures, options,
                                             recipient=recipients[file.partner_id.id])
            vals.update(dedup_key=key, trigger=trigger, batch_id=batch.id if batch else False,
                        render_state="queued", render_options=frozen_options)
            vals_list.append(vals)
        if lazy:
            # queued by the calendar or a batch: the customer file says it was drafted, and the scheduler that
            # queued it follows nothing
            letters = letters.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        created = self._create_letters(letters, vals_list).with_env(self.env)
        if not lazy:
            self._render_documents(created)
        created._log_event("drafted")
        return existing | created

    @api.model
    def _create_letters(self, letters, vals_list):
        """Create the letters, then all their invoice lines in one INSERT: a calendar queues thousands of letters
        of a few invoices each, whose lines the ORM inserted and then updated again for their stored company."""
        commands = [vals.pop("line_ids") for vals in vals_list]
        self.env["collection.letter.line"].check_access("create")
        created = letters.create(vals_list)
        self.env["collection.escalation"]._write_rows("collection.letter.line", [
            {**line, "letter_id": letter.id, "company_id": letter.company_id.id}
            for letter, letter_commands in zip(created, commands, strict=True)
            for _command, _id, line in letter_commands
        ], create=True)
        return created

    @api.model
    def _generate_for_calendar(self, files, actions):
        """The calendar asked for letters (its history rows are written): have the letter cron draft them.

        Rendering takes a few hundredths of a second per letter, so it stays out of the escalation's batch
        (whose query count is pinned): the letter cron is woken once the batch is committed, from a
        post-commit callback that costs the batch no query, and drafts them (see _draft_calendar_letters)."""
        if len(files) != len(actions):
            raise ValueError("one calendar action per customer file")
        cr = self.env.cr
        if not files or cr.postcommit.data.get("collection_letter_cron_woken"):
            return True
        cr.postcommit.data["collection_letter_cron_woken"] = True
        cron_id = self.env.ref("account_collection_litigation.ir_cron_collection_letter_batch").id
        dbname = cr.dbname

        @cr.postcommit.add
        def _wake_letter_cron():
            with Registry(dbname).cursor() as new_cr:
                api.Environment(new_cr, SUPERUSER_ID, {})["ir.cron"].browse(cron_id)._trigger()

        return True

    @api.model
    def _pending_calendar_rows(self, limit=None):
        """History rows of calendar letter actions that have no letter yet, however old: a go-live backlog is
        drafted too (a row is done once it has its letter or is cancelled)."""
        self.env["collection.history"].flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT h.id FROM collection_history h JOIN collection_action a ON a.id = h.action_id
             WHERE h.event = 'action' AND a.action_type = 'letter' AND h.letter_id IS NULL
               AND h.state IN ('done', 'to_review')
             ORDER BY h.id %s
            """,
            SQL("LIMIT %s", limit) if limit else SQL(),
        ))
        return self.env["collection.history"].browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _draft_calendar_letters(self, rows):
        """Draft the letters of calendar history rows in each customer's language, into the review queue, or
        send them when the action says so (customers without an email address stay in the queue). A customer
        with nothing left to write about (paid since) gets no letter: its row is marked cancelled.

        The letters are queued with their figures frozen, their .docx left to the render job (a letter sent at
        once is rendered by the sending)."""
        groups = defaultdict(lambda: self.env["collection.history"])
        for row in rows:
            groups[(row.company_id, row.action_id.letter_kind, row.action_id.letter_auto_send)] |= row
        letters = self.env["collection.letter"]
        for (company, kind, auto_send), group in groups.items():
            try:
                with self.env.cr.savepoint():
                    generated = self.with_company(company)._generate(group.customer_id, kind, trigger="calendar",
                                                                     lazy=True)
            except UserError as error:
                _logger.info("Calendar letters %s of company %s not drafted: %s", kind, company.id, error)
                group.customer_id._message_log_batch(dict.fromkeys(group.customer_id.ids, self.env._(
                    "The calendar's letter could not be drafted: %(error)s", error=error)))
                group._set_delivery({"state": "cancelled"})
                continue
            by_file = {letter.customer_id.id: letter for letter in generated}
            for row in group:   # one UPDATE for all at the flush
                letter = by_file.get(row.customer_id.id)
                row._set_delivery({"letter_id": letter.id} if letter else {"state": "cancelled"})
            if auto_send:
                generated.filtered(lambda letter: letter.state == "draft" and letter.recipient_email)._send_email()
            letters |= generated
        return letters

    @api.model
    def _regenerate(self, letters):
        for letter in letters:
            template = self._letter_template(letter)
            invoices = letter.line_ids.move_id
            figures = invoices._collection_interest(letter.date, raise_errors=False)
            vals = self._prepare_letter_vals(letter.customer_id, letter.currency_id, invoices, letter.kind,
                                             letter.date, template, figures, {})
            letter.line_ids.unlink()
            letter.with_context(collection_letter_regenerate=True).write(vals)
        self._render_documents(letters)
        return True

    @api.model
    def _generate_court_document(self, case, kind, lang=None, day=None, template=None):
        """A court document of a kind drafted from a legal case, in the language asked for (default: the debtor's),
        linked to the case and attached to its chatter. Only the legal team may draft one; drafting the same kind
        in the same language the same day again gives the same document."""
        case.ensure_one()
        if kind not in COURT_KINDS:
            raise UserError(self.env._("%(kind)s is not a court document.", kind=self._kind_label(kind)))
        if not self.env.user.has_group("account_collection_litigation.group_litigation_user"):
            raise AccessError(self.env._("Only the legal team may draft court documents."))
        case.check_access("write")
        if not case.line_ids:
            raise UserError(self.env._("%(case)s claims no invoice: add the invoices it claims first.",
                                       case=case.name))
        day = day or self.env["collection.escalation"]._today(case.company_id)
        lang = lang or case.partner_id.lang or case.company_id.partner_id.lang or "en_US"
        key = f"court:{case.id}:{kind}:{lang}:{day}"
        letters = self.env["collection.letter"].sudo()
        if existing := letters.search([("dedup_key", "=", key)]):
            return existing.sudo(False)
        chosen = template or self.env["collection.letter.template"].sudo()._find(kind, lang, case.company_id)
        if not chosen:
            raise UserError(self.env._("There is no letter template of the kind %(kind)s: add one under "
                                       "Collections › Configuration › Letter Templates.", kind=self._kind_label(kind)))
        file = self._case_customer_file(case)
        vals = self._prepare_court_vals(case, file, kind, day, chosen)
        vals.update(dedup_key=key, trigger="manual")
        letter = letters.create(vals)
        self._render_documents(letter)
        letter = letter.sudo(False)
        attachment = self.env["ir.attachment"].sudo().create({
            "name": letter.sudo().document_filename, "raw": base64.b64decode(letter.sudo().document_file),
            "mimetype": chosen._docx_mimetype(), "res_model": case._name, "res_id": case.id,
        })
        case.message_post(body=Markup("%s (%s)") % (
            self.env._("%(kind)s %(letter)s drafted, claiming %(amount)s.", kind=letter._kind_label(),
                       letter=letter.name, amount=case.currency_id.format(letter.sudo().amount_total)),
            Markup('<a href="#" data-oe-model="collection.letter" data-oe-id="%s">%s</a>') % (letter.id, letter.name),
        ), attachment_ids=attachment.ids, subtype_xmlid="mail.mt_note")
        return letter

    @api.model
    def _case_customer_file(self, case):
        files = self.env["collection.customer"].sudo()
        return files.search([("partner_id", "=", case.partner_id.id), ("company_id", "=", case.company_id.id)],
                            limit=1) or files.create({"partner_id": case.partner_id.id,
                                                      "company_id": case.company_id.id})

    @api.model
    def _prepare_court_vals(self, case, file, kind, day, template):
        """The letter of a court document: the claimed invoices with their claim, and the document's total (the
        claim; the amount to preserve; what the decision still awards, with late-performance interest)."""
        currency = case.currency_id
        lines = [(0, 0, {
            "move_id": line.move_id.id, "number": line.move_id.name,
            "contract_ref": line.move_id.collection_contract_ref or False,
            "invoice_date": line.move_id.invoice_date, "due_date": line.move_id.invoice_date_due,
            "amount": line.amount_total, "open_amount": line.amount_claimed,
            "days_overdue": max(0, (day - line.move_id.invoice_date_due).days) if line.move_id.invoice_date_due else 0,
            "interest": line.interest_amount, "compensation": line.compensation_amount,
        }) for line in case.sudo().line_ids]
        total = self._court_total(case, kind)
        partner = case.partner_id
        return {
            "company_id": case.company_id.id, "customer_id": file.id, "partner_id": partner.id,
            "recipient_id": (case.court_id or partner).id,
            "recipient_address": (case.court_id or partner)._display_address(without_company=True).strip(),
            "recipient_email": False, "case_id": case.id,
            "template_id": template.id, "kind": kind, "lang": template.lang, "date": day, "deadline": False,
            "currency_id": currency.id, "line_ids": lines,
            "amount_open": case.claim_principal, "amount_interest": case.claim_interest,
            "amount_compensation": case.claim_compensation, "amount_total": total,
            "amount_words": self._amount_in_words(total, currency, template.lang),
        }

    @api.model
    def _court_total(self, case, kind):
        case = case.sudo()
        currency = case.currency_id
        if kind == "preservation_application":
            preserved = sum(case.preservation_ids.mapped("amount"))
            return currency.round(preserved or case.claim_total)
        if kind == "enforcement_application":
            decision = case.judgment_ids.sorted(lambda j: (j.date or date.max, j.id))[-1:]
            if decision:
                performed = decision.awarded_principal - decision.unpaid_principal
                return currency.round(decision.awarded_total - performed + decision.late_interest)
        return currency.round(case.claim_total)

    @api.model
    def _case_context(self, letter, money, day):
        """The `case` of a document's context: the case's plain data (`_document_context`) with its amounts and
        dates written in the document's language, every key present (empty for a letter without case)."""
        blank_party = dict.fromkeys(SAMPLE_CONTEXT["case"]["creditor"], "")
        blank = {
            "reference": "", "court_case_number": "", "procedure": "", "jurisdiction": "", "filing_date": "",
            "currency": letter.currency_id.name or "", "court": dict(blank_party), "creditor": dict(blank_party),
            "debtor": dict(blank_party), "lawyer": dict(blank_party), "law_firm": dict(blank_party),
            "claim": {**dict.fromkeys(SAMPLE_CONTEXT["case"]["claim"], ""), "interest_lines": []},
            "invoices": [], "evidence": [], "preservations": [], "letters": [],
            "preservation": {"amount": "", "amount_words": "", "security_amount": "", "has_security": False},
            "judgment": {**dict.fromkeys(SAMPLE_CONTEXT["case"]["judgment"], ""), "late_interest_lines": []},
            "enforcement": {"number": "", "application_date": "", "assets": []},
        }
        case = letter.case_id.sudo()
        if not case:
            return blank
        data = case._document_context()

        def localise(value, key=None):
            if isinstance(value, dict):
                return {k: localise(v, k) for k, v in value.items()}
            if isinstance(value, list):
                return [localise(item) for item in value]
            if key in CASE_MONEY_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
                return money(value)
            if key in CASE_DATE_KEYS and isinstance(value, str) and len(value) == 10:
                return day(fields.Date.to_date(value))
            return value

        lang = letter.lang or "en_US"
        currency = case.currency_id
        result = {**blank, **{k: v for k, v in localise(data).items() if v not in ({}, None)}}
        for role in ("court", "creditor", "debtor", "lawyer", "law_firm"):
            party = {**blank_party, **(data.get(role) or {})}
            lines = [party["street"], party["street2"], " ".join(filter(None, [party["zip"], party["city"]])),
                     party["country"]]
            party["address"] = ", ".join(line for line in lines if line)
            result[role] = party
        claim = data["claim"]
        result["claim"].update({
            "total_words": self._amount_in_words(claim["total"], currency, lang),
            "interest_lines": [line for line in (claim["interest_explanation"] or "").splitlines() if line.strip()],
            **{f"has_{key}": not currency.is_zero(claim[key])
               for key in ("interest", "compensation", "penalty", "fees", "costs")},
        })
        labels = self._selection_labels(lang)
        files = case.evidence_ids.sorted(lambda e: (e.sequence, e.id)).file_ids.sorted(
            lambda f: (f.evidence_id.sequence, f.evidence_id.id, f.id))
        result["evidence"] = [{
            "number": number, "item": file.evidence_id.name or "",
            "category": labels["category"].get(file.evidence_id.category, ""),
            "category_code": file.evidence_id.category or "", "file": file.name or "",
            "added_on": fields.Datetime.to_string(file.added_on) or "", "sha256": file.sha256 or "",
            "sha256_short": (file.sha256 or "")[:12], "source": file.source_ref._name if file.source_ref else "",
            "note": file.note or file.evidence_id.note or "",
        } for number, file in enumerate(files, start=1)]
        for measure in result["preservations"]:
            measure["asset_label"] = labels["asset"].get(measure["asset_type"], "")
            measure["security_label"] = labels["security"].get(measure["security_form"], "")
        preserved = sum(case.preservation_ids.mapped("amount")) or case.claim_total
        security = sum(case.preservation_ids.mapped("security_amount"))
        result["preservation"] = {
            "amount": money(preserved), "amount_words": self._amount_in_words(preserved, currency, lang),
            "security_amount": money(security), "has_security": not currency.is_zero(security),
        }
        decision = case.judgment_ids.sorted(lambda j: (j.date or date.max, j.id))[-1:]
        if decision:
            performed = decision.awarded_principal - decision.unpaid_principal
            to_enforce = currency.round(decision.awarded_total - performed + decision.late_interest)
            result["judgment"].update({
                "performed": money(performed), "outstanding": money(decision.awarded_total - performed),
                "late_interest": money(decision.late_interest),
                "late_interest_explanation": decision.late_interest_explanation or "",
                "late_interest_lines": [line for line in (decision.late_interest_explanation or "").splitlines()
                                        if line.strip()],
                "to_enforce": money(to_enforce),
                "to_enforce_words": self._amount_in_words(to_enforce, currency, lang),
            })
        if result["enforcement"].get("assets"):
            for asset in result["enforcement"]["assets"]:
                asset["label"] = labels["asset"].get(asset["type"], "")
        result["enforcement"] = {"number": "", "application_date": "", "assets": [],
                                 **result["enforcement"]}
        kinds = labels["kind"]
        demands = self.env["collection.letter"].sudo().search([
            ("partner_id", "=", case.partner_id.id), ("company_id", "=", case.company_id.id),
            ("kind", "in", DEMAND_KINDS), ("state", "in", ("sent", "delivered")),
            ("line_ids.move_id", "in", case.line_ids.move_id.ids),
        ], order="date, id")
        result["letters"] = [{
            "reference": demand.name, "kind": kinds.get(demand.kind, ""), "date": day(demand.date),
            "delivery_date": day(demand.delivery_date), "proof": bool(demand.limitation_event_ids),
        } for demand in demands]
        return result

    @api.model
    def _selection_labels(self, lang):
        """{name: {code: label}} of the selections a court document shows, in its language when installed."""
        env = self.with_context(lang=lang).env if self._installed_lang(lang) else self.env
        labels = {}
        for name, model, field in (("kind", "collection.letter", "kind"),
                                   ("category", "collection.case.evidence", "category"),
                                   ("asset", "collection.case.preservation", "asset_type"),
                                   ("security", "collection.case.preservation", "security_form")):
            labels[name] = dict(env[model]._fields[field]._description_selection(env))
        return labels

    # === Selection of the invoices === #
    @api.model
    def _group_invoices(self, files, kind, day, moves=None):
        """{(file, currency): invoices} of the customer files, chased (not paused), open and, except for
        balance confirmations and agreements, overdue on the day."""
        domain = [
            *self.env["account.move"]._collection_open_domain(),
            ("commercial_partner_id", "in", files.partner_id.ids), ("company_id", "in", files.company_id.ids),
        ]
        if not self.env.context.get("collection_letter_include_paused"):
            # a settlement agreement of a legal case writes about its own (paused) invoices
            domain.append(("collection_pause_id", "=", False))
        if kind not in ALL_OPEN_KINDS:
            domain.append(("invoice_date_due", "<", day))
        if moves is not None:
            domain.append(("id", "in", moves.ids))
        # by customer and company, not by the escalation's link: an invoice posted since the last run counts too
        file_of = {(file.partner_id.id, file.company_id.id): file for file in files}
        invoices = self.env["account.move"].search(domain, order="invoice_date_due, id")
        groups = defaultdict(lambda: self.env["account.move"])
        for move in invoices:
            file = file_of.get((move.commercial_partner_id.id, move.company_id.id))
            if file:
                groups[(file, move.currency_id)] |= move
        return dict(groups)

    @api.model
    def _dedup_key(self, file, kind, day, currency):
        return f"letter:{file.company_id.id}:{file.partner_id.id}:{kind}:{day}:{currency.id}"

    @api.model
    def _letter_lang(self, file):
        return file.partner_id.lang or file.company_id.partner_id.lang or "en_US"

    # === Values and context === #
    @api.model
    def _installed_lang(self, lang, fallback=None):
        """`lang` when it is installed (translations exist for it), else `fallback`."""
        return lang if lang in {code for code, _name in self.env["res.lang"].get_installed()} else fallback

    @api.model
    def _invoice_addresses(self, partners):
        """{partner id: the contact letters are addressed to (its invoice address, else itself)}, for all the
        partners at once."""
        partners.child_ids.mapped("type")     # the contacts of every partner read together, not one by one
        addresses = {partner.id: partner.address_get(["invoice"])["invoice"] for partner in partners}
        recipients = self.env["res.partner"].browse(set(addresses.values()))
        return {partner_id: recipients.browse(address_id).with_prefetch(recipients._prefetch_ids)
                for partner_id, address_id in addresses.items()}

    @api.model
    def _prepare_letter_vals(self, file, currency, invoices, kind, day, template, figures, options,
                             recipient=None):
        partner = file.partner_id
        recipient = recipient or self._invoice_addresses(partner)[partner.id] or partner
        lines, totals = [], defaultdict(float)
        for move in invoices:
            values = figures.get(move.id) or {}
            claimable = values.get("claimable", 0.0)
            compensation = currency.round(min(values.get("compensation", 0.0), claimable))
            interest = currency.round(claimable - compensation)
            line = {
                "move_id": move.id, "number": move.name, "contract_ref": move.collection_contract_ref or False,
                "invoice_date": move.invoice_date, "due_date": move.invoice_date_due,
                "amount": move.amount_total, "open_amount": move.amount_residual,
                "days_overdue": max(0, (day - move.invoice_date_due).days) if move.invoice_date_due else 0,
                "interest": interest, "compensation": compensation,
            }
            lines.append((0, 0, line))
            for key in ("open_amount", "interest", "compensation"):
                totals[key] += line[key]
        total = currency.round(totals["open_amount"] + totals["interest"] + totals["compensation"])
        lang = template.lang
        return {
            "company_id": file.company_id.id, "customer_id": file.id, "partner_id": partner.id,
            "recipient_id": recipient.id,
            "recipient_address": recipient._display_address(without_company=True).strip(),
            "recipient_email": recipient.email or partner.email or False,
            "template_id": template.id, "kind": kind, "lang": lang, "date": day,
            "deadline": day + timedelta(days=options.get("deadline_days") or DEADLINE_DAYS.get(kind, 10)),
            "currency_id": currency.id, "line_ids": lines,
            "amount_open": currency.round(totals["open_amount"]), "amount_interest": currency.round(totals["interest"]),
            "amount_compensation": currency.round(totals["compensation"]), "amount_total": total,
            "amount_words": self._amount_in_words(total, currency, lang),
        }

    @api.model
    def _amount_in_words(self, amount, currency, lang):
        """Chinese capital numerals for a Chinese letter, Odoo's words (num2words) in the letter's language
        otherwise."""
        if (lang or "").startswith("zh"):
            prefix = CURRENCY_PREFIX_ZH.get(currency.name, currency.name)
            return prefix + chinese_capitals(Decimal(str(currency.round(amount))))
        return currency.with_context(lang=self._installed_lang(lang, "en_US")).amount_to_text(amount)

    @api.model
    def _freeze_options(self, options):
        """The wizard's options (deadline, lawyer, payment plan) as a letter keeps them to be rendered later."""
        return json.dumps(options, default=str, sort_keys=True) if options else False

    @api.model
    def _frozen_options(self, letter):
        options = json.loads(letter.render_options or "{}")
        options["instalments"] = [(fields.Date.to_date(day), amount) for day, amount in options.get("instalments", [])]
        return options

    @api.model
    def _render_documents(self, letters, options=None):
        """Render the letters' .docx from their templates and frozen figures (in the sandbox) and store them.

        Made for many letters at once: each template is loaded and compiled once, the records the contexts
        read are fetched for all the letters together, the portal links issued and the documents stored in
        one batch each. `options` (the wizard's lawyer or payment plan) replace the letters' frozen ones."""
        if not letters:
            return True
        letters = letters.with_context(bin_size=False)
        if options is not None:
            letters.with_context(collection_letter_regenerate=True).write(
                {"render_options": self._freeze_options(options)})
        self._prefetch_render(letters)
        cache = {"portal_urls": self._portal_urls(letters)}
        renderers = {}
        documents = []
        for letter in letters:
            template = self._letter_template(letter)
            try:
                if template.id not in renderers:
                    renderers[template.id] = LetterRenderer(template._template_bytes())
                data = renderers[template.id].render(
                    self._letter_context(letter, self._frozen_options(letter), cache))
            except TemplateProblem as problem:
                raise UserError(self.env._("%(template)s: %(problem)s", template=template.name,
                                           problem=self.env["collection.letter.template"]._problem_message(
                                               problem))) from problem
            documents.append((letter, data))
        self._store_documents(documents)
        return True

    @api.model
    def _letter_template(self, letter):
        """The template a letter is written from again; a letter whose template was removed cannot be."""
        if not letter.template_id:
            raise UserError(self.env._("The template of %(letter)s was removed: generate a new letter.",
                                       letter=letter.name))
        return letter.template_id

    @api.model
    def _prefetch_render(self, letters):
        """Read what the letters' contexts need, for all of them at once."""
        letters.mapped("line_ids.move_id.partner_bank_id.bank_id")
        letters.mapped("partner_id.commercial_partner_id")
        letters.mapped("recipient_id.country_id")
        letters.mapped("company_id.partner_id.country_id")
        letters.mapped("customer_id.policy_id.collector_id.partner_id")
        letters.mapped("customer_id.user_id.partner_id")
        letters.mapped("template_id.name")

    @api.model
    def _portal_urls(self, letters):
        """{letter id: a fresh link to its customer's page} (court documents go to the court: none), the tokens
        issued in one batch."""
        to_link = letters.filtered(lambda letter: letter.kind not in COURT_KINDS)
        urls = self.env["collection.customer"].sudo()._collection_portal_links(
            [(letter.customer_id.sudo(), letter.name) for letter in to_link])
        return dict(zip(to_link.ids, urls, strict=True))

    @api.model
    def _store_documents(self, documents):
        """Store [(letter, .docx bytes)] and mark the letters rendered: the documents of letters rendered for the
        first time created in one batch of attachments; a letter rendered again (its figures taken anew) has its
        document replaced and its PDF of the earlier version dropped, as a write of the field does."""
        letters = self.env["collection.letter"].union(*(letter for letter, _data in documents))
        attachments = self.env["ir.attachment"].sudo()
        again = set(attachments.search([("res_model", "=", letters._name), ("res_id", "in", letters.ids),
                                        ("res_field", "=", "document_file")]).mapped("res_id"))
        attachments.create([{
            "name": "document_file", "res_model": letters._name, "res_field": "document_file", "res_id": letter.id,
            "raw": data, "mimetype": self.env["collection.letter.template"]._docx_mimetype(),
        } for letter, data in documents if letter.id not in again])
        letters.invalidate_recordset(["document_file"])
        for letter, data in documents:
            filename = f"{letter.name.replace('/', '-')} {letter.partner_id.name}.docx".replace("/", "-")
            vals = {"document_filename": filename, "render_state": "rendered", "render_error": False}
            if letter.id in again:
                vals.update(document_file=base64.b64encode(data), pdf_file=False, pdf_filename=False, pdf_note=False)
            letter.with_context(collection_letter_regenerate=True).write(vals)

    @api.model
    def _kind_label(self, kind, lang=None):
        model = self.env["collection.letter.template"]
        if lang:
            model = model.with_context(lang=lang)
        return dict(model._fields["kind"]._description_selection(model.env))[kind]

    @api.model
    def _letter_context(self, letter, options, cache=None):
        """The plain data a template sees (see CONTEXT_KEYS in tools/docx_render.py): no record, no function.

        `cache` is shared by the letters rendered together (see _render_documents)."""
        letter.ensure_one()
        cache = {} if cache is None else cache
        lang = letter.lang or "en_US"
        currency = letter.currency_id
        company = letter.company_id
        partner = letter.partner_id
        recipient = letter.recipient_id or partner
        file = letter.customer_id
        policy = file.policy_id
        collector = file.user_id or policy.collector_id or letter.generated_by_id
        bank = self._payment_bank(letter, cache)

        def money(value):
            return format_decimal(value, format=f"#,##0.{'0' * currency.decimal_places}" if currency.decimal_places
                                  else "#,##0", locale=lang)

        def day(value):
            return format_date(value, "long", locale=lang) if value else ""

        def address_lines(contact):
            lines = (line.strip().strip(",").strip() for line in
                     contact._display_address(without_company=True).split("\n"))
            return [line for line in lines if line]

        company_lines = address_lines(company.partner_id)
        recipient_lines = address_lines(recipient)
        label = self._kind_label(letter.kind, self._installed_lang(lang))
        instalments = options.get("instalments") or []
        return {
            "company": {
                "name": company.name or "", "address": ", ".join(company_lines), "address_lines": company_lines,
                "city": company.city or "", "vat": company.vat or "", "registry": company.company_registry or "",
                "phone": company.phone or "", "email": company.email or "", "website": company.website or "",
                "bank": {"bank": bank.bank_id.name or "", "account": bank.acc_number or "",
                         "holder": bank.acc_holder_name or company.name or "", "bic": bank.bank_id.bic or ""},
            },
            "recipient": {
                "name": partner.name or "", "ref": self._customer_account(partner),
                "address": ", ".join(recipient_lines),
                "address_lines": recipient_lines, "vat": partner.vat or "",
                "contact": recipient.name if recipient != partner else "",
                "email": letter.recipient_email or "", "phone": recipient.phone or partner.phone or "",
            },
            "letter": {
                "reference": letter.name, "date": day(letter.date), "kind": label, "title": label,
                "deadline": day(letter.deadline),
                "deadline_days": (letter.deadline - letter.date).days if letter.deadline else 0,
                "language": lang,
                # the debtor's own page (court documents go to the court: no link)
                "portal_url": "" if letter.kind in COURT_KINDS else (
                    cache.get("portal_urls", {}).get(letter.id) or file.sudo().collection_portal_link(letter.name)),
                "portal_qr": "",    # the renderer puts the QR code of portal_url here (tools/docx_render.py)
            },
            "invoices": [{
                "number": line.number or "", "contract": line.contract_ref or "", "date": day(line.invoice_date),
                "due_date": day(line.due_date), "amount": money(line.amount), "open_amount": money(line.open_amount),
                "days_overdue": line.days_overdue, "interest": money(line.interest),
                "compensation": money(line.compensation),
            } for line in letter.line_ids],
            "totals": {
                "count": len(letter.line_ids), "open_amount": money(letter.amount_open),
                "interest": money(letter.amount_interest), "compensation": money(letter.amount_compensation),
                "claimed": not (currency.is_zero(letter.amount_interest)
                                and currency.is_zero(letter.amount_compensation)),
                "interest_claimed": not currency.is_zero(letter.amount_interest),
                "compensation_claimed": not currency.is_zero(letter.amount_compensation),
                "total": money(letter.amount_total), "total_words": letter.amount_words or "",
            },
            "currency": {"name": currency.name, "symbol": currency.symbol or ""},
            "collector": {"name": collector.name or "", "function": collector.partner_id.function or "",
                          "phone": collector.partner_id.phone or collector.partner_id.mobile or "",
                          "email": collector.email or ""},
            "lawyer": self._lawyer_context(letter),
            "case": self._case_context(letter, money, day),
            "plan": {"instalments": [{"number": index, "date": day(when), "amount": money(amount)}
                                     for index, (when, amount) in enumerate(instalments, start=1)]},
        }

    @api.model
    def _lawyer_context(self, letter):
        """The lawyer who signs: for a lawyer letter, the lawyer engaged on the customer's case (refused without
        one); for any other letter, no lawyer."""
        if letter.kind != "lawyer":
            return dict.fromkeys(LAWYER_KEYS, "")
        cases = self.env["collection.case"]._engaged_lawyer_cases(letter.customer_id)
        return cases[letter.customer_id]._lawyer_letter_context()

    @api.model
    def _payment_bank(self, letter, cache=None):
        """The account the letter asks payment to: the one its invoices name, else the company's bank journal's,
        else the first of the company's own bank accounts (looked up once per company in a `cache`)."""
        bank = letter.line_ids.move_id.partner_bank_id[:1]
        if bank:
            return bank
        cache = {} if cache is None else cache
        company = letter.company_id
        if ("bank", company.id) not in cache:
            cache["bank", company.id] = self.env["account.journal"].sudo().search([
                ("type", "=", "bank"), ("company_id", "=", company.id), ("bank_account_id", "!=", False),
            ], order="sequence, id", limit=1).bank_account_id or company.partner_id.bank_ids[:1]
        return cache["bank", company.id]

    @api.model
    def _customer_account(self, partner):
        """The customer's account with us as letters print it: its reference, else its company's, else its
        number in the database (the one the accounts team finds it by)."""
        commercial = partner.commercial_partner_id
        return partner.ref or commercial.ref or str(commercial.id)

    # === PDF === #
    @api.model
    def _soffice(self):
        return shutil.which("soffice") or shutil.which("libreoffice")

    @api.model
    def _make_pdf(self, letters):
        """A PDF of each letter with LibreOffice (`soffice --headless --convert-to pdf`), when it is installed;
        otherwise the letter says so."""
        soffice = self._soffice()
        letters._ensure_rendered()
        for letter in letters.with_context(bin_size=False):
            if not soffice:
                letter.pdf_note = self.env._("No PDF: LibreOffice (soffice) is not installed on the server.")
                continue
            data = self._convert_pdf(soffice, base64.b64decode(letter.document_file))
            if data:
                letter.write({"pdf_file": base64.b64encode(data),
                              "pdf_filename": letter.document_filename.rsplit(".", 1)[0] + ".pdf", "pdf_note": False})
            else:
                letter.pdf_note = self.env._("No PDF: LibreOffice could not convert the letter (see the server log).")

    @api.model
    def _convert_pdf(self, soffice, docx):
        with tempfile.TemporaryDirectory(prefix="collection-letter-") as tmp:
            source = os.path.join(tmp, "letter.docx")
            with open(source, "wb") as handle:
                handle.write(docx)
            # a profile of its own: two conversions at once must not share LibreOffice's user installation
            command = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                       "--convert-to", "pdf", "--outdir", tmp, source]
            try:
                subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT,
                               env={**os.environ, "HOME": tmp})
            except (OSError, subprocess.SubprocessError) as exc:
                _logger.info("LibreOffice could not convert a collection letter: %s", exc)
                return None
            target = os.path.join(tmp, "letter.pdf")
            if not os.path.exists(target):
                return None
            with open(target, "rb") as handle:
                return handle.read()

    # === Background batches === #
    @api.model
    def _cron_generate_letters(self, batch_size=200):
        """One slice of work per call: the calendar's letters first, then the queued batches; the runner commits
        and calls again while work remains. Done work is excluded by its selection (a history row has its letter,
        a batch customer its letter of the day), so a rerun continues where it stopped.

        The letters are only queued here, their figures frozen, a few queries a slice; the render job's worker
        slots (_cron_render_letters) are woken to write their .docx."""
        runner = self.env["collection.batch.runner"]
        rows = self._pending_calendar_rows(limit=batch_size)
        if rows:
            # a row that fails is cancelled, as a row whose letter cannot be drafted: never picked again
            runner._run(rows, self._draft_calendar_letters, LETTER_CRON,
                        on_error=lambda row, _exc: row._set_delivery({"state": "cancelled"}),
                        thread_of=lambda row: row.customer_id)
            self._wake_render_job()
            remaining = len(self._pending_calendar_rows()) + self.env["collection.letter.batch"].search_count(
                [("state", "in", ("queued", "running"))])
            self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)
            return len(rows)
        batch = self.env["collection.letter.batch"].search([("state", "in", ("queued", "running"))], limit=1,
                                                           order="id")
        if not batch:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        todo = batch._files_to_do()
        chunk = todo[:batch_size]
        batch.state = "running"
        if chunk:
            engine = self.with_company(batch.company_id)
            # a customer that fails leaves the batch (named with its error on the batch's chatter) so that the
            # batch still ends
            runner._run(
                chunk, lambda files: engine._generate(files, batch.kind, day=batch.date, options=batch._options(),
                                                      trigger="batch", batch=batch, lazy=True),
                LETTER_CRON, on_error=lambda file, _exc: batch.write({"customer_ids": [Command.unlink(file.id)]}),
                thread_of=lambda _file: batch,
            )
            self._wake_render_job()
        remaining = len(todo) - len(chunk)
        if not remaining:
            batch._done()
        more = self.env["collection.letter.batch"].search_count([("state", "in", ("queued", "running"))])
        self.env["ir.cron"]._notify_progress(done=len(chunk), remaining=remaining + (more if not remaining else 0))
        return len(chunk)

    @api.model
    def _wake_render_job(self):
        """Have every worker slot of the render job run as soon as this transaction is committed."""
        for xmlid in RENDER_CRONS:
            if cron := self.env.ref(xmlid, raise_if_not_found=False):
                cron.sudo()._trigger()

    @api.model
    def _cron_render_letters(self, batch_size=50):
        """The render job, one slice per call: the queued letters this worker slot claims (FOR UPDATE SKIP LOCKED,
        so that the other slots take other letters), rendered together. A letter whose template cannot render is
        marked failed with the reason; the user sees it and renders it again once the template is mended."""
        runner = self.env["collection.batch.runner"]
        claim = runner._claim("collection.letter", QUEUED_SQL, batch_size)
        letters = claim.records
        if letters:
            runner._run(letters, self._render_documents, RENDER_CRONS[0],
                        on_error=lambda letter, exc: letter.with_context(collection_letter_regenerate=True).write({
                            "render_state": "failed", "render_error": runner._error_text(exc)}))
        return runner._notify_claim_progress(claim, len(letters), self._queued_count())

    @api.model
    def _queued_count(self):
        self.env["collection.letter"].flush_model(["render_state", "state"])
        self.env.cr.execute(SQL("SELECT count(*) FROM collection_letter WHERE %s", QUEUED_SQL))
        return self.env.cr.fetchone()[0]

    @api.model
    def _letters_done_sql(self, file_ids, kind, day):
        """File ids that have a live letter of a kind on a day (one query)."""
        self.env["collection.letter"].flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT customer_id FROM collection_letter
             WHERE customer_id IN %s AND kind = %s AND date = %s AND state != 'cancelled'
            """,
            tuple(file_ids) or (0,), kind, day,
        ))
        return {row[0] for row in self.env.cr.fetchall()}

    # === Demo data === #
    @api.model
    def _demo_letters(self):
        """Real rendered letters in every state for the demo database (called from demo XML after the first
        escalation, which drafted the calendar's letters)."""
        today = self.env["collection.escalation"]._today()
        while self._cron_generate_letters():     # the letters the first escalation's calendar asked for
            pass
        while self._cron_render_letters():
            pass
        letters = self.env["collection.letter"].search([("state", "=", "draft")], order="id")
        files = self.env["collection.customer"].search([("overdue_count", ">", 0)], order="days_overdue desc")
        if not files:
            return
        # (the lawyer letter comes with the demo case and its engaged lawyer: collection.case._demo_lawyer_letter)
        letters |= self._generate(files[1:2], "balance_confirmation")
        letters |= self._generate(files[2:3], "formal_demand")
        # reminders whatever the calendar did (on a weekend the first escalation carries out nothing)
        letters |= self._generate(files[3:7], "reminder_1")
        letters = letters.filtered(lambda letter: letter.state == "draft")
        proof = base64.b64encode(DEMO_PROOF_PDF)
        steps = [
            lambda letter: letter.action_approve(),
            lambda letter: (letter.write({"channel": "registered_mail", "tracking_number": "EMS1234567890CN"}),
                            letter.action_mark_sent()),
            lambda letter: (letter.write({"channel": "courier", "tracking_number": "SF1400000000001"}),
                            letter.action_mark_sent(),
                            letter.write({"delivery_date": today, "proof_file": proof,
                                          "proof_filename": "courier-delivery-record.pdf"}),
                            letter.action_mark_delivered()),
            lambda letter: (letter.write({"channel": "registered_mail", "tracking_number": "EMS9876543210CN"}),
                            letter.action_mark_sent(),
                            letter.write({"returned_reason": "Addressee moved; no forwarding address"}),
                            letter.action_mark_returned()),
            lambda letter: (letter.write({"channel": "hand"}), letter.action_mark_sent(),
                            letter.write({"delivery_date": today}), letter.action_mark_delivered(),
                            letter.write({"reply_date": today, "reply_channel": "phone",
                                          "reply_note": "Will pay half next week, asks for a plan for the rest."})),
        ]
        for letter, step in zip(letters, steps, strict=False):
            step(letter)


# A one-page PDF standing for a scanned courier delivery record in the demo data.
DEMO_PROOF_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 62>>stream\nBT /F1 18 Tf 72 760 Td (Courier delivery record: signed) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
