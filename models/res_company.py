import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import legal_deadlines as legal
from ..tools import retention
from .collection_case import JURISDICTIONS

_logger = logging.getLogger(__name__)

# The models that give every company its own defaults, each through `_create_company_defaults(companies)`, in this
# order (the alert rules tell a user; the matrix reads the groups; nothing depends on the policy yet).
COMPANY_DEFAULT_MODELS = ("collection.policy", "collection.authority", "collection.credit.grade",
                          "collection.alert.rule")


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "collection.policy", string="Default Collection Policy",
        domain="[('company_id', '=', id)]",
        help="Followed by customers who have neither a policy of their own nor one for their customer type.",
    )

    collection_jurisdiction = fields.Selection(
        JURISDICTIONS, string="Legal Jurisdiction", default="prc",
        help="The preset of legal periods (limitation, preservation, appeal, enforcement) of the company's claims; "
        "a case may choose another.",
    )

    # === Fields: legal money === #
    collection_write_off_journal_id = fields.Many2one(
        "account.journal", string="Write-off Journal", check_company=True,
        domain="[('type', '=', 'general')]",
        help="The journal of the bad-debt write-off entries of legal cases and invoices.",
    )
    collection_bad_debt_account_id = fields.Many2one(
        "account.account", string="Bad-debt Expense Account", check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Debited by a write-off when the company books no allowance.",
    )
    collection_use_allowance = fields.Boolean(
        string="Write Off Against an Allowance",
        help="Debit the allowance for doubtful debts instead of the bad-debt expense (the allowance was booked "
        "as an expense before).",
    )
    collection_allowance_account_id = fields.Many2one(
        "account.account", string="Allowance Account", check_company=True,
        help="The allowance for doubtful debts (a contra-receivable account) a write-off uses up.",
    )
    collection_write_off_limit = fields.Monetary(
        string="Write-off Limit", currency_field="currency_id",
        help="Above this amount (company currency) a write-off needs a second legal manager's approval. "
        "0: every write-off needs one.",
        default=50_000.0,
    )
    collection_case_review_months = fields.Integer(
        string="Cost-benefit Review Every (Months)", default=6,
        help="Each open legal case gets a cost-benefit review activity this often; 0: no review.",
    )
    collection_expected_recovery_rate = fields.Float(
        string="Expected Recovery Rate (%)", default=60.0, digits=(5, 2),
        help="The share of a claim a new case is expected to recover; each case may set its own.",
    )

    # === Fields: retention of evidence === #
    collection_retention_years = fields.Integer(
        string="Keep Collection Evidence (Years)", default=retention.DEFAULT_YEARS,
        help="Letters, proofs, contact logs and case evidence are kept this many years after their invoices are "
        "settled, and cannot be deleted before.",
    )
    collection_write_off_retention_years = fields.Integer(
        string="Keep Write-off Files (Years)", default=retention.DEFAULT_WRITE_OFF_YEARS,
        help="The evidence of a write-off is kept this many years after its invoices are settled.",
    )

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self._collection_create_defaults(companies)
        return companies

    # === Business === #
    @api.model
    def _collection_create_defaults(self, companies=None):
        """The addon's per-company defaults (policy, authority matrix, credit grades, alert rules) for these
        companies, all of them by default: the data step of the install and of each update calls it so, and
        `create` for each new company. Each model creates only what a company lacks, so a rerun adds nothing;
        nothing is ever created while a record is read."""
        companies = (companies or self.sudo().search([], limit=None)).sudo()
        for model in COMPANY_DEFAULT_MODELS:
            self.env[model].sudo()._create_company_defaults(companies)

    # === Business: the working-day calendar === #
    def _collection_working_days(self, date_from=None, date_to=None):
        """{company id: tools.legal_deadlines.OffDays}: THE working-day calendar of each company, read by the
        escalation's business days, the chasing calendar's quiet days and every legal deadline.

        Rest weekdays are those the company's working calendar has no attendance on (Saturday and Sunday for a
        calendar without one); holidays are the calendar's global time off (public holidays loaded by
        `_collection_load_holidays`, or entered by hand), as days of the calendar's time zone; adjusted working days
        (调休) are `collection.working.day` rows. Limited to date_from..date_to (inclusive) when given."""
        leave_domain = [("resource_id", "=", False), ("company_id", "in", self.ids), "|",
                        ("calendar_id", "in", self.resource_calendar_id.ids), ("calendar_id", "=", False)]
        day_domain = [("company_id", "in", self.ids)]
        # A day of any time zone lies within a day of UTC either side.
        if date_from:
            leave_domain.append(("date_to", ">=", datetime.combine(date_from - timedelta(days=1), time.min)))
            day_domain.append(("date", ">=", date_from))
        if date_to:
            leave_domain.append(("date_from", "<=", datetime.combine(date_to + timedelta(days=1), time.max)))
            day_domain.append(("date", "<=", date_to))
        holidays, years = defaultdict(set), defaultdict(set)
        for leave in self.env["resource.calendar.leaves"].sudo().search(leave_domain):
            tz = pytz.timezone((leave.calendar_id or leave.company_id.resource_calendar_id).tz or "UTC")
            day = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            while day <= last:
                if (not date_from or day >= date_from) and (not date_to or day <= date_to):
                    holidays[leave.company_id.id].add(day)
                    years[leave.company_id.id].add(day.year)
                day += timedelta(days=1)
        workdays = defaultdict(set)
        for row in self.env["collection.working.day"].sudo().search_read(day_domain, ["company_id", "date"]):
            workdays[row["company_id"][0]].add(row["date"])
        result = {}
        for company in self:
            attendances = company.sudo().resource_calendar_id.attendance_ids.filtered(
                lambda a: not a.resource_id and a.display_type != "line_section")
            working = {int(a.dayofweek) for a in attendances} or {0, 1, 2, 3, 4}
            result[company.id] = legal.OffDays(
                holidays=frozenset(holidays[company.id]), workdays=frozenset(workdays[company.id]),
                rest_weekdays=frozenset(set(range(7)) - working), years=frozenset(years[company.id]))
        return result

    def _collection_load_holidays(self, years):
        """Load the public holidays of each company's country for `years` into its working calendar's global time
        off (`holidays` library), and China's adjusted working days (`chinese-calendar`, which also completes the
        holidays with the State Council's full holiday spans). Idempotent: a day already off or already a working
        day is left as it is, edits by hand included. Returns {company: number of days created}."""
        import chinese_calendar  # noqa: PLC0415 - external dependencies, imported where they are used
        import holidays as holiday_lib  # noqa: PLC0415

        created = {}
        for company in self.sudo():
            calendar, code = company.resource_calendar_id, company.country_id.code
            if not calendar or not code:
                continue
            try:
                public = holiday_lib.country_holidays(code, years=years)
            except NotImplementedError:
                _logger.info("No public holidays known for country %s", code)
                continue
            source = f"holidays {holiday_lib.__version__} ({code})"
            days = {day: (name, source) for day, name in public.items()}
            extra_workdays = {}
            if code == "CN":
                cc_source = f"chinese-calendar {chinese_calendar.__version__}"
                for day, name in chinese_calendar.constants.holidays.items():
                    if day.year in years:
                        days.setdefault(day, (name, cc_source))
                extra_workdays = {day: (name, cc_source) for day, name in chinese_calendar.constants.workdays.items()
                                  if day.year in years}
            first, last = min((*days, *extra_workdays), default=None), max((*days, *extra_workdays), default=None)
            if first is None:
                continue
            known = company._collection_working_days(first, last)[company.id]
            tz = pytz.timezone(calendar.tz or "UTC")

            def utc(day, moment, tz=tz):
                return tz.localize(datetime.combine(day, moment)).astimezone(pytz.utc).replace(tzinfo=None)

            leaves = [{
                "name": name, "calendar_id": calendar.id, "company_id": company.id, "time_type": "leave",
                "date_from": utc(day, time.min), "date_to": utc(day, time(23, 59, 59)), "collection_source": src,
            } for day, (name, src) in sorted(days.items()) if day not in known.holidays]
            workdays = [{"company_id": company.id, "date": day, "name": name, "source": src}
                        for day, (name, src) in sorted(extra_workdays.items()) if day not in known.workdays]
            self.env["resource.calendar.leaves"].sudo().create(leaves)
            self.env["collection.working.day"].sudo().create(workdays)
            created[company] = len(leaves) + len(workdays)
        return created

    @api.model
    def _cron_collection_load_holidays(self):
        """Yearly (and at install): the public holidays of every company with a country, and adjusted working days."""
        self.search([("partner_id.country_id", "!=", False)])._collection_load_holidays_this_year()

    def _collection_load_holidays_this_year(self):
        """This year's and next year's, each company on its own clock; {company: days created}."""
        escalation = self.env["collection.escalation"]
        created = {}
        for company in self:
            year = escalation._today(company).year
            created.update(company._collection_load_holidays([year, year + 1]))
        return created

    def action_collection_load_holidays(self):
        """The legal manager's button: load now, and say how many days were added."""
        if not self.env.user.has_group("account_collection_litigation.group_litigation_manager"):
            raise AccessError(self.env._("Only a legal manager loads the public holidays."))
        created = self._collection_load_holidays_this_year()
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": self.env._(
                "%(count)s public holidays and adjusted working days added for %(companies)s.",
                count=sum(created.values()), companies=", ".join(self.mapped("name")))}}
