from odoo import api, fields, models

from ..tools.debtor import classify

DEBTOR_ABILITIES = [
    ("able", "Able to pay"),
    ("temporary", "Temporary difficulty"),
    ("unable", "Unable to pay"),
]
DEBTOR_WILLINGNESS = [
    ("cooperative", "Cooperative"),
    ("evasive", "Evasive"),
    ("bad_faith", "Bad faith"),
]
DEBTOR_CLASSES = [
    ("soft", "Soft overdue"),
    ("hard", "Hard overdue"),
]
# The codes of tools/debtor.py, worded for the collector.
DEBTOR_STRATEGIES = [
    ("standard", "Standard process: remind, agree a payment date and hold to it"),
    ("instalments", "Check the difficulty is real, then offer an instalment plan or an extension"),
    ("secure", "Secure what can be recovered (guarantee, settlement in kind, restructuring); prepare legal steps"),
    ("intensify", "Intensify (visits, supervisor, final notice); go to law if it goes on"),
    ("legal", "Lawyer letter, legal case and asset preservation; stop shipping"),
]


class CollectionDebtorAssessment(models.Model):
    """The collector's judgement of a debtor on a day: ability and willingness to pay. The latest one classifies
    the customer (soft or hard overdue) and suggests a strategy; earlier ones stay as its history."""

    _name = "collection.debtor.assessment"
    _description = "Debtor Assessment"
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    customer_id = fields.Many2one("collection.customer", string="Customer File", required=True, index=True,
                                  ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="customer_id.partner_id", store=True, string="Customer")
    company_id = fields.Many2one(related="customer_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=lambda self: self.env["collection.escalation"]._today())
    user_id = fields.Many2one("res.users", string="Assessed By", required=True, default=lambda self: self.env.user)
    ability = fields.Selection(DEBTOR_ABILITIES, string="Ability to Pay", required=True)
    willingness = fields.Selection(DEBTOR_WILLINGNESS, string="Willingness to Pay", required=True)
    note = fields.Text()
    debtor_class = fields.Selection(DEBTOR_CLASSES, string="Overdue Kind", compute="_compute_classification",
                                    store=True)
    strategy = fields.Selection(DEBTOR_STRATEGIES, string="Suggested Strategy", compute="_compute_classification",
                                store=True)

    # === Compute === #
    @api.depends("ability", "willingness")
    def _compute_classification(self):
        for assessment in self:
            if assessment.ability and assessment.willingness:
                assessment.debtor_class, assessment.strategy = classify(assessment.ability, assessment.willingness)
            else:
                assessment.debtor_class = assessment.strategy = False

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        assessments = super().create(vals_list)
        assessments.customer_id._apply_assessments()
        return assessments

    def write(self, vals):
        res = super().write(vals)
        self.customer_id._apply_assessments()
        return res
