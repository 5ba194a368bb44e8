from odoo import api, fields, models

from .collection_letter_template import lang_selection

PHRASE_CATEGORIES = [
    ("threat", "Threat or harassment"),
    ("false_authority", "False authority"),
    ("exaggeration", "Exaggerated consequence"),
    ("disclosure", "Disclosure to third parties"),
]


class CollectionLetterPhrase(models.Model):
    """A phrase that uploaded letter templates are checked for: a hit needs a collection manager's acceptance.

    Collection letters must state consequences truthfully: no threats, no pretending to be an authority, no
    exaggerated consequences, no disclosure of the debt to third parties."""

    _name = "collection.letter.phrase"
    _description = "Collection Letter Compliance Phrase"
    _order = "lang, category, phrase"
    _rec_name = "phrase"

    # === Fields === #
    phrase = fields.Char(required=True, help="Matched anywhere in the template's text, ignoring case and spacing.")
    lang = fields.Selection(selection=lang_selection, string="Language", required=True, default="en_US")
    category = fields.Selection(PHRASE_CATEGORIES, required=True, default="threat")
    note = fields.Char(help="Why the phrase is a problem, or what to write instead.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("phrase_lang_unique", "UNIQUE(phrase, lang)", "This phrase is already listed for this language."),
    ]

    # === Business === #
    @api.model
    def _for_lang(self, lang):
        """Phrases of a language, including those of the same language in another country (zh_CN, zh_TW)."""
        phrases = self.search([("lang", "=like", f"{(lang or 'en_US')[:2]}%")])
        return phrases

    def _category_label(self):
        self.ensure_one()
        return dict(self._fields["category"]._description_selection(self.env))[self.category]
