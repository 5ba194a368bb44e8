from odoo import api, models


class CollectionCaseDeadlineSource(models.AbstractModel):
    """A record of a legal case whose dates make deadlines (court decision, preservation, hearing, enforcement,
    restriction): each deadline becomes its responsible's activity the moment it is computed, not at the next
    nightly run; a deadline that moves takes its activity with it (see collection.case.alert._raise_computed)."""

    _name = "collection.case.deadline.source"
    _description = "Legal Deadline Source"

    # The fields a deadline of the record is computed from: writing one of them may move a deadline.
    _deadline_inputs = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["collection.case.alert"]._raise_computed(records)
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._deadline_inputs.intersection(vals):
            self.env["collection.case.alert"]._raise_computed(self)
        return result
