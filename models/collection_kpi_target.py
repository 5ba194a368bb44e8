from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import kpi


class CollectionKpiTarget(models.Model):
    """What a collector (or the whole team, without a collector) should collect over a period, in amount and
    success rate, against what was actually collected."""

    _name = "collection.kpi.target"
    _description = "Collection Target"
    _order = "date_from desc, user_id, id"
    _check_company_auto = True

    # === Fields === #
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", index="btree_not_null", domain=[("share", "=", False)],
                              help="Leave empty for a target of the whole collection team.")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    target_amount = fields.Monetary(string="Amount to Collect", required=True)
    target_rate = fields.Float(string="Success Rate Target",
                               help="Share of the amount put into collection in the period that is collected.")
    team_target_id = fields.Many2one("collection.kpi.target", check_company=True, string="Split From", readonly=True,
                                     index="btree_not_null", ondelete="set null")
    actual_amount = fields.Monetary(string="Collected", compute="_compute_actual")
    actual_rate = fields.Float(string="Success Rate", compute="_compute_actual")
    attainment = fields.Float(compute="_compute_actual", help="Collected ÷ amount to collect.")

    _sql_constraints = [
        ("dates_ordered", "CHECK(date_to >= date_from)", "A target cannot end before it starts."),
        ("amount_positive", "CHECK(target_amount >= 0)", "A target amount cannot be negative."),
        ("rate_bounded", "CHECK(target_rate >= 0 AND target_rate <= 1)",
         "A success rate target is between 0% and 100%."),
    ]

    # === Compute === #
    @api.depends("user_id.name", "date_from", "date_to")
    def _compute_display_name(self):
        for target in self:
            who = target.user_id.name or self.env._("Team")
            target.display_name = f"{who} · {target.date_from or ''} – {target.date_to or ''}"

    @api.depends("company_id", "user_id", "date_from", "date_to")
    def _compute_actual(self):
        """Collected cash and success rate of each target's collector (or team) over its period: one grouped
        query per distinct company and period, whatever the number of targets."""
        ledger = self.env["collection.ledger"].sudo()
        by_period = defaultdict(lambda: self.browse())
        for target in self:
            if target.company_id and target.date_from and target.date_to:
                by_period[(target.company_id, target.date_from, target.date_to)] |= target
            else:
                target.update({"actual_amount": 0.0, "actual_rate": 0.0, "attainment": 0.0})
        for (company, date_from, date_to), targets in by_period.items():
            settled = ledger._settlements(company, date_from, date_to, group_by="collector")
            cohort = ledger._put_into_collection(company, date_from, date_to, group_by="collector")
            for target in targets:
                if target.user_id:
                    collected = settled.get(target.user_id.id, {}).get("collected", 0.0)
                    put, collected_from_put = cohort.get(target.user_id.id, (0.0, 0.0))
                else:
                    collected = sum(values["collected"] for values in settled.values())
                    put = sum(values[0] for values in cohort.values())
                    collected_from_put = sum(values[1] for values in cohort.values())
                target.actual_amount = collected
                target.actual_rate = kpi.success_rate(collected_from_put, put)
                target.attainment = kpi.attainment(collected, target.target_amount)

    # === Constraints === #
    @api.constrains("user_id", "date_from", "date_to", "company_id")
    def _check_overlap(self):
        for target in self:
            if self.search_count([
                ("id", "!=", target.id), ("company_id", "=", target.company_id.id),
                ("user_id", "=", target.user_id.id), ("date_from", "<=", target.date_to),
                ("date_to", ">=", target.date_from),
            ], limit=1):
                raise ValidationError(self.env._(
                    "%(who)s already has a target for a part of %(start)s – %(end)s.",
                    who=target.user_id.name or self.env._("The team"), start=target.date_from, end=target.date_to,
                ))

    # === Actions === #
    def action_fill_from_history(self):
        """Propose the amount and rate of the same-length period just before, as collected then."""
        ledger = self.env["collection.ledger"].sudo()
        for target in self:
            length = target.date_to - target.date_from
            before_to = target.date_from - timedelta(days=1)
            before_from = before_to - length
            settled = ledger._settlements(target.company_id, before_from, before_to, group_by="collector")
            cohort = ledger._put_into_collection(target.company_id, before_from, before_to, group_by="collector")
            keys = [target.user_id.id] if target.user_id else list({*settled, *cohort})
            collected = sum(settled.get(key, {}).get("collected", 0.0) for key in keys)
            put = sum(cohort.get(key, (0.0, 0.0))[0] for key in keys)
            collected_from_put = sum(cohort.get(key, (0.0, 0.0))[1] for key in keys)
            target.write({"target_amount": collected,
                          "target_rate": round(kpi.success_rate(collected_from_put, put), 4)})
        return True

    def action_split_to_collectors(self):
        """Split a team target into targets for the collectors, in proportion to the overdue amount in each one's
        hands today; collectors who already have a target for the period are left out."""
        self.ensure_one()
        if self.user_id:
            raise UserError(self.env._("Only a team target (without a collector) can be split."))
        workload = self.env["collection.customer"].sudo()._read_group(
            [("company_id", "=", self.company_id.id), ("user_id", "!=", False), ("overdue_amount", ">", 0)],
            ["user_id"], ["overdue_amount:sum"])
        total = sum(amount for _user, amount in workload)
        if not total:
            raise UserError(self.env._("No collector has overdue customers to share the target by."))
        taken = set(self.search([
            ("company_id", "=", self.company_id.id), ("user_id", "in", [user.id for user, _a in workload]),
            ("date_from", "<=", self.date_to), ("date_to", ">=", self.date_from),
        ]).user_id.ids)
        vals_list = [{
            "company_id": self.company_id.id, "user_id": user.id, "date_from": self.date_from,
            "date_to": self.date_to, "target_rate": self.target_rate, "team_target_id": self.id,
            "target_amount": self.currency_id.round(self.target_amount * amount / total),
        } for user, amount in workload if user.id not in taken]
        created = self.create(vals_list)
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "name": self.env._("Collector Targets"),
            "view_mode": "list,form", "domain": [("id", "in", created.ids)],
        }
