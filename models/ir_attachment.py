from odoo import api, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_collection_retention(self):
        """A file of a letter, contact log, case evidence, limitation event or write-off (its own binary fields,
        its chatter, or a write-off's evidence files) goes only when its record may go."""
        retention = self.env["collection.retention"]
        for model in retention.RETAINED_MODELS:
            res_ids = {attachment.res_id for attachment in self if attachment.res_model == model and attachment.res_id}
            if res_ids:
                retention._check_unlink(self.env[model].sudo().browse(res_ids).exists())
        retention._check_unlink(self.env["collection.write.off"].sudo().search([("attachment_ids", "in", self.ids)]))
