from odoo import api, models


class CollectionLegalExplanation(models.AbstractModel):
    """Legal deadlines told in the user's language: who must act, the rule and its source (the article of the
    preset), why the day moved, and the ambiguity behind a safe-side date. The dates themselves come from
    tools/legal_deadlines.py; this only words its `Deadline` records."""

    _name = "collection.legal.explanation"
    _description = "Legal Deadline Explanation"

    @api.model
    def _explain(self, deadline, rules):
        """E.g. "Our appeal deadline (creditor): 15 days from service on 2027-03-01 [CPL (2023 rev.) art. 171];
        last day 2027-03-13 is not a working day, so the next working day, 2027-03-15 [CPL (2023 rev.) art. 85]"."""
        if deadline is None:
            return ""
        rule_text, topic = self._rule_texts(deadline)[deadline.rule]
        labels = {
            **dict(self.env["collection.case.deadline"]._fields["kind"]._description_selection(self.env)),
            "debtor_appeal": self.env._("Debtor's appeal deadline"),
            "effective": self.env._("Decision takes effect"),
            "debtor_objection": self.env._("Debtor's objection deadline"),
        }
        parties = {"creditor": self.env._("creditor"), "debtor": self.env._("debtor"), "court": self.env._("court")}
        text = self.env._("%(kind)s (%(party)s acts): %(rule)s", kind=labels[deadline.kind],
                          party=parties[deadline.party],
                          rule=rule_text)
        if source := rules.source(topic):
            text += f" [{source}]"
        if deadline.moved == "later":
            text += "; " + self.env._(
                "last day %(nominal)s is not a working day, so the next working day, %(day)s",
                nominal=deadline.nominal, day=deadline.day)
            if counting := rules.source("counting"):
                text += f" [{counting}]"
        elif deadline.moved == "earlier":
            text += "; " + self.env._(
                "%(nominal)s is not a working day, so the working day before, %(day)s (safe side)",
                nominal=deadline.nominal, day=deadline.day)
        if deadline.ambiguities:
            texts = self._ambiguity_texts(deadline)
            text += ". " + self.env._("Safe side: %(why)s", why="; ".join(texts[code] for code in deadline.ambiguities))
        return text

    @api.model
    def _rule_texts(self, deadline):
        """{rule: (text, source topic of the preset)}, worded with the deadline's figure and start."""
        n, start = deadline.figure, deadline.start or ""
        return {
            "limitation": (self.env._("the limitation period from %(start)s", start=start), "limitation"),
            "limitation_obstacle": (self.env._("6 months after the obstacle ended on %(start)s", start=start),
                                    "obstacle"),
            "long_stop": (self.env._("the long-stop period from the due date"), "long_stop"),
            "preservation_expiry": (self.env._("%(n)s year(s) from the measure of %(start)s", n=n, start=start),
                                    "preservation"),
            "preservation_expiry_ruled": (self.env._("the expiry the ruling states"), "preservation"),
            "preservation_renew": (self.env._("renewal applied for %(n)s days before the expiry on %(start)s", n=n,
                                              start=start), "preservation"),
            "suit_due": (self.env._("%(n)s days from the pre-suit measure of %(start)s", n=n, start=start),
                         "suit_due"),
            "appeal_judgment": (self.env._("%(n)s days from service on %(start)s", n=n, start=start), "appeal"),
            "appeal_ruling": (self.env._("%(n)s days from service of the ruling on %(start)s", n=n, start=start),
                              "appeal"),
            "appeal_no_domicile": (self.env._("%(n)s days from service on %(start)s (no domicile here)", n=n,
                                              start=start), "appeal"),
            "effective": (self.env._("the day after the last appeal window closed on %(start)s", start=start),
                          "effective"),
            "effective_final": (self.env._("final decision: effective on service"), "effective"),
            "objection_payment_order": (self.env._(
                "%(n)s days from the payment order's service on the debtor, %(start)s", n=n, start=start),
                "payment_order"),
            "objection_enforcement_order": (self.env._(
                "%(n)s days from the enforcement order's service on the debtor, %(start)s", n=n, start=start),
                "enforcement_order"),
            "effective_no_objection": (self.env._(
                "the day after the debtor's objection period closed on %(start)s", start=start), "enforcement_order"),
            "enforcement_order_apply": (self.env._(
                "the enforcement order, applied for once the debtor's objection period has passed and within "
                "%(n)s months of the payment order's service on %(start)s, or the order lapses", n=n, start=start),
                "enforcement_order_apply"),
            "performance_days": (self.env._("%(n)s days from taking effect on %(start)s", n=n, start=start),
                                 "performance"),
            "performance_fixed": (self.env._("the day the decision fixes"), "performance"),
            "performance_none": (self.env._("no period set: due when the decision takes effect"), "performance"),
            "enforcement_apply": (self.env._("%(n)s years from the last day of performance, %(start)s", n=n,
                                             start=start), "enforcement"),
            "termination_earliest": (self.env._("%(n)s months after the enforcement application of %(start)s", n=n,
                                                start=start), "termination"),
            "asset_recheck": (self.env._("the court's asset re-search every 6 months for 5 years after %(start)s",
                                         start=start), "termination"),
            "list_term": (self.env._("%(n)s years from the listing of %(start)s", n=n, start=start), "list_term"),
        }

    @api.model
    def _ambiguity_texts(self, deadline):
        return {
            "measure_day_counted": self.env._(
                "courts differ on whether the day of the measure counts; the earlier end is shown"),
            "debtor_service_assumed": self.env._(
                "the debtor's service date is not entered, so it is taken as ours (the earliest)"),
            "fixed_day_not_rolled": self.env._(
                "a day fixed by the decision is taken as written, not moved past a holiday (the earlier reading)"),
            "calendar_missing": self.env._(
                "the public holidays of %(year)s are not loaded: the day may move (Legal › Configuration › Public "
                "Holidays)", year=(deadline.nominal or deadline.day).year),
            "unproven_event": self.env._(
                "a later event has no proof of delivery; with proof the deadline would be later"),
            "no_roll_rule": self.env._(
                "the last day is not a working day on the company's calendar, and this jurisdiction's preset states "
                "no rule moving it to the next one: act by that day (the earlier reading)"),
        }
