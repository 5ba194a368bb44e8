from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    collection_source = fields.Char(
        string="Holiday Source", readonly=True,
        help="The library and version a public holiday was loaded from (res.company._collection_load_holidays); "
        "empty when entered by hand.",
    )
