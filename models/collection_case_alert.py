from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import legal_deadlines as legal
from ..tools.legal_deadlines import DEADLINE_KINDS

# The deadlines that become an activity as soon as they are computed (collection.case.deadline.source): every kind
# but the limitation of each invoice, which the nightly run raises at its thresholds (one activity per invoice on
# the day a case opens would flood its lawyer). The debtor's performance deadline too: enforcement is applied for
# once it passes unpaid.
COMPUTED_KINDS = tuple(kind for kind, _label in DEADLINE_KINDS if kind != "limitation")
# The key of the alert raised when a deadline is computed: no threshold, the record's deadline as it stands.
COMPUTED_SUFFIX = "computed"


class CollectionCaseAlert(models.Model):
    """The memory of the deadline alerts raised: one row (and one activity) per deadline and threshold, ever.

    The key names the kind of deadline, the record it comes from, its date and the threshold (days before): a
    deadline that moves (a new interruption) gets alerts of its own; a rerun finds its keys and raises nothing."""

    _name = "collection.case.alert"
    _description = "Legal Deadline Alert"
    _order = "id desc"
    _rec_name = "key"
    _check_company_auto = True

    # === Fields === #
    key = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    case_id = fields.Many2one("collection.case", check_company=True,
                              readonly=True, index="btree_not_null", ondelete="cascade")
    move_id = fields.Many2one("account.move", check_company=True,
                              readonly=True, index="btree_not_null", ondelete="cascade")
    kind = fields.Selection(DEADLINE_KINDS, required=True, readonly=True)
    deadline = fields.Date(required=True, readonly=True)
    threshold = fields.Integer(string="Days Before", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "This deadline alert was raised already."),
    ]

    # === Business === #
    @api.model
    def _pending_alerts(self, today):
        """Alerts due today and not raised yet, soonest deadline first: for the deadlines of open cases and for
        invoices in no open case whose limitation nears (the legal contact of the customer's policy is told)."""
        candidates = self._case_alert_candidates(today) + self._invoice_alert_candidates(today)
        if not candidates:
            return []
        raised = set(self.search([("key", "in", [c["key"] for c in candidates])]).mapped("key"))
        return sorted((c for c in candidates if c["key"] not in raised), key=lambda c: (c["deadline"], c["key"]))

    @api.model
    def action_run_legal_deadlines(self):
        """Start the legal job now, in the background (a legal manager's button): the deadline alerts due today
        and the lawyers' progress reports, as the nightly run would raise them."""
        if not self.env.user.has_group("account_collection_litigation.group_litigation_manager"):
            raise AccessError(self.env._("Only a legal manager may run the legal deadline check."))
        cron = self.env.ref("account_collection_litigation.ir_cron_collection_case_deadlines").sudo()
        cron._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Legal deadline check started"),
                "message": self.env._("The scheduled action %(cron)s runs in the background: the deadline "
                                      "activities due today appear within a few minutes.", cron=cron.name),
            },
        }

    @api.model
    def _raise_computed(self, sources):
        """An activity for each deadline of these records (court decisions) the moment it is computed, for the case's
        responsible: once per deadline and date. A deadline that moved or went away (an appeal lodged) leaves no
        open activity behind; its new date gets one of its own."""
        if not sources:
            return self.browse()
        self = self.sudo()
        deadline_model = self.env["collection.case.deadline"].sudo()
        # rows of the SQL view keep their ids when a date moves: what an earlier call read is stale in the cache
        deadline_model.invalidate_model()
        deadlines = deadline_model.search([
            ("res_model", "=", sources._name), ("res_id", "in", sources.ids), ("kind", "in", COMPUTED_KINDS),
        ])
        escalation = self.env["collection.escalation"]
        candidates = []
        for deadline in deadlines:
            today = escalation._today(deadline.company_id)
            if deadline.date < today:
                continue
            case = deadline.case_id
            candidates.append({
                "key": f"{deadline.kind}:{deadline.res_model}:{deadline.res_id}:{deadline.date}:{COMPUTED_SUFFIX}",
                "kind": deadline.kind, "deadline": deadline.date, "threshold": (deadline.date - today).days,
                "case": case, "rules": legal.preset(case.jurisdiction or "prc"),
                "company_id": case.company_id.id, "what": deadline.name or "",
            })
        current = {candidate["key"] for candidate in candidates}
        source_ids = {str(res_id) for res_id in sources.ids}
        earlier = self.search([
            ("case_id", "in", sources.case_id.ids), ("key", "=like", f"%:{sources._name}:%:{COMPUTED_SUFFIX}"),
        ]).filtered(lambda alert: alert.key.split(":")[2] in source_ids)
        earlier.filtered(lambda alert: alert.key not in current).activity_id.unlink()
        done = set(earlier.mapped("key"))
        return self._raise_alerts([candidate for candidate in candidates if candidate["key"] not in done])

    @api.model
    def _horizon(self):
        return max(max(getattr(rules, name), default=0) for rules in legal.PRESETS.values()
                   for name in set(legal.ALERT_DAYS_BY_KIND.values()))

    @api.model
    def _case_alert_candidates(self, today):
        deadlines = self.env["collection.case.deadline"].search([
            ("date", ">=", today), ("date", "<=", today + timedelta(days=self._horizon())),
            ("kind", "in", list(legal.ALERT_DAYS_BY_KIND)), ("company_id", "=", self.env.company.id),
        ])
        calendars = deadlines.company_id._collection_working_days()
        candidates = []
        for deadline in deadlines:
            case = deadline.case_id
            rules = legal.preset(case.jurisdiction or "prc")
            threshold = legal.alert_threshold(deadline.date, today, rules.alert_days(deadline.kind),
                                              calendars[deadline.company_id.id])
            if threshold is None:
                continue
            candidates.append({
                "key": f"{deadline.kind}:{deadline.res_model}:{deadline.res_id}:{deadline.date}:{threshold}",
                "kind": deadline.kind, "deadline": deadline.date, "threshold": threshold, "case": case, "rules": rules,
                "company_id": case.company_id.id, "what": deadline.name or "",
            })
        return candidates

    @api.model
    def _invoice_alert_candidates(self, today):
        moves = self.env["account.move"]._collection_limitation_candidates(
            self.env.company, self._horizon(), today=today, in_litigation=False)
        if not moves:
            return []
        figures = moves._collection_limitation()
        files = self.env["collection.customer"]._ensure_files(
            {(move.commercial_partner_id.id, move.company_id.id) for move in moves})
        file_of = {(f.partner_id.id, f.company_id.id): f for f in files}
        legal_contact = self._legal_contacts(moves)
        calendars = moves.company_id._collection_working_days()
        candidates = []
        for move in moves:
            result = figures.get(move.id)
            rules = legal.preset(move.company_id.collection_jurisdiction or "prc")
            threshold = legal.alert_threshold(result and result.deadline, today, rules.limitation_warning_days,
                                              calendars[move.company_id.id])
            if threshold is None:
                continue
            candidates.append({
                "key": f"limitation:account.move:{move.id}:{result.deadline}:{threshold}",
                "kind": "limitation", "deadline": result.deadline, "threshold": threshold, "move": move,
                "rules": rules,
                "file": file_of[(move.commercial_partner_id.id, move.company_id.id)],
                "user": legal_contact[(move.commercial_partner_id.id, move.company_id.id)],
                "company_id": move.company_id.id, "what": move.name,
            })
        return candidates

    @api.model
    def _legal_contacts(self, moves):
        """{(customer id, company id): user} told of a limitation before any case: the legal contact of the
        customer's collection policy (its supervisor, else whoever runs the job, when it names none)."""
        policy_model = self.env["collection.policy"]
        contacts = {}
        for company, company_moves in moves.grouped("company_id").items():
            partner_ids = tuple(set(company_moves.commercial_partner_id.ids))
            policy_of = policy_model._policy_ids_for_partners(partner_ids, company)
            for partner_id in partner_ids:
                policy = policy_model.browse(policy_of.get(partner_id))
                contacts[(partner_id, company.id)] = policy.legal_user_id or policy.supervisor_id or self.env.user
        return contacts

    @api.model
    def _raise_alerts(self, candidates):
        """One activity per candidate, all created at once, and the alert rows that remember them."""
        if not candidates:
            return self.browse()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        deadline_type = "account_collection_litigation.mail_activity_type_legal_deadline"
        limitation_type = "account_collection_litigation.mail_activity_type_limitation"
        file_model = self.env["ir.model"]._get_id("collection.customer")
        calendars = self.env["res.company"].browse({c["company_id"] for c in candidates})._collection_working_days()
        vals_list = []
        for candidate in candidates:
            # The activity is due on the deadline, or the working day before it: never on a day off.
            due = legal.earlier_working_day(candidate["deadline"], calendars[candidate["company_id"]])
            summary = self.env._("%(kind)s %(what)s on %(date)s (%(days)s days)", kind=kinds[candidate["kind"]],
                                 what=candidate["what"], date=candidate["deadline"], days=candidate["threshold"])
            type_xmlid = limitation_type if candidate["kind"] == "limitation" else deadline_type
            note = False
            recommend_days = candidate["rules"].recommend_action_days or 0
            if candidate["kind"] == "limitation" and candidate["threshold"] <= recommend_days:
                note = self.env._("The claim is about to be time-barred: file suit, apply for a payment order or "
                                  "for preservation, or obtain a signed acknowledgment now.")
            if candidate.get("case"):
                vals_list.append(candidate["case"]._activity_vals(type_xmlid, due, summary, note))
            else:
                file = candidate["file"]
                vals_list.append({
                    "res_model_id": file_model, "res_id": file.id, "activity_type_id": self.env.ref(type_xmlid).id,
                    "date_deadline": due, "automated": True,
                    "summary": self.env._("%(summary)s: no legal case yet", summary=summary), "note": note,
                    "user_id": candidate["user"].id,
                })
        activities = self._create_activities(vals_list)
        return self.create([{
            "key": candidate["key"], "company_id": candidate["company_id"],
            "case_id": candidate["case"].id if candidate.get("case") else False,
            "move_id": candidate["move"].id if candidate.get("move") else False,
            "kind": candidate["kind"], "deadline": candidate["deadline"], "threshold": candidate["threshold"],
            "activity_id": activity.id,
        } for candidate, activity in zip(candidates, activities, strict=True)])

    @api.model
    def _create_activities(self, vals_list):
        """Create activities in one batch. Assignees are subscribed first, once per record and user: creating the
        activities of one user on one record together would subscribe them twice."""
        if not vals_list:
            return self.env["mail.activity"]
        records = defaultdict(set)
        for vals in vals_list:
            records[(vals["res_model_id"], vals["user_id"])].add(vals["res_id"])
        for (model_id, user_id), res_ids in records.items():
            model = self.env["ir.model"].browse(model_id).sudo().model
            partner = self.env["res.users"].browse(user_id).sudo().partner_id
            self.env[model].sudo().browse(res_ids).message_subscribe(partner_ids=partner.ids)
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
