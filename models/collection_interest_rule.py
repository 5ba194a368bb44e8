from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import interest

PRESETS = [
    ("custom", "Custom"),
    ("prc_contract", "PRC: contract rate"),
    ("prc_lpr", "PRC: one-year LPR at breach × 1.5"),
    ("prc_sme", "PRC: SME payments regulation, 0.05% a day"),
    ("eu", "EU: ECB rate + 8 points, €40"),
    ("de", "Germany: base rate + 9 points, €40"),
    ("uk", "UK: base rate + 8 points, £40/£70/£100"),
]
PRESET_RULES = {
    "prc_lpr": interest.preset_prc_lpr(),
    "prc_sme": interest.preset_prc_sme(),
    "eu": interest.preset_eu(),
    "de": interest.preset_de(),
    "uk": interest.preset_uk(),
}
# The reference rate each preset reads, by code of collection.interest.rate.table, and its compensation currency.
PRESET_TABLES = {"prc_lpr": "LPR_1Y", "eu": "ECB_MRO", "de": "BBK_BASE", "uk": "BOE_BASE"}
PRESET_CURRENCIES = {"eu": "base.EUR", "de": "base.EUR", "uk": "base.GBP"}


class CollectionInterestRule(models.Model):
    """How overdue interest and late-payment compensation are computed; a policy, a customer or one invoice
    names the rule that applies to it."""

    _name = "collection.interest.rule"
    _description = "Overdue Interest Rule"
    _order = "name"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    preset = fields.Selection(PRESETS, required=True, default="custom",
                              help="The jurisdiction preset the rule was made from.")
    method = fields.Selection([
        ("none", "No interest"),
        ("fixed", "Contract rate"),
        ("reference", "Reference rate × multiplier + margin"),
        ("sme_daily", "Rate per day"),
        ("compensation_only", "Fixed compensation only"),
    ], required=True, default="fixed")
    annual_rate = fields.Float(string="Rate (% per year)", digits=(16, 4))
    daily_rate = fields.Float(string="Rate (% per day)", digits=(16, 4))
    rate_table_id = fields.Many2one("collection.interest.rate.table", string="Reference Rate")
    multiplier = fields.Float(digits=(16, 4), default=1.0)
    margin = fields.Float(string="Margin (points)", digits=(16, 4))
    reference_convention = fields.Selection([
        ("breach", "Rate in force when interest starts"),
        ("half_year_jan_jul", "Rate on 1 January / 1 July"),
        ("half_year_dec_jun", "Rate on 31 December / 30 June"),
    ], string="Rate Taken", required=True, default="breach")
    day_count = fields.Selection([("actual_365", "Actual/365"), ("actual_360", "Actual/360")],
                                 required=True, default="actual_365")
    grace_days = fields.Integer()
    start_day_after_due = fields.Boolean(string="Starts the Day After the Due Date", default=True)
    cap = fields.Selection([("none", "No cap"), ("principal", "Not above the principal"), ("amount", "Fixed amount")],
                           required=True, default="none")
    cap_amount = fields.Monetary(currency_field="cap_currency_id")
    cap_currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id,
        help="Currency the fixed cap is set in; converted into the invoice's currency at the invoice date.",
    )
    compensation = fields.Selection([
        ("none", "None"),
        ("eu_flat", "Flat amount per invoice"),
        ("uk_scale", "UK scale: 40 / 70 / 100 by invoice size"),
    ], required=True, default="none")
    compensation_amount = fields.Monetary(currency_field="compensation_currency_id", default=40.0)
    compensation_currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id,
        help="Currency the compensation is set in; converted into the invoice's currency at the invoice date.",
    )

    # === Constraints === #
    @api.constrains("method", "annual_rate", "daily_rate", "rate_table_id", "multiplier", "margin", "cap",
                    "cap_amount", "grace_days", "compensation", "compensation_amount")
    def _check_rule(self):
        for rule in self:
            if rule.method == "fixed" and not (rule.annual_rate or rule.daily_rate):
                raise ValidationError(self.env._("The interest rule %s needs a rate.", rule.name))
            if rule.method == "reference" and not rule.rate_table_id:
                raise ValidationError(self.env._("The interest rule %s needs a reference rate.", rule.name))
            if rule.method == "sme_daily" and not rule.daily_rate:
                raise ValidationError(self.env._("The interest rule %s needs a rate per day.", rule.name))
            if min(rule.annual_rate, rule.daily_rate, rule.multiplier, rule.margin, rule.grace_days,
                   rule.compensation_amount) < 0:
                raise ValidationError(self.env._(
                    "Rates, multipliers, margins, grace days and compensation of %s cannot be negative.", rule.name))
            if rule.cap == "amount" and rule.cap_amount < 0:
                raise ValidationError(self.env._("The interest cap of %s cannot be below zero.", rule.name))
            if problems := interest.validate_rule(rule._engine_rule(Decimal(0))):
                raise ValidationError("\n".join(problems))

    # === Onchange === #
    @api.onchange("preset")
    def _onchange_preset(self):
        preset = PRESET_RULES.get(self.preset)
        if not preset:
            return
        self.update({
            "method": preset.method, "daily_rate": float(preset.daily_rate), "multiplier": float(preset.multiplier),
            "margin": float(preset.margin), "reference_convention": preset.reference_convention,
            "compensation": preset.compensation, "compensation_amount": float(preset.compensation_amount),
        })
        if code := PRESET_TABLES.get(self.preset):
            self.rate_table_id = self.env["collection.interest.rate.table"].search([("code", "=", code)], limit=1)
        if xmlid := PRESET_CURRENCIES.get(self.preset):
            self.compensation_currency_id = self.env.ref(xmlid)

    # === Business === #
    def _engine_rule(self, principal, cap_amount=None):
        """The rule as plain data for the interest engine; a cap "not above the principal" needs the invoice's,
        a fixed cap is taken as given (`cap_amount`, already in the invoice's currency) or as set on the rule."""
        self.ensure_one()
        if cap_amount is None:
            cap_amount = Decimal(str(self.cap_amount))
        cap = {"none": None, "principal": principal, "amount": cap_amount}[self.cap]
        return interest.InterestRule(
            method=self.method,
            annual_rate=Decimal(str(self.annual_rate)),
            daily_rate=Decimal(str(self.daily_rate)),
            multiplier=Decimal(str(self.multiplier)),
            margin=Decimal(str(self.margin)),
            reference_convention=self.reference_convention,
            day_count=self.day_count,
            grace_days=self.grace_days,
            start_day_after_due=self.start_day_after_due,
            cap=cap,
            compensation=self.compensation,
            compensation_amount=Decimal(str(self.compensation_amount)),
        )
