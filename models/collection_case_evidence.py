import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.evidence_pack import sha256_hex
from .collection_evidence_template import EVIDENCE_CATEGORIES


class CollectionCaseEvidence(models.Model):
    """One item of a case's evidence checklist: required or not, provided or not, with its files."""

    _name = "collection.case.evidence"
    _description = "Legal Case Evidence Item"
    _order = "case_id, sequence, id"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True)
    category = fields.Selection(EVIDENCE_CATEGORIES, required=True, default="other")
    required = fields.Boolean(default=True)
    held_offline = fields.Boolean(string="Original Held Offline",
                                  help="The original is on paper (e.g. with the lawyer): the item counts as provided.")
    provided = fields.Boolean(compute="_compute_provided", store=True)
    file_ids = fields.One2many("collection.case.evidence.file", "evidence_id", string="Files")
    file_count = fields.Integer(compute="_compute_provided", store=True)
    note = fields.Text()

    # === Compute === #
    @api.depends("file_ids", "held_offline")
    def _compute_provided(self):
        for item in self:
            item.file_count = len(item.file_ids)
            item.provided = bool(item.file_ids) or item.held_offline


class CollectionCaseEvidenceFile(models.Model):
    """A file of evidence, fingerprinted (SHA-256) and dated when added; it is never changed afterwards.

    The file is an attachment of this record (field `datas`), so only those who may read the evidence read it."""

    _name = "collection.case.evidence.file"
    _description = "Legal Case Evidence File"
    _order = "evidence_id, id"
    _check_company_auto = True

    # === Fields === #
    evidence_id = fields.Many2one("collection.case.evidence", check_company=True,
                                  required=True, index=True, ondelete="cascade")
    case_id = fields.Many2one(related="evidence_id.case_id", store=True, index=True)
    company_id = fields.Many2one(related="evidence_id.company_id", store=True, index=True)
    name = fields.Char(string="File Name", required=True)
    datas = fields.Binary(string="File", attachment=True, required=True)
    sha256 = fields.Char(string="SHA-256", readonly=True, copy=False)
    file_size = fields.Integer(readonly=True)
    added_on = fields.Datetime(readonly=True, default=fields.Datetime.now)
    added_by_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    source_ref = fields.Reference(selection="_selection_source_models", string="Source Document",
                                  help="The letter, history or document this file comes from.")
    note = fields.Char()

    @api.model
    def _selection_source_models(self):
        """The documents a limitation event may come from, and the visits whose photos are offered as evidence."""
        visit = self.env["ir.model"].sudo()._get("collection.visit")
        return self.env["collection.case.interruption"]._selection_source_models() + [(visit.model, visit.name)]

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            raw = base64.b64decode(vals.get("datas") or b"")
            if not raw:
                raise UserError(self.env._("An evidence file cannot be empty."))
            vals.update(sha256=sha256_hex(raw), file_size=len(raw))
            vals.pop("added_on", None)
            vals.pop("added_by_id", None)
        return super().create(vals_list)

    def write(self, vals):
        if {"datas", "sha256", "file_size", "added_on", "added_by_id", "evidence_id"} & set(vals):
            raise UserError(self.env._("Evidence files are not changed once added: add the new version as a file."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_retained(self):
        self.env["collection.retention"]._check_unlink(self)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        if filed := self.filtered(lambda f: f.case_id.filing_date):
            raise UserError(self.env._("%(files)s belong to a filed case: they stay on record.",
                                       files=", ".join(filed.mapped("name"))))
