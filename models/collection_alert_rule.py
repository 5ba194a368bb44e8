from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from ..tools import kpi

_lt = LazyTranslate(__name__)

ALERT_KINDS = [
    ("overdue_rate", "Overdue rate above"),
    ("credit_limit", "Customer above its credit limit"),
    ("collector_capacity", "Collector over capacity"),
]


# The rules every company starts with: (name, kind, threshold).
DEFAULT_RULES = [
    (_lt("Overdue rate above 15%"), "overdue_rate", 0.15),
    (_lt("Customer above its credit limit"), "credit_limit", 0.0),
    (_lt("Collector with more than 150 customers"), "collector_capacity", 150.0),
]


class CollectionAlertRule(models.Model):
    """A threshold the collection manager sets: when it is crossed, an alert (collection.alert) is raised once,
    with an activity for the person to tell, and closed by itself when the figure is back within bounds."""

    _name = "collection.alert.rule"
    _description = "Collection Alert Rule"
    _order = "company_id, kind, id"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    kind = fields.Selection(ALERT_KINDS, required=True)
    threshold = fields.Float(
        required=True, digits=(16, 4),
        help="Overdue rate: the highest acceptable share (0.15 for 15%). Credit limit: the share above the limit "
             "tolerated (0: any excess). Collector capacity: the most customers with open invoices per collector.",
    )
    user_id = fields.Many2one("res.users", string="Tell", required=True, domain=[("share", "=", False)],
                              default=lambda self: self.env.user, help="Who gets the alert's activity.")
    alert_ids = fields.One2many("collection.alert", "rule_id", string="Alerts")
    open_alert_count = fields.Integer(compute="_compute_open_alert_count", string="Open Alerts")

    _sql_constraints = [
        ("threshold_positive", "CHECK(threshold >= 0)", "A threshold cannot be negative."),
    ]

    # === Compute === #
    def _compute_open_alert_count(self):
        counts = dict(self.env["collection.alert"]._read_group(
            [("rule_id", "in", self.ids), ("state", "=", "open")], ["rule_id"], ["__count"]))
        for rule in self:
            rule.open_alert_count = counts.get(rule, 0)

    # === Constraints === #
    @api.constrains("kind", "threshold")
    def _check_threshold(self):
        for rule in self:
            if rule.kind == "overdue_rate" and rule.threshold > 1:
                raise ValidationError(self.env._("An overdue rate threshold is a share between 0% and 100%."))

    # === Business: defaults === #
    @api.model
    def _create_company_defaults(self, companies):
        """The default rules for each of these companies that has none, archived ones included (from res.company:
        install, update, a new company), named in every installed language; the administrator is told."""
        having = set(self.with_context(active_test=False).search([("company_id", "in", companies.ids)]).company_id.ids)
        companies = companies.filtered(lambda c: c.id not in having)
        if not companies:
            return self.browse()
        user = self.env.user
        if user._is_superuser():   # install and update: the administrator rather than the system user
            user = self.env.ref("base.user_admin", raise_if_not_found=False) or user
        rules = self.with_context(lang="en_US").create([
            {"name": self.with_context(lang="en_US").env._(name), "company_id": company.id, "kind": kind,
             "threshold": threshold, "user_id": user.id}
            for company in companies for name, kind, threshold in DEFAULT_RULES
        ])
        for lang, _label in self.env["res.lang"].get_installed():
            if lang != "en_US":
                env = self.with_context(lang=lang).env
                for name, kind, _threshold in DEFAULT_RULES:
                    rules.filtered(lambda r, kind=kind: r.kind == kind).with_env(env).name = env._(name)
        return rules

    # === Actions === #
    def action_check_now(self):
        self.env["account.move"]._collection_check_team()
        self.sudo()._check_rules()
        return True

    # === Cron === #
    @api.model
    def _cron_check_alerts(self):
        rules = self.sudo().search([], limit=None)   # a handful per company
        self.env["collection.batch.runner"]._run(
            rules, lambda batch: batch._check_rules(), "account_collection_litigation.ir_cron_collection_alerts")
        self.env["ir.cron"]._notify_progress(done=len(rules), remaining=0)

    # === Business === #
    def _check_rules(self):
        """Raise an alert for each subject newly over its rule's threshold, close those back within it."""
        alert_model = self.env["collection.alert"].sudo()
        for rule in self:
            crossing = rule._crossings()
            open_alerts = alert_model.search([("rule_id", "=", rule.id), ("state", "=", "open")])
            open_keys = {alert.subject_key: alert for alert in open_alerts}
            back = open_alerts.filtered(lambda alert, crossing=crossing: alert.subject_key not in crossing)
            back._resolve()
            alert_model._raise_alerts(rule, [(key, values) for key, values in crossing.items()
                                             if key not in open_keys])

    def _crossings(self):
        """{subject key: alert values} of the subjects over the threshold now."""
        self.ensure_one()
        company = self.company_id
        today = self.env["collection.escalation"]._today(company)
        if self.kind == "overdue_rate":
            gross, overdue = self.env["collection.ledger"]._open_and_overdue(company, [today])[today]
            rate = kpi.overdue_rate(overdue, gross)
            return {"company": {"value": rate}} if rate > self.threshold else {}
        if self.kind == "credit_limit":
            return self._credit_limit_crossings(company, today)
        workload = self.env["collection.customer"].sudo()._read_group(
            [("company_id", "=", company.id), ("open_count", ">", 0), ("user_id", "!=", False)],
            ["user_id"], ["__count"])
        return {f"user:{user.id}": {"user_id": user.id, "value": count}
                for user, count in workload if count > self.threshold}

    def _credit_limit_crossings(self, company, today):
        # only customers with a credit limit can cross it: the aging reads their lines, not the whole ledger
        limited = self.env["res.partner"].sudo().with_company(company).search([("credit_limit", ">", 0)])
        if not limited:
            return {}
        balances = {row["partner_id"]: row["total"] for row in self.env["collection.ledger"]._aging_as_of(
            company, today, partner_ids=limited.ids) if row["partner_id"] and row["total"] > 0}
        partners = limited.filtered(lambda partner: partner.id in balances)
        return {
            f"partner:{partner.id}": {"partner_id": partner.id, "value": balances[partner.id],
                                      "limit": partner.credit_limit}
            for partner in partners if balances[partner.id] > partner.credit_limit * (1 + self.threshold)
        }
