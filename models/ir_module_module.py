from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _update_translations(self, filter_lang=None, overwrite=False):
        """Loading a language (or installing this module in one) translates the standard policy; its copies made
        before get the new translations too."""
        res = super()._update_translations(filter_lang=filter_lang, overwrite=overwrite)
        if "account_collection_litigation" in self.mapped("name"):
            self.env["collection.policy"]._copy_template_translations()
        return res
