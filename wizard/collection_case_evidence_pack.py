from odoo import fields, models


class CollectionCaseEvidencePack(models.TransientModel):
    """A generated evidence pack, kept just long enough to be downloaded.

    The ZIP is stored in this record's own column, not as an attachment: only the legal team may read this model, so
    nobody else can fetch the pack by its id. The case's chatter keeps the pack's SHA-256."""

    _name = "collection.case.evidence.pack"
    _description = "Evidence Pack Download"

    case_id = fields.Many2one("collection.case", required=True, ondelete="cascade")
    filename = fields.Char(required=True)
    data = fields.Binary(attachment=False, required=True)
    sha256 = fields.Char(string="SHA-256")
    exhibit_count = fields.Integer()
