from odoo import api, fields, models


class CollectionWorkingDay(models.Model):
    """An adjusted working day (调休): a rest day (a Saturday or Sunday) on which people work, in exchange for a day
    off next to a public holiday. It is a working day for the company's calendar, so no legal period ends on a
    following day because of it, and the chasing calendar works on it. Public holidays themselves are the global
    time off of the company's working calendar (resource.calendar.leaves); see res.company._collection_working_days.
    """

    _name = "collection.working.day"
    _description = "Adjusted Working Day"
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, index=True)
    name = fields.Char(string="Reason", required=True, help="E.g. worked in exchange for a National Day day off.")
    source = fields.Char(readonly=True, help="The library and version the day was loaded from; empty when entered "
                         "by hand.")

    _sql_constraints = [
        ("company_date_unique", "UNIQUE(company_id, date)", "This day is already an adjusted working day."),
    ]

    @api.depends("date", "name")
    def _compute_display_name(self):
        for day in self:
            day.display_name = f"{day.date or ''} {day.name or ''}".strip()
