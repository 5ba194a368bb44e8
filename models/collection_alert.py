from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

ALERT_STATES = [
    ("open", "Open"),
    ("resolved", "Back within bounds"),
]


class CollectionAlert(models.Model):
    """A threshold crossed: raised once when a figure goes over its rule's threshold (one open alert per rule
    and subject, held by a unique index), closed by the next check that finds it back within bounds."""

    _name = "collection.alert"
    _description = "Collection Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(required=True, readonly=True)
    rule_id = fields.Many2one("collection.alert.rule", required=True, readonly=True, index=True, ondelete="cascade",
                              check_company=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind = fields.Selection(related="rule_id.kind", store=True)
    subject_key = fields.Char(required=True, readonly=True, help="What crossed: the company, a customer, a user.")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True, index="btree_not_null")
    value = fields.Float(readonly=True, digits=(16, 4))
    threshold = fields.Float(readonly=True, digits=(16, 4))
    date_start = fields.Date(string="Crossed On", required=True, readonly=True)
    date_end = fields.Date(string="Back On", readonly=True)
    state = fields.Selection(ALERT_STATES, required=True, default="open", readonly=True, tracking=True)

    def init(self):
        res = super().init()
        # "Once": at most one open alert per rule and subject, whatever runs at the same time.
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS collection_alert_open_unique ON collection_alert "
            "(rule_id, subject_key) WHERE state = 'open'"
        ))
        return res

    # === Business === #
    @api.model
    def _raise_alerts(self, rule, crossings):
        """Open an alert for each (subject key, values), tell the rule's user with an activity each."""
        if not crossings:
            return self.browse()
        today = self.env["collection.escalation"]._today(rule.company_id)
        alerts = self.sudo().create([{
            "name": self._alert_name(rule, values), "rule_id": rule.id, "company_id": rule.company_id.id,
            "subject_key": key, "partner_id": values.get("partner_id", False), "user_id": values.get("user_id", False),
            "value": values["value"], "threshold": rule.threshold, "date_start": today,
        } for key, values in crossings])
        model_id = self.env["ir.model"]._get_id(self._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.env["collection.history"]._create_activities_batch([{
            "res_model_id": model_id, "res_id": alert.id, "activity_type_id": todo.id, "user_id": rule.user_id.id,
            "automated": True, "summary": alert.name, "date_deadline": today,
        } for alert in alerts])
        return alerts

    @api.model
    def _alert_name(self, rule, values):
        if rule.kind == "overdue_rate":
            return self.env._("Overdue rate %(rate).1f%% is above %(threshold).1f%%",
                              rate=values["value"] * 100, threshold=rule.threshold * 100)
        if rule.kind == "credit_limit":
            partner = self.env["res.partner"].browse(values["partner_id"])
            currency = rule.company_id.currency_id
            return self.env._("%(customer)s owes %(balance)s, above its credit limit of %(limit)s",
                              customer=partner.display_name, balance=currency.format(values["value"]),
                              limit=currency.format(values["limit"]))
        user = self.env["res.users"].browse(values["user_id"])
        return self.env._("%(collector)s has %(count)s customers in hand, more than %(capacity)s",
                          collector=user.name, count=int(values["value"]), capacity=int(rule.threshold))

    def _resolve(self):
        if not self:
            return
        for company, alerts in self.grouped("company_id").items():
            today = self.env["collection.escalation"]._today(company)
            alerts.write({"state": "resolved", "date_end": today})
        self.activity_ids.action_feedback(feedback=self.env._("Back within bounds."))
        body = Markup("<p>%s</p>") % self.env._("Back within bounds.")
        self._message_log_batch(dict.fromkeys(self.ids, body))
