from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..tools import retention

SETTLED_STATES = ("paid", "in_payment", "reversed")


class CollectionRetention(models.AbstractModel):
    """Keeps collection evidence while it may be needed: letters, proofs, contact logs, case evidence (5 years
    after the invoices are settled) and write-off files (10 years), configurable on the company. The evidence
    models and their attachments ask it before anything is deleted."""

    _name = "collection.retention"
    _description = "Collection Evidence Retention"

    # model name -> (method giving a record's invoices, company field with the years)
    RETAINED_MODELS = {
        "collection.letter": ("_retention_letter_moves", "collection_retention_years"),
        "collection.contact": ("_retention_contact_moves", "collection_retention_years"),
        "collection.case.evidence.file": ("_retention_evidence_moves", "collection_retention_years"),
        "collection.limitation.event": ("_retention_event_moves", "collection_retention_years"),
        "collection.write.off": ("_retention_write_off_moves", "collection_write_off_retention_years"),
    }

    @api.model
    def _check_unlink(self, records):
        """Raise if any of `records` (of a retained model) is still under retention."""
        if not records or records._name not in self.RETAINED_MODELS:
            return
        moves_method, years_field = self.RETAINED_MODELS[records._name]
        kept = []
        for record in records.sudo():
            moves = getattr(self, moves_method)(record)
            company = record.company_id if "company_id" in record else self.env.company
            years = company[years_field]
            settled_on = self._settled_on(moves)
            if retention.is_retained(self.env["collection.escalation"]._today(company), settled_on, years):
                until = retention.retained_until(settled_on, years)
                kept.append(self.env._("%(record)s (until %(until)s)", record=record.display_name,
                                       until=format_date(self.env, until) if until else self.env._(
                                           "its invoices are settled, then %(years)s years", years=years)))
        if kept:
            raise UserError(self.env._(
                "Collection evidence is kept for its retention period and cannot be deleted: %(records)s.",
                records="; ".join(kept)))

    @api.model
    def _check_no_history(self, records, history_field):
        """Refuse to delete invoices, customers or customer files the collection history refers to."""
        if not records:
            return
        counts = dict(self.env["collection.history"].sudo()._read_group(
            [(history_field, "in", records.ids)], [history_field], ["__count"]))
        if counts:
            raise UserError(self.env._(
                "%(records)s has a collection history (%(count)s entries): it is evidence of the chasing and "
                "cannot be deleted. Archive or cancel it instead.",
                records=", ".join(record.sudo().display_name for record in counts),
                count=sum(counts.values())))

    @api.model
    def _check_case_history(self, cases):
        """A case may be deleted while it is an empty preparation; once it holds evidence, letters, court events
        or money, it is part of the record."""
        kept = cases.sudo().filtered(lambda case: (
            case.evidence_ids.file_ids or case.hearing_ids or case.judgment_ids or case.preservation_ids
            or case.enforcement_ids or case.cost_ids or case.settlement_ids or case.write_off_ids
            or self.env["collection.letter"].search_count([("case_id", "=", case.id)], limit=1)))
        if kept:
            raise UserError(self.env._(
                "%(cases)s holds evidence, letters, court events or money: it is part of the record and cannot be "
                "deleted. Close it instead.", cases=", ".join(kept.mapped("name"))))

    @api.model
    def _settled_on(self, moves):
        """The day each invoice was settled (its last reconciliation), None while it is open."""
        days = []
        for move in moves:
            if move.payment_state not in SETTLED_STATES:
                days.append(None)
                continue
            partials = move.line_ids.matched_debit_ids | move.line_ids.matched_credit_ids
            days.append(max(partials.mapped("max_date"), default=None))
        return days

    # === The invoices of each kind of evidence === #
    @api.model
    def _retention_letter_moves(self, letter):
        return letter.line_ids.move_id

    @api.model
    def _retention_contact_moves(self, contact):
        return contact.move_ids or contact.customer_id.move_ids

    @api.model
    def _retention_evidence_moves(self, file):
        return file.evidence_id.case_id.line_ids.move_id

    @api.model
    def _retention_event_moves(self, event):
        return event.move_ids

    @api.model
    def _retention_write_off_moves(self, write_off):
        return write_off.move_ids
