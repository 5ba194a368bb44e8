from odoo import models
from odoo.models import fix_import_export_id_paths


class Base(models.AbstractModel):
    _inherit = "base"

    def export_data(self, fields_to_export):
        """Odoo's export reads each path's fields without the field groups `read` enforces, so a user could export
        what no view or `read` shows them (a sales rep, the next collection action): check every step of every
        path as `read` would before exporting."""
        self._check_export_field_access(fields_to_export)
        return super().export_data(fields_to_export)

    def _check_export_field_access(self, fields_to_export):
        for path in fields_to_export:
            model = self
            for name in fix_import_export_id_paths(path):
                field = model._fields.get(name)
                if field is None:      # "id", ".id" or a property: nothing more to walk
                    break
                model.check_field_access_rights("read", [name])
                if not field.relational:
                    break
                model = self.env[field.comodel_name]
