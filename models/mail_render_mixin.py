import re

from odoo import models

IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# The code parts of a text: inline `{{ ... }}` placeholders and QWeb `t-...` attribute values (prose is not code).
EXPRESSIONS = re.compile(r"""\{\{(.*?)\}\}|\bt-[\w-]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.DOTALL)


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    def _render_template(self, template_src, model, res_ids, engine="inline_template", add_context=None,
                         options=None):
        """A user's own text (the mail composer) renders fields with attribute access, which skips the field
        groups `read` enforces: refuse a text naming a field the user may not read on the rendered model or on a
        model it reaches. Templates (rendered unrestricted, written by their editors) are not concerned."""
        if not self._unrestricted_rendering and not self.env.su and isinstance(template_src, str) and model:
            self._check_render_field_access(template_src, model)
        return super()._render_template(template_src, model, res_ids, engine=engine, add_context=add_context,
                                        options=options)

    def _check_render_field_access(self, template_src, model):
        code = " ".join(part for match in EXPRESSIONS.findall(template_src) for part in match)
        names = set(IDENTIFIER.findall(code))
        todo, seen = [model], {model}
        while todo:
            records = self.env[todo.pop()]
            named = names & set(records._fields)
            records.check_field_access_rights("read", list(named))
            for name in named:
                comodel = records._fields[name].comodel_name
                if comodel and comodel not in seen:
                    seen.add(comodel)
                    todo.append(comodel)
