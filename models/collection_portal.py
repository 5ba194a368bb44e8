import base64
import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from ..tools.portal import PlanLimits, figures_hash, plan_request_error
from .collection_letter_template import COURT_KINDS

# Letters the debtor may download from the portal: those that went out to them.
SENT_LETTER_STATES = ("sent", "delivered", "returned")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class CollectionPortal(models.AbstractModel):
    """The debtor's portal: the statement a customer sees and what it may do there (confirm the balance, promise,
    dispute, ask for a plan, pay). The controller only finds the customer file of the visitor (portal user or
    link) and checks that every id it receives belongs to that file; this model reads and writes as superuser on
    that file alone, and logs every action with who did it and from where."""

    _name = "collection.portal"
    _description = "Collection Portal"

    # === Statement === #
    @api.model
    def _statement(self, file):
        """Everything the statement page shows, and `figures`: the plain data a confirmation signs."""
        file = file.sudo()
        company, partner = file.company_id, file.partner_id
        currency = company.currency_id
        today = self.env["collection.escalation"]._today(company)
        moves = self._open_moves(file)
        interest = moves._collection_interest(today, raise_errors=False)
        disputes = self.env["collection.dispute"].sudo().search([("customer_id", "=", file.id),
                                                                 ("state", "=", "open")])
        disputed = set(disputes.move_ids.ids)

        def amount(value, cur=currency):
            return float_repr(cur.round(value or 0.0), cur.decimal_places)

        rows = []
        total_open = total_overdue = total_interest = 0.0
        for move in moves:
            figures = interest.get(move.id) or {}
            rate_to_company = (move.amount_residual_signed / move.amount_residual) if move.amount_residual else 1.0
            days = (today - move.invoice_date_due).days if move.invoice_date_due else 0
            claimable = figures.get("claimable", 0.0)
            total_open += move.amount_residual_signed
            total_overdue += move.amount_residual_signed if days > 0 else 0.0
            total_interest += claimable * rate_to_company
            rows.append({
                "move": move, "days_overdue": max(days, 0), "overdue": days > 0, "disputed": move.id in disputed,
                "interest": figures.get("interest", 0.0), "compensation": figures.get("compensation", 0.0),
                "claimable": claimable, "explanation": "\n".join(figures.get("explanation", [])),
            })
        credit = self._credit_available(file)
        plans = self.env["collection.payment.plan"].sudo().search([
            ("customer_id", "=", file.id), ("state", "in", ("to_approve", "active"))])
        next_line = plans.filtered(lambda p: p.state == "active").line_ids.filtered(
            lambda line: line.state != "paid").sorted(lambda line: (line.date, line.id))[:1]
        figures = {
            "customer": partner.name, "vat": partner.vat or "", "company": company.name, "as_of": str(today),
            "currency": currency.name,
            "invoices": [{
                "number": row["move"].name, "date": str(row["move"].invoice_date or ""),
                "due": str(row["move"].invoice_date_due or ""), "currency": row["move"].currency_id.name,
                "total": amount(row["move"].amount_total, row["move"].currency_id),
                "open": amount(row["move"].amount_residual, row["move"].currency_id),
                "interest": amount(row["interest"], row["move"].currency_id),
                "compensation": amount(row["compensation"], row["move"].currency_id),
                "days_overdue": row["days_overdue"],
            } for row in rows],
            "total_open": amount(total_open), "total_overdue": amount(total_overdue),
            "total_interest": amount(total_interest), "credit": amount(credit),
            "balance": amount(total_open - credit),
        }
        return {
            "file": file, "partner": partner, "company": company, "currency": currency, "today": today,
            "rows": rows, "moves": moves, "total_open": total_open, "total_overdue": total_overdue,
            "total_interest": total_interest, "credit": credit, "balance": total_open - credit,
            "letters": self._letters(file), "plans": plans, "next_line": next_line, "disputes": disputes,
            "promises": self.env["collection.promise"].sudo().search([
                ("customer_id", "=", file.id), ("state", "in", ("proposed", "open"))]),
            "confirmations": self.env["collection.balance.confirmation"].sudo().search([
                ("customer_id", "=", file.id), ("state", "=", "signed")]),
            "reasons": self.env["collection.dispute.reason"].sudo().search([
                ("company_id", "in", (False, company.id))]),
            "policy": file._work_policies()[file.id],
            "figures": figures, "content_hash": figures_hash(figures),
        }

    @api.model
    def _open_moves(self, file):
        return self.env["account.move"].sudo().search([
            *self.env["account.move"]._collection_open_domain(),
            ("commercial_partner_id", "=", file.partner_id.id), ("company_id", "=", file.company_id.id),
        ], order="invoice_date_due, id")

    @api.model
    def _credit_available(self, file):
        """Open credit notes and unreconciled payments of the customer, in the company's currency."""
        groups = self.env["account.move.line"].sudo()._read_group([
            ("partner_id", "child_of", file.partner_id.id), ("company_id", "=", file.company_id.id),
            ("account_type", "=", "asset_receivable"), ("parent_state", "=", "posted"),
            ("reconciled", "=", False), ("amount_residual", "<", 0),
        ], aggregates=["amount_residual:sum"])
        return -(groups[0][0] or 0.0) if groups else 0.0

    @api.model
    def _letters(self, file):
        return self.env["collection.letter"].sudo().search([
            ("customer_id", "=", file.id), ("state", "in", SENT_LETTER_STATES), ("kind", "not in", COURT_KINDS),
        ], order="date desc, id desc")

    # === Ownership === #
    @api.model
    def _own_moves(self, file, move_ids, open_only=True):
        """The invoices of these ids, refused unless every one belongs to the file's customer and company."""
        ids = {int(i) for i in move_ids or []}
        moves = (self._open_moves(file) if open_only else self.env["account.move"].sudo().search([
            ("move_type", "=", "out_invoice"), ("commercial_partner_id", "=", file.partner_id.id),
            ("company_id", "=", file.company_id.id)])).filtered(lambda m: m.id in ids)
        if len(moves) != len(ids):
            raise UserError(self.env._("These invoices are not yours to act on."))
        return moves

    # === Actions === #
    @api.model
    def _prepare_confirmation(self, file, role, visit):
        """A confirmation waiting for the signature, holding the figures shown now and their fingerprint."""
        if not (role or "").strip():
            raise UserError(self.env._("Say in which role you confirm the balance."))
        statement = self._statement(file)
        if not statement["moves"]:
            raise UserError(self.env._("Nothing is open: there is no balance to confirm."))
        return self.env["collection.balance.confirmation"].sudo().create({
            "customer_id": file.id, "date": statement["today"],
            "move_ids": [fields.Command.set(statement["moves"].ids)], "amount_total": statement["total_open"],
            "signer_role": role.strip()[:128],
            "figures": json.dumps(statement["figures"], ensure_ascii=False, sort_keys=True),
            "content_hash": statement["content_hash"], "token_id": visit["token"].id,
        })

    @api.model
    def _sign_confirmation(self, file, confirmation, name, signature, visit):
        if confirmation.customer_id != file or confirmation.state != "draft":
            raise UserError(self.env._("This balance confirmation is not yours to sign."))
        if self._statement(file)["content_hash"] != confirmation.content_hash:
            raise UserError(self.env._(
                "The figures changed since you opened the confirmation (a payment, a new invoice or a new day): "
                "open it again to sign the current balance."))
        attachment = confirmation.sudo()._sign(name, signature, visit["ip"], visit.get("user_agent"))
        self._log(file, visit, self.env._("Balance of %(amount)s confirmed and signed by %(name)s (%(role)s)",
                                          amount=file.currency_id.format(confirmation.amount_total),
                                          name=confirmation.signer_name, role=confirmation.signer_role))
        return attachment

    @api.model
    def _propose_promise(self, file, move_ids, date, amount, note, visit):
        today = self.env["collection.escalation"]._today(file.company_id)
        moves = self._own_moves(file, move_ids)
        try:
            date = fields.Date.to_date(date)
            amount = float(amount)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the date and the amount you promise to pay.")) from error
        if not date or date < today:
            raise UserError(self.env._("A promise to pay falls due today or later."))
        if amount <= 0:
            raise UserError(self.env._("A promised amount is positive."))
        promise = self.env["collection.promise"].sudo().create({
            "customer_id": file.id, "state": "proposed", "amount": amount, "date": date,
            "move_ids": [fields.Command.set(moves.ids)], "user_id": self._collector(file).id,
            "note": (note or "").strip() or self.env._("Proposed on the portal."),
        })
        self._log(file, visit, self.env._("Promise to pay proposed: %(promise)s", promise=promise.display_name))
        return promise

    @api.model
    def _raise_dispute(self, file, move_ids, reason_id, message, uploads, visit):
        if not move_ids:
            raise UserError(self.env._("Choose the invoices you dispute."))
        moves = self._own_moves(file, move_ids, open_only=False)
        reason = self.env["collection.dispute.reason"].sudo().browse(int(reason_id or 0)).exists()
        if not reason or reason.company_id not in (file.company_id, self.env["res.company"]):
            raise UserError(self.env._("Choose the reason of your dispute."))
        if not (message or "").strip():
            raise UserError(self.env._("Tell us what is wrong with these invoices."))
        if any(len(content) > MAX_UPLOAD_BYTES for _name, content, _mime in uploads):
            raise UserError(self.env._("A file is larger than 10 MB."))
        collector = self._collector(file)
        dispute = self.env["collection.dispute"].sudo().create({
            "customer_id": file.id, "reason_id": reason.id, "description": message.strip(),
            "move_ids": [fields.Command.set(moves.ids)], "user_id": collector.id,
        })
        attachments = self.env["ir.attachment"].sudo().create([{
            "name": name, "raw": content, "mimetype": mime, "res_model": dispute._name, "res_id": dispute.id,
        } for name, content, mime in uploads])
        dispute.message_post(body=message.strip(), attachment_ids=attachments.ids,
                             author_id=visit["partner"].id, message_type="comment")
        dispute.activity_schedule("mail.mail_activity_data_todo", user_id=collector.id,
                                  summary=self.env._("Dispute raised on the portal: %(reason)s", reason=reason.name))
        self._log(file, visit, self.env._("Dispute raised on %(invoices)s: %(reason)s",
                                          invoices=", ".join(moves.mapped("name")), reason=reason.name))
        return dispute

    @api.model
    def _request_plan(self, file, move_ids, down_payment, instalments, visit):
        moves = self._own_moves(file, move_ids)
        if not moves:
            raise UserError(self.env._("Choose the invoices the plan covers."))
        if len(moves.currency_id) > 1:
            raise UserError(self.env._("The invoices of one payment plan share one currency."))
        try:
            down_payment, instalments = float(down_payment or 0.0), int(instalments)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the first payment and the number of instalments.")) from error
        policy = file._work_policies()[file.id]
        currency = moves.currency_id
        balance = sum(moves.mapped("amount_residual"))
        error = plan_request_error(PlanLimits(policy.portal_plan_max_instalments, policy.portal_plan_min_first_percent),
                                   balance, down_payment, instalments)
        if error:
            code, value = error
            raise UserError({
                "nothing_due": self.env._("Nothing is open on these invoices."),
                "too_few": self.env._("A plan has at least one instalment."),
                "too_many": self.env._("A plan asked here has at most %(count)s instalments.", count=value),
                "first_too_small": self.env._("The first payment is at least %(amount)s.",
                                              amount=currency.format(value)),
                "first_too_large": self.env._("The first payment is less than the balance, %(amount)s.",
                                              amount=currency.format(value)),
            }[code])
        today = self.env["collection.escalation"]._today(file.company_id)
        plan = self.env["collection.payment.plan"].sudo().create({
            "customer_id": file.id, "user_id": self._collector(file).id,
            "move_ids": [fields.Command.set(moves.ids)], "down_payment": down_payment,
            "instalment_count": instalments, "start_date": today, "first_date": fields.Date.add(today, months=1),
            "note": self.env._("Asked on the portal by %(who)s.", who=self._who(visit)),
        })
        # A debtor has no authority of its own: its plan always waits for the approver the matrix names.
        plan._check_before_submit()
        plan.write({"requested_by_id": self.env.uid, "requested_on": fields.Datetime.now()})
        plan._request_approval()
        self._log(file, visit, self.env._("Payment plan asked: %(plan)s, first payment %(amount)s",
                                          plan=plan.display_name, amount=currency.format(down_payment)))
        return plan

    @api.model
    def _payment_selection(self, file, mode, move_ids=None):
        """(invoices, amount) the debtor pays: the whole balance, chosen invoices or the next instalment."""
        if mode == "instalment":
            line = self._statement(file)["next_line"]
            if not line:
                raise UserError(self.env._("No instalment of a running plan is due."))
            moves = line.plan_id.move_ids._collection_open()
            return moves, line.currency_id.round(line.amount - line.amount_paid)
        moves = self._open_moves(file) if mode == "all" else self._own_moves(file, move_ids)
        if not moves:
            raise UserError(self.env._("Nothing is open to pay."))
        if len(moves.currency_id) > 1:
            raise UserError(self.env._("Pay invoices of one currency at a time."))
        return moves, sum(moves.mapped("amount_residual"))

    @api.model
    def _collector(self, file):
        """Who answers the customer: its collector, else its policy's collector or supervisor, else the admin."""
        policy = file._work_policies()[file.id]
        return (file.user_id or policy.collector_id or policy.supervisor_id
                or self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.ref("base.user_root"))

    # === Log === #
    @api.model
    def _who(self, visit):
        if visit["token"]:
            return self.env._("a link sent to the customer (link #%(id)s)", id=visit["token"].id)
        return self.env._("portal user %(name)s", name=visit["user"].name)

    @api.model
    def _log(self, file, visit, what, chatter=True):
        """The action in the customer file's chatter and in the history: what, who, from where."""
        note = self.env._("Portal: %(what)s, by %(who)s from %(ip)s.", what=what, who=self._who(visit),
                          ip=visit["ip"] or "?")
        if chatter:
            file.sudo().message_post(body=Markup("<p>%s</p>") % note, author_id=visit["partner"].id)
        # the author is the visitor's user (the public user for a link), as the history API stamps it
        self.env["collection.history"]._log(file, "portal", note=note)

    @api.model
    def _file_content(self, record, field):
        data = record.sudo().with_context(bin_size=False)[field]
        return base64.b64decode(data) if data else b""
