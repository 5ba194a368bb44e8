from odoo import api, models

COLLECTOR_GROUP = "account_collection_litigation.group_collection_collector"
WORKLIST_ACTION = "account_collection_litigation.collection_worklist_action_my"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """A new collector lands on their worklist, not on Discuss: their home action, unless one is given.
        Existing users (the administrator among them) keep theirs."""
        users = super().create(vals_list)
        action = self.env.ref(WORKLIST_ACTION, raise_if_not_found=False)
        if action:
            collectors = users.filtered(lambda u: not u.action_id and not u.share and u._has_group(COLLECTOR_GROUP))
            collectors.sudo().write({"action_id": action.id})
        return users
