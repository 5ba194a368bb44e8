from decimal import Decimal

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.instalments import DEFAULT_GRACE_DAYS, ScheduleError, allocate, build_schedule, first_missed, to_units
from .collection_approval_mixin import APPROVAL_TRANSITION

PLAN_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To approve"),
    ("active", "Running"),
    ("done", "Paid"),
    ("broken", "Broken"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
INTERVAL_UNITS = [("day", "Days"), ("week", "Weeks"), ("month", "Months")]
LINE_STATES = [
    ("open", "To pay"),
    ("partial", "Partly paid"),
    ("paid", "Paid"),
    ("late", "Late"),
    ("accelerated", "Due now"),
]
# The terms a schedule is built from: changing one in a draft rebuilds it.
SCHEDULE_TERMS = {"amount_total", "down_payment", "instalment_count", "start_date", "first_date", "interval_number",
                  "interval_unit", "interest_rate", "move_ids"}
# Figures the plan derives from the books and its terms: never typed (the approval reads them).
DERIVED_FIGURES = ("amount_total", "interest_amount")
# What an instalment asks and when: fixed once the plan leaves the draft.
LINE_TERMS = {"plan_id", "sequence", "date", "amount"}


class CollectionPaymentPlan(models.Model):
    """An instalment plan for chosen invoices: a down payment and instalments that add up to the balance (plus
    the plan's interest, if any) to the smallest unit of the currency.

    Approved at the right level (collection.approval.mixin), it pauses its invoices (a collection.pause of reason
    'payment_plan'). A daily cron matches the payments (the invoices' residual decrease, allocated to the
    instalments in order); an instalment still short after its grace breaks the plan: the acceleration clause
    makes the whole balance due, the pause ends so that escalation resumes, and the collector is told."""

    _name = "collection.payment.plan"
    _description = "Payment Plan"
    _inherit = ["collection.customer.mixin", "mail.thread", "mail.activity.mixin", "collection.approval.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    user_id = fields.Many2one("res.users", string="Collector", required=True, default=lambda self: self.env.user,
                              tracking=True)
    contact_id = fields.Many2one("collection.contact", string="Agreed During", index="btree_not_null",
                                 ondelete="set null", check_company=True)
    move_ids = fields.Many2many(
        "account.move", "collection_payment_plan_move_rel", "plan_id", "move_id", string="Invoices",
        required=True, check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id", store=True, precompute=True)
    amount_total = fields.Monetary(
        string="Balance Covered", compute="_compute_amount_total", store=True, precompute=True,
        tracking=True, help="What the invoices still owe, in their currency (from the books, never typed).",
    )
    down_payment = fields.Monetary(tracking=True)
    instalment_count = fields.Integer(string="Instalments", default=3, tracking=True)
    start_date = fields.Date(required=True, help="The down payment falls due.",
                             default=lambda self: self.env["collection.escalation"]._today())
    first_date = fields.Date(string="First Instalment", required=True,
                             default=lambda self: fields.Date.add(self.env["collection.escalation"]._today(), months=1))
    interval_number = fields.Integer(string="Every", default=1)
    interval_unit = fields.Selection(INTERVAL_UNITS, required=True, default="month")
    interest_rate = fields.Float(string="Interest (% a year)", digits=(6, 3),
                                 help="Simple interest on the declining balance, invoiced when the plan starts.")
    interest_amount = fields.Monetary(string="Plan Interest", readonly=True)
    waive_overdue_interest = fields.Boolean(
        help="The overdue interest accrued on the invoices is waived once the plan is paid as agreed.",
    )
    grace_days = fields.Integer(compute="_compute_grace_days", store=True, readonly=False, precompute=True,
                                help="An instalment still short this many days after its due date breaks the plan.")
    acceleration = fields.Boolean(string="Acceleration Clause", default=True,
                                  help="One instalment missed makes the whole balance due at once.")
    line_ids = fields.One2many("collection.payment.plan.line", "plan_id", string="Schedule", copy=False)
    residual_at_start = fields.Monetary(readonly=True, copy=False,
                                        help="What the invoices owed when the plan started; payments count from it.")
    amount_paid = fields.Monetary(readonly=True, copy=False)
    amount_remaining = fields.Monetary(compute="_compute_amount_remaining")
    interest_move_id = fields.Many2one("account.move", string="Interest Invoice", readonly=True, copy=False,
                                       check_company=True)
    pause_id = fields.Many2one("collection.pause", readonly=True, copy=False, index="btree_not_null",
                               check_company=True, ondelete="restrict")
    state = fields.Selection(PLAN_STATES, required=True, default="draft", readonly=True, tracking=True, copy=False)
    checked_on = fields.Date(readonly=True, copy=False, help="Day the payments were last matched.")
    broken_on = fields.Date(readonly=True, copy=False)
    accelerated_on = fields.Date(readonly=True, copy=False)
    done_on = fields.Date(readonly=True, copy=False)
    note = fields.Text(string="Terms and Notes")

    _sql_constraints = [
        ("instalment_count_positive", "CHECK(instalment_count > 0)", "A plan has at least one instalment."),
        ("interval_number_positive", "CHECK(interval_number > 0)", "The interval is at least 1."),
        ("down_payment_positive", "CHECK(down_payment >= 0)", "A down payment cannot be negative."),
        ("interest_rate_positive", "CHECK(interest_rate >= 0)", "An interest rate cannot be negative."),
        ("grace_days_positive", "CHECK(grace_days >= 0)", "The grace days cannot be negative."),
    ]

    # === Compute === #
    @api.depends("move_ids")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = plan.move_ids.currency_id[:1] or plan.customer_id.company_id.currency_id

    @api.depends("move_ids")
    def _compute_amount_total(self):
        for plan in self:
            plan.amount_total = sum(plan.move_ids._collection_open().mapped("amount_residual"))

    @api.depends("customer_id")
    def _compute_grace_days(self):
        policies = self.customer_id._work_policies()
        for plan in self:
            plan.grace_days = (policies[plan.customer_id.id].plan_grace_days if plan.customer_id
                               else DEFAULT_GRACE_DAYS)

    @api.depends("line_ids.amount", "amount_paid")
    def _compute_amount_remaining(self):
        for plan in self:
            plan.amount_remaining = max(0.0, sum(plan.line_ids.mapped("amount")) - plan.amount_paid)

    @api.depends("partner_id.name", "instalment_count")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._("Payment plan of %(customer)s (%(count)s instalments)",
                                           customer=plan.partner_id.name or "", count=plan.instalment_count)

    # === Constraints === #
    @api.constrains("move_ids", "customer_id")
    def _check_moves(self):
        for plan in self:
            if plan.move_ids.commercial_partner_id - plan.partner_id:
                raise ValidationError(self.env._("A payment plan only covers invoices of its own customer."))
            if len(plan.move_ids.currency_id) > 1:
                raise ValidationError(self.env._("The invoices of one payment plan share one currency."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        typed = [vals for vals in vals_list if any(name in vals for name in DERIVED_FIGURES)]
        plans = super().create(vals_list)
        if typed:
            plans._check_typed_figures(typed)
        plans._rebuild_schedule()
        return plans

    def write(self, vals):
        internal = self.env.context.get(APPROVAL_TRANSITION) or self.env.su
        if not internal and SCHEDULE_TERMS & set(vals) and any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("The terms of a submitted payment plan stay as approved: cancel it and "
                                       "agree a new one."))
        if not internal:
            self._check_typed_figures([vals] * len(self))
        res = super().write(vals)
        if SCHEDULE_TERMS & set(vals):
            self.filtered(lambda p: p.state == "draft")._rebuild_schedule()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(plan.state not in ("draft", "cancelled") for plan in self):
            raise UserError(self.env._("Only a draft payment plan can be deleted; cancel it otherwise."))

    # === Actions === #
    def action_check_payments(self):
        self.env["collection.customer"].check_access("write")
        escalation = self.env["collection.escalation"]
        for company, plans in self.filtered(lambda p: p.state == "active").grouped("company_id").items():
            plans._match_payments(escalation._today(company))
        return True

    def action_cancel(self):
        self.env["collection.customer"].check_access("write")
        if any(plan.state in ("done", "broken") for plan in self):
            raise UserError(self.env._("A paid or broken plan stays as it is."))
        self._end_pause(self.env._("Payment plan cancelled."))
        self._approval_write({"state": "cancelled"})
        self.activity_unlink(["account_collection_litigation.mail_activity_type_collection_approval"])
        return True

    def action_draft(self):
        if any(plan.state not in ("refused", "cancelled") for plan in self):
            raise UserError(self.env._("Only a refused or cancelled plan goes back to draft."))
        self._approval_write({"state": "draft"})
        self._rebuild_schedule()
        return True

    # === Cron === #
    @api.model
    def _cron_check_payment_plans(self, batch_size=200):
        """One batch of running plans per call; a plan is done for the day once matched (checked_on), so a rerun
        or a resumed run carries on where it stopped and breaks nothing twice."""
        escalation = self.env["collection.escalation"]
        domain = [("state", "=", "active"), "|", ("checked_on", "=", False),
                  *escalation._company_day_domain("checked_on", "<")]
        plans = self.search(domain, limit=batch_size, order="id")
        for company, company_plans in plans.grouped("company_id").items():
            # a plan that fails is done for the day all the same (its error on its chatter): never picked again
            today = escalation._today(company)
            self.env["collection.batch.runner"]._run(
                company_plans.with_company(company), lambda batch, today=today: batch._match_payments(today),
                "account_collection_litigation.ir_cron_collection_payment_plans",
                on_error=lambda plan, _exc, today=today: plan.write({"checked_on": today}),
            )
        remaining = self.search_count(domain) if len(plans) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(plans), remaining=remaining)
        return len(plans)

    # === Approval === #
    def _approval_kind(self):
        return "instalment_plan"

    def _approval_amount(self):
        """What the invoices owe in the books, plus the plan's interest, in the company's currency."""
        self.ensure_one()
        if not self.currency_id or not self.company_id:
            return 0.0
        return self.currency_id._convert(self._owed() + self.interest_amount, self.company_id.currency_id,
                                         self.company_id, self.env["collection.escalation"]._today(self.company_id))

    def _approval_label(self):
        self.ensure_one()
        return self.env._("Instalment plan of %(customer)s for %(amount)s", customer=self.partner_id.name,
                          amount=self.currency_id.format(self.amount_total))

    def _check_before_submit(self):
        for plan in self:
            if not plan.move_ids._collection_open():
                raise UserError(self.env._("Choose the open invoices the plan covers."))
            if plan.currency_id.compare_amounts(plan.amount_total, plan._owed()):
                # paid in part since the draft was made: it covers what is owed now
                plan._approval_write({"amount_total": plan._owed()})
            elif not plan.line_ids:
                plan._rebuild_schedule()
            if plan.interest_amount and not plan._interest_account():
                raise UserError(self.env._(
                    "Set the interest product or account on the collection policy first: the plan's interest is "
                    "invoiced when it starts."))

    def _check_figures(self):
        """The plan covers what its invoices owe today, its interest is what its terms give, and its lines add up
        to both to the smallest unit of the currency: the approval reads these figures, whatever door wrote them."""
        for plan in self:
            currency = plan.currency_id
            owed = plan._owed()
            if currency.compare_amounts(plan.amount_total, owed):
                raise UserError(self.env._(
                    "%(plan)s covers %(total)s but its invoices owe %(owed)s in the books: put it back to draft so "
                    "that it covers what is owed.", plan=plan.display_name, total=currency.format(plan.amount_total),
                    owed=currency.format(owed)))
            interest = plan._schedule_interest()
            if currency.compare_amounts(plan.interest_amount, interest):
                raise UserError(self.env._(
                    "The interest of %(plan)s is %(interest)s by its terms, not %(typed)s.", plan=plan.display_name,
                    interest=currency.format(interest), typed=currency.format(plan.interest_amount)))
            unit = currency.rounding
            scheduled = sum(to_units(amount, unit) for amount in plan.line_ids.mapped("amount"))
            if scheduled != to_units(owed + interest, unit):
                raise UserError(self.env._(
                    "The instalments of %(plan)s add up to %(scheduled)s, not to the %(total)s owed with the plan's "
                    "interest: rebuild the schedule.", plan=plan.display_name,
                    scheduled=currency.format(scheduled * unit), total=currency.format(owed + interest)))

    def _on_approved(self):
        """The plan starts: its interest is invoiced, its invoices pause, payments count from now."""
        for plan in self:
            if plan.interest_amount:
                plan._invoice_plan_interest()
            plan.residual_at_start = sum(plan.move_ids.mapped("amount_residual"))
        pauses = self.env["collection.pause"].create([{
            "partner_id": plan.partner_id.id, "company_id": plan.company_id.id, "reason": "payment_plan",
            "move_ids": [Command.set(plan.move_ids.ids)],
            "note": plan._approval_label(),
        } for plan in self])
        for plan, pause in zip(self, pauses, strict=True):
            plan.write({"state": "active", "pause_id": pause.id})

    # === Business === #
    def _owed(self):
        """What the plan's invoices owe today in the books, in their currency."""
        self.ensure_one()
        return sum(self.move_ids._collection_open().mapped("amount_residual"))

    def _check_typed_figures(self, vals_list):
        """Refuse a total or an interest typed by the caller that is not what the books and the terms give."""
        for plan, vals in zip(self, vals_list, strict=True):
            currency = plan.currency_id
            for name in (name for name in DERIVED_FIGURES if name in vals):
                expected = {"amount_total": plan._owed() if plan.state == "draft" else plan.amount_total,
                            "interest_amount": plan._schedule_interest()}
                if currency.compare_amounts(vals[name] or 0.0, expected[name]):
                    raise UserError(self.env._(
                        "%(field)s of a payment plan comes from its invoices and terms (%(expected)s); it cannot be "
                        "set to %(typed)s.", field=self._fields[name].get_description(self.env)["string"],
                        expected=currency.format(expected[name]), typed=currency.format(vals[name] or 0.0)))

    def _schedule(self):
        """The schedule the plan's terms give for what it covers, or [] before invoices and a positive balance."""
        self.ensure_one()
        if not self.move_ids or self.amount_total <= 0:
            return []
        try:
            return build_schedule(
                Decimal(str(self.amount_total)), Decimal(str(self.down_payment or 0.0)), self.instalment_count,
                self.first_date, self.interval_number, self.interval_unit, Decimal(str(self.currency_id.rounding)),
                start=self.start_date, annual_rate=Decimal(str(self.interest_rate or 0.0)),
            )
        except ScheduleError as error:
            raise UserError(self.env._("The plan's terms give no schedule: %(error)s", error=error)) from error

    def _schedule_interest(self):
        self.ensure_one()
        lines = self._schedule()
        if not lines:
            return 0.0
        return float(sum(line.amount for line in lines) - Decimal(str(self.currency_id.round(self.amount_total))))

    def _rebuild_schedule(self):
        """The draft's lines from its terms (nothing to build before invoices and a positive balance)."""
        for plan in self.filtered(lambda p: p.state == "draft").with_context(**{APPROVAL_TRANSITION: True}):
            lines = plan._schedule()
            if not lines:
                plan.line_ids = [Command.clear()]
                continue
            scheduled = sum(line.amount for line in lines)
            plan.write({
                "interest_amount": float(scheduled - Decimal(str(plan.currency_id.round(plan.amount_total)))),
                "line_ids": [Command.clear()] + [Command.create({
                    "sequence": line.sequence, "date": line.due, "amount": float(line.amount),
                }) for line in lines],
            })

    def _check_lines_editable(self):
        """The instalments of a submitted plan are what was approved: nobody changes them afterwards."""
        if self.env.context.get(APPROVAL_TRANSITION) or self.env.su:
            return
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("The instalments of a submitted payment plan stay as approved: cancel it and "
                                       "agree a new one."))

    def _interest_account(self):
        self.ensure_one()
        policy = self.customer_id._work_policies()[self.customer_id.id]
        return policy.interest_account_id or policy.interest_product_id.property_account_income_id

    def _invoice_plan_interest(self):
        """The plan's interest as an invoice of its own, covered by the plan like the others."""
        self.ensure_one()
        policy = self.customer_id._work_policies()[self.customer_id.id]
        invoice = self.env["account.move"].with_company(self.company_id).create({
            "move_type": "out_invoice", "partner_id": self.partner_id.id, "currency_id": self.currency_id.id,
            "invoice_date": self.env["collection.escalation"]._today(self.company_id),
            "invoice_date_due": self.line_ids.sorted("date")[-1:].date or self.first_date,
            "invoice_line_ids": [Command.create({
                "product_id": policy.interest_product_id.id or False,
                "account_id": self._interest_account().id,
                "name": self.env._("Interest of the payment plan of %(date)s", date=self.start_date),
                "quantity": 1, "price_unit": self.interest_amount, "tax_ids": [Command.clear()],
            })],
        })
        invoice.action_post()
        self.write({"interest_move_id": invoice.id, "move_ids": [Command.link(invoice.id)]})

    def _match_payments(self, today):
        """Allocate what was paid since the plan started to its instalments, oldest first; finish the plans paid
        in full and break those with an instalment short beyond its grace."""
        finished, broken = self.browse(), []
        for plan in self:
            residual = sum(plan.move_ids.mapped("amount_residual"))
            paid = max(Decimal(0), Decimal(str(plan.residual_at_start)) - Decimal(str(residual)))
            lines = plan.line_ids.sorted(lambda line: (line.date, line.sequence, line.id))
            covered = allocate([Decimal(str(line.amount)) for line in lines], paid)
            for line, share in zip(lines, covered, strict=True):
                values = line._matched_values(float(share), today)
                if any(line[name] != value for name, value in values.items()):
                    line.write(values)
            plan.write({"amount_paid": float(paid), "checked_on": today})
            if plan.currency_id.is_zero(residual) or all(line.state == "paid" for line in lines):
                finished |= plan
                continue
            missed = first_missed([(line.date, Decimal(str(line.amount)), share)
                                   for line, share in zip(lines, covered, strict=True)], today, plan.grace_days)
            if missed is not None:
                broken.append((plan, lines[missed]))
        finished._finish(today)
        for plan, line in broken:
            plan._break(today, line)
        files = finished.customer_id | self.browse([plan.id for plan, _line in broken]).customer_id
        if files:
            files._escalate(trigger="payment")

    def _finish(self, today):
        if not self:
            return
        self._approval_write({"state": "done", "done_on": today})
        self._end_pause(self.env._("Payment plan paid as agreed."))
        for plan in self.filtered("waive_overdue_interest"):
            moves = plan.move_ids - plan.interest_move_id
            claim = moves._collection_interest(today, raise_errors=False)
            self.env["collection.interest.waiver"].sudo().create([{
                "move_id": move.id, "share": 100.0,
                "reason": self.env._("Waived on condition of the payment plan, kept on %(date)s.", date=today),
            } for move in moves if claim.get(move.id, {}).get("gross")])
        for plan in self:
            plan.message_post(body=self.env._("The payment plan is paid as agreed."))

    def _break(self, today, line):
        """A missed instalment: acceleration, escalation resumes, the collector is told; counted as a failure of
        soft collection (history event 'plan_broken')."""
        self.ensure_one()
        remaining = self.amount_remaining
        values = {"state": "broken", "broken_on": today}
        if self.acceleration:
            values["accelerated_on"] = today
            self.line_ids.filtered(lambda line_: line_.state != "paid").write({"state": "accelerated"})
        self._approval_write(values)
        note = self.env._(
            "Instalment of %(date)s (%(amount)s) missed beyond %(grace)s days of grace: %(what)s",
            date=line.date, amount=self.currency_id.format(line.amount), grace=self.grace_days,
            what=self.env._("the whole balance of %(amount)s is due now (acceleration clause).",
                            amount=self.currency_id.format(remaining)) if self.acceleration
            else self.env._("escalation resumes."),
        )
        self._end_pause(note)
        self.env["collection.history"]._log(self, "plan_broken", note=note)
        self.message_post(body=Markup("<p>%s</p>") % note)
        self.customer_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=(self.user_id or self.customer_id.user_id).id,
            summary=self.env._("Payment plan broken: the whole balance is due"), note=note,
        )

    def _end_pause(self, note):
        pauses = self.pause_id.filtered(lambda p: p.state == "active")
        if pauses:
            pauses._end("ended", note=note)

    def _document_context(self):
        """The agreement as plain data, for the letters' payment-plan template (collection.letter.template, kind
        'payment_plan'): nothing here is a record."""
        self.ensure_one()
        currency = self.currency_id
        units = dict(self._fields["interval_unit"]._description_selection(self.env))
        return {
            "company": self.company_id.name,
            "customer": self.partner_id.name,
            "customer_vat": self.partner_id.vat or "",
            "currency": currency.name,
            "invoices": [{
                "number": move.name, "date": move.invoice_date, "due": move.invoice_date_due,
                "total": move.amount_total, "open": move.amount_residual,
            } for move in self.move_ids.sorted(lambda m: (m.invoice_date_due or m.date, m.id))],
            "total": self.amount_total,
            "down_payment": self.down_payment,
            "interest_rate": self.interest_rate,
            "interest": self.interest_amount,
            "instalments": [{"number": line.sequence, "date": line.date, "amount": line.amount,
                             "down_payment": line.sequence == 0} for line in self.line_ids],
            "instalment_count": self.instalment_count,
            "interval": f"{self.interval_number} {units.get(self.interval_unit, '')}",
            "grace_days": self.grace_days,
            "acceleration": self.acceleration,
            "overdue_interest_waived_if_kept": self.waive_overdue_interest,
            "start_date": self.start_date,
            "approved_by": self.approved_by_id.name or "",
            "approved_on": self.approved_on,
            "collector": self.user_id.name,
            "terms": self.note or "",
        }


class CollectionPaymentPlanLine(models.Model):
    _name = "collection.payment.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, sequence, id"

    plan_id = fields.Many2one("collection.payment.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(string="No.", help="0 is the down payment.")
    date = fields.Date(string="Due On", required=True)
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    paid_date = fields.Date(string="Paid On", readonly=True)
    state = fields.Selection(LINE_STATES, required=True, default="open", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.plan_id._check_lines_editable()
        return lines

    def write(self, vals):
        if LINE_TERMS & set(vals):
            self.plan_id._check_lines_editable()
        res = super().write(vals)
        if "plan_id" in vals:
            self.plan_id._check_lines_editable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        self.plan_id.filtered(lambda plan: plan.state != "draft")._check_lines_editable()

    def _matched_values(self, covered, today):
        """What the line shows once `covered` of it is paid, as of `today` (an accelerated line stays so)."""
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(covered, self.amount) >= 0:
            return {"amount_paid": self.amount, "state": "paid", "paid_date": self.paid_date or today}
        if self.state == "accelerated":
            state = "accelerated"
        elif self.date < today:
            state = "late"
        else:
            state = "partial" if not currency.is_zero(covered) else "open"
        return {"amount_paid": covered, "state": state, "paid_date": False}
