"""Pure business rules of collection and litigation, with no Odoo import."""
