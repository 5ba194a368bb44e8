from odoo import api, fields, models

# The steps of a case, in order; a case moves forward to the stage of the step it reaches (filing, a hearing...).
CASE_STAGE_KINDS = [
    ("preparation", "Preparation"),
    ("lawyer_letter", "Lawyer letter"),
    ("preservation", "Preservation"),
    ("filed", "Filed"),
    ("hearing", "Hearing"),
    ("judgment", "Judgment"),
    ("enforcement", "Enforcement"),
    ("closed", "Closed"),
]
CLOSE_RESULTS = [
    ("recovered", "Recovered"),
    ("settled", "Settled"),
    ("written_off", "Written off"),
    ("lost", "Lost"),
]


class CollectionCaseStage(models.Model):
    """A column of the legal pipeline. Closed stages say how the case ended and are folded in the kanban."""

    _name = "collection.case.stage"
    _description = "Legal Case Stage"
    _order = "sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(CASE_STAGE_KINDS, required=True, default="preparation",
                            help="The step of the case this stage stands for; actions move cases to it.")
    close_result = fields.Selection(CLOSE_RESULTS, help="How a case in this closed stage ended.")
    is_closed = fields.Boolean(compute="_compute_is_closed", store=True)
    fold = fields.Boolean(string="Folded in Kanban")
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the stage between companies.")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("close_result_when_closed", "CHECK((kind = 'closed') = (close_result IS NOT NULL))",
         "A closed stage says how the case ended, and only a closed stage does."),
    ]

    # === Compute === #
    @api.depends("kind")
    def _compute_is_closed(self):
        for stage in self:
            stage.is_closed = stage.kind == "closed"
