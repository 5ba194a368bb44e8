# ruff: noqa: E501  (the Chinese texts are wide)
"""Texts and layout of the court documents built by build_letter_templates.py: statement of claim (民事起诉状),
preservation application (财产保全申请书), enforcement application (强制执行申请书) and evidence index (证据目录).

They are filled from the `case` variable of the letter context (tools/docx_render.py CONTEXT_KEYS); amounts are
formatted and dates written out by the engine. The legal references are to the Civil Code of the PRC (Arts 577,
579, 626: liability for breach, a monetary debt, the buyer's duty to pay the price); procedure articles are named
by subject, not by number, because their numbering changed with the 2021 and 2023 revisions.
"""

COURT_KINDS = ("statement_of_claim", "preservation_application", "enforcement_application", "evidence_index")

PARTY = {
    "en_US": ("{role}: {{{{ case.{who}.name }}}}{{% if case.{who}.address %}}, of {{{{ case.{who}.address }}}}{{% endif %}}"
              "{{% if case.{who}.vat %}}, unified social credit code {{{{ case.{who}.vat }}}}{{% endif %}}."),
    "zh_CN": ("{role}：{{{{ case.{who}.name }}}}{{% if case.{who}.address %}}，住所地：{{{{ case.{who}.address }}}}{{% endif %}}"
              "{{% if case.{who}.vat %}}，统一社会信用代码：{{{{ case.{who}.vat }}}}{{% endif %}}。"),
}
REPRESENTATIVE = {
    "en_US": "Legal representative: {{{{ case.{who}.representative or '______________' }}}}, position: ______________{{% if case.{who}.phone %}}; telephone: {{{{ case.{who}.phone }}}}{{% endif %}}.",
    "zh_CN": "法定代表人：{{{{ case.{who}.representative or '______________' }}}}，职务：______________{{% if case.{who}.phone %}}，联系电话：{{{{ case.{who}.phone }}}}{{% endif %}}。",
}
AGENT = {
    "en_US": "Authorised agent: {{ case.lawyer.name }}{% if case.law_firm.name %}, lawyer at {{ case.law_firm.name }}{% endif %}{% if case.lawyer.phone %}, telephone {{ case.lawyer.phone }}{% endif %}.",
    "zh_CN": "委托诉讼代理人：{{ case.lawyer.name }}{% if case.law_firm.name %}，{{ case.law_firm.name }}律师{% endif %}{% if case.lawyer.phone %}，联系电话：{{ case.lawyer.phone }}{% endif %}。",
}
ROLES = {
    "statement_of_claim": {"en_US": ("Plaintiff", "Defendant"), "zh_CN": ("原告", "被告")},
    "preservation_application": {"en_US": ("Applicant", "Respondent"), "zh_CN": ("申请人", "被申请人")},
    "enforcement_application": {"en_US": ("Applicant for enforcement", "Person subject to enforcement"),
                                "zh_CN": ("申请执行人", "被执行人")},
    "evidence_index": {"en_US": ("Submitted by (plaintiff)", "Defendant"), "zh_CN": ("提交人（原告）", "被告")},
}
TITLES = {
    "en_US": {"statement_of_claim": "Statement of Claim", "preservation_application": "Application for Property Preservation",
              "enforcement_application": "Application for Enforcement", "evidence_index": "Evidence Index"},
    "zh_CN": {"statement_of_claim": "民事起诉状", "preservation_application": "财产保全申请书",
              "enforcement_application": "强制执行申请书", "evidence_index": "证据目录"},
}
WORDS = {
    "en_US": {
        "case_line": "Case: {{ case.court_case_number or '(number to be assigned)' }} · our reference {{ case.reference }}",
        "claims": "Claims", "facts": "Facts and Reasons", "requests": "Requests", "basis": "Basis for enforcement",
        "to": "To: {% if case.court.name %}{{ case.court.name }}{% else %}______________ People's Court{% endif %}",
        "signer": "{{ case.creditor.name }} (company seal)",
        "legal_rep_sign": "Legal representative (signature): ______________",
        "date": "Date: {{ letter.date }}",
        "total": "Total claimed: {{ case.currency }} {{ case.claim.total }} (in words: {{ case.claim.total_words }}).",
        "invoice_columns": ("Invoice", "Contract", "Invoice date", "Due date", "Invoice amount", "Claimed", "Interest"),
        "invoice_list": "Invoices claimed: {% for inv in case.invoices %}{{ inv.number }}{% if not loop.last %}, {% endif %}{% endfor %}.",
        "enclosures": "Enclosures: copies of this statement for the defendant; evidence index and evidence; certificate of the plaintiff's registration and identity of its legal representative.",
    },
    "zh_CN": {
        "case_line": "案号：{{ case.court_case_number or '（待立案）' }}　我方编号：{{ case.reference }}",
        "claims": "诉讼请求", "facts": "事实与理由", "requests": "请求事项", "basis": "执行依据",
        "to": "此致\n{{ case.court.name or '______________人民法院' }}",
        "signer": "{{ case.creditor.name }}（盖章）",
        "legal_rep_sign": "法定代表人（签字）：______________",
        "date": "{{ letter.date }}",
        "total": "以上合计：{{ case.currency }} {{ case.claim.total }}（大写：{{ case.claim.total_words }}）。",
        "invoice_columns": ("发票号码", "合同编号", "开票日期", "到期日", "发票金额", "主张金额", "利息"),
        "invoice_list": "涉案发票：{% for inv in case.invoices %}{{ inv.number }}{% if not loop.last %}、{% endif %}{% endfor %}。",
        "enclosures": "附：本起诉状副本一份；证据目录及证据材料；原告营业执照复印件及法定代表人身份证明书。",
    },
}

CLAIM_ITEMS = {
    "en_US": [
        "1. Order the defendant to pay the plaintiff the unpaid price of {{ case.currency }} {{ case.claim.principal }} under the invoices listed below;",
        "2. Order the defendant to pay interest on late payment of {{ case.currency }} {{ case.claim.interest }}, computed up to {{ case.claim.interest_as_of }}, and further interest on the unpaid price from the next day until it is paid in full"
        "{% if case.claim.has_compensation %}, with recovery compensation of {{ case.currency }} {{ case.claim.compensation }}{% endif %}"
        "{% if case.claim.has_penalty %}, and the contractual penalty of {{ case.currency }} {{ case.claim.penalty }}{% endif %}"
        "{% if case.claim.has_fees %}, and the lawyer's fees of {{ case.currency }} {{ case.claim.fees }}{% endif %};",
        "3. Order the defendant to bear the court fees, the preservation fee and the other costs of this case{% if case.claim.has_costs %} (so far {{ case.currency }} {{ case.claim.costs }}){% endif %}.",
    ],
    "zh_CN": [
        "一、判令被告向原告支付货款{{ case.currency }} {{ case.claim.principal }}；",
        "二、判令被告向原告支付逾期付款利息{{ case.currency }} {{ case.claim.interest }}（暂计至{{ case.claim.interest_as_of }}，此后以未付货款为基数继续计算至实际清偿之日止）"
        "{% if case.claim.has_compensation %}、追偿费用补偿{{ case.currency }} {{ case.claim.compensation }}{% endif %}"
        "{% if case.claim.has_penalty %}、违约金{{ case.currency }} {{ case.claim.penalty }}{% endif %}"
        "{% if case.claim.has_fees %}、律师费{{ case.currency }} {{ case.claim.fees }}{% endif %}；",
        "三、判令被告承担本案诉讼费、保全费等全部诉讼费用{% if case.claim.has_costs %}（暂计{{ case.currency }} {{ case.claim.costs }}）{% endif %}。",
    ],
}
INTEREST_BASIS = {
    "en_US": "How the interest is computed:", "zh_CN": "利息计算依据：",
}
FACTS = {
    "en_US": [
        "The plaintiff and the defendant have a contract for the sale of goods. The plaintiff delivered the goods as agreed and issued the invoices below; the defendant has not paid them by their due dates. The price still unpaid is {{ case.currency }} {{ case.claim.principal }}:",
    ],
    "zh_CN": [
        "原告与被告之间存在买卖合同关系。原告依约向被告交付货物并开具下列发票，被告未按约定期限支付货款。截至本诉状提交之日，被告尚欠货款{{ case.currency }} {{ case.claim.principal }}，明细如下：",
    ],
}
DEMANDS = {
    "en_US": ("The plaintiff demanded payment repeatedly, in particular:",
              "On {{ dl.date }} the plaintiff sent the defendant its {{ dl.kind }} (reference {{ dl.reference }}){% if dl.delivery_date %}, delivered on {{ dl.delivery_date }}{% if dl.proof %} with proof of delivery{% endif %}{% endif %}.",
              "The defendant has still not paid."),
    "zh_CN": ("原告多次向被告催讨，其中：",
              "{{ dl.date }}，原告向被告发出《{{ dl.kind }}》（编号：{{ dl.reference }}）{% if dl.delivery_date %}，被告于{{ dl.delivery_date }}签收{% if dl.proof %}，有送达凭证为证{% endif %}{% endif %}。",
              "被告至今仍未付款。"),
}
LAW = {
    "en_US": "The defendant's failure to pay the price when due is a breach of contract. Under Articles 577, 579 and 626 of the Civil Code of the People's Republic of China the defendant must pay the price and bear liability for the breach, including interest on late payment. The plaintiff therefore brings this action under the Civil Procedure Law and asks the court to grant the claims above.",
    "zh_CN": "被告逾期不支付货款的行为已构成违约。根据《中华人民共和国民法典》第五百七十七条、第五百七十九条、第六百二十六条之规定，被告应当支付货款并承担逾期付款利息等违约责任。为维护原告的合法权益，原告依据《中华人民共和国民事诉讼法》的相关规定向贵院提起诉讼，请求贵院依法支持原告的诉讼请求。",
}

PRESERVATION = {
    "en_US": {
        "request": "The applicant asks the court to freeze the respondent's bank deposits of {{ case.currency }} {{ case.preservation.amount }} (in words: {{ case.preservation.amount_words }}), or to seize or attach other property of the respondent of equal value, including the property listed below.",
        "assets_intro": "Property of the respondent known to the applicant:",
        "asset_columns": ("No.", "Type of property", "Description and location", "Amount"),
        "facts": "The applicant has sued{% if case.court_case_number %} (case {{ case.court_case_number }}){% endif %} the respondent for the unpaid price of goods sold under a sale contract, claiming {{ case.currency }} {{ case.claim.total }} (in words: {{ case.claim.total_words }}). The respondent has not paid despite repeated demands, and there is a risk that it transfers or conceals its property, which would make a judgment difficult or impossible to enforce. The applicant therefore applies for property preservation under the provisions of the Civil Procedure Law on preservation.",
        "security_yes": "Security offered: {{ case.currency }} {{ case.preservation.security_amount }}, in the form of {% for m in case.preservations %}{% if m.security_label %}{{ m.security_label }}{% if not loop.last %}; {% endif %}{% endif %}{% endfor %}. The applicant will bear the losses caused by a wrongful application.",
        "security_no": "The applicant will provide the security the court requires (cash deposit, bank guarantee or preservation insurance: ______________) and will bear the losses caused by a wrongful application.",
    },
    "zh_CN": {
        "request": "请求依法冻结被申请人名下银行存款{{ case.currency }} {{ case.preservation.amount }}（大写：{{ case.preservation.amount_words }}），或查封、扣押、冻结被申请人其他等值财产，包括下列财产。",
        "assets_intro": "申请人已知的被申请人财产线索：",
        "asset_columns": ("序号", "财产类型", "财产名称及所在地", "金额"),
        "facts": "申请人与被申请人买卖合同纠纷一案{% if case.court_case_number %}（案号：{{ case.court_case_number }}）{% endif %}，申请人请求被申请人支付货款、利息等合计{{ case.currency }} {{ case.claim.total }}（大写：{{ case.claim.total_words }}）。经申请人多次催讨，被申请人仍拒不付款，且存在转移、隐匿财产的可能，可能导致将来生效判决难以执行或者无法执行。为保障申请人的合法权益，申请人依据《中华人民共和国民事诉讼法》关于财产保全的规定，特向贵院提出财产保全申请。",
        "security_yes": "申请人提供担保：担保金额{{ case.currency }} {{ case.preservation.security_amount }}，担保方式：{% for m in case.preservations %}{% if m.security_label %}{{ m.security_label }}{% if not loop.last %}；{% endif %}{% endif %}{% endfor %}。如因申请错误给被申请人造成损失，申请人愿意承担赔偿责任。",
        "security_no": "申请人愿意按照贵院要求提供相应担保（现金、银行保函或诉讼财产保全责任保险：______________），如因申请错误给被申请人造成损失，申请人愿意承担赔偿责任。",
    },
}
ASSET_ZH = {"bank_deposit": "银行存款", "movable": "动产", "real_estate": "不动产", "equity": "股权", "other": "其他财产权利"}

ENFORCEMENT = {
    "en_US": {
        "basis": "{{ case.court.name or 'The court' }} decided the dispute between the applicant and the person subject to enforcement by its decision {{ case.judgment.number or '______________' }} of {{ case.judgment.date or '______________' }}, which took effect on {{ case.judgment.effective_date or '______________' }} and ordered payment by {{ case.judgment.performance_due or '______________' }}.",
        "requests": [
            "1. Enforce payment of the amounts awarded: principal {{ case.currency }} {{ case.judgment.principal }}, interest {{ case.currency }} {{ case.judgment.interest }} and costs {{ case.currency }} {{ case.judgment.costs }}, together {{ case.currency }} {{ case.judgment.total }}; of this, {{ case.currency }} {{ case.judgment.performed }} has been performed and {{ case.currency }} {{ case.judgment.outstanding }} is outstanding;",
            "2. Enforce payment of the interest on the debt for the period of delayed performance, {{ case.currency }} {{ case.judgment.late_interest }} so far, and further until payment in full;",
            "3. Order the person subject to enforcement to bear the enforcement fee.",
        ],
        "total": "Amount applied for: {{ case.currency }} {{ case.judgment.to_enforce }} (in words: {{ case.judgment.to_enforce_words }}).",
        "late": "Late-performance interest:",
        "facts": "The decision has taken effect, and the person subject to enforcement has not performed it within the period it set. The applicant therefore applies for enforcement under the provisions of the Civil Procedure Law on enforcement. The claim arose from the invoices listed below.",
        "assets_intro": "Property of the person subject to enforcement known to the applicant:",
        "asset_columns": ("No.", "Type of property", "Description", "Estimated value"),
    },
    "zh_CN": {
        "basis": "{{ case.court.name or '______________人民法院' }}作出的{{ case.judgment.number or '______________' }}号法律文书（{{ case.judgment.date or '______________' }}）已于{{ case.judgment.effective_date or '______________' }}发生法律效力，确定被执行人应于{{ case.judgment.performance_due or '______________' }}前履行付款义务。",
        "requests": [
            "一、强制被执行人支付生效法律文书确定的款项：本金{{ case.currency }} {{ case.judgment.principal }}、利息{{ case.currency }} {{ case.judgment.interest }}、诉讼费用{{ case.currency }} {{ case.judgment.costs }}，合计{{ case.currency }} {{ case.judgment.total }}；其中已履行{{ case.currency }} {{ case.judgment.performed }}，尚欠{{ case.currency }} {{ case.judgment.outstanding }}；",
            "二、强制被执行人加倍支付迟延履行期间的债务利息，暂计{{ case.currency }} {{ case.judgment.late_interest }}，计算至实际履行之日止；",
            "三、本案执行费由被执行人承担。",
        ],
        "total": "申请执行标的：{{ case.currency }} {{ case.judgment.to_enforce }}（大写：{{ case.judgment.to_enforce_words }}）。",
        "late": "迟延履行利息计算：",
        "facts": "上述法律文书已经发生法律效力，被执行人未在确定的期限内履行义务。为维护申请执行人的合法权益，申请执行人依据《中华人民共和国民事诉讼法》关于执行程序的规定，向贵院申请强制执行。本案债权源于下列发票。",
        "assets_intro": "申请执行人已知的被执行人财产线索：",
        "asset_columns": ("序号", "财产类型", "财产描述", "估计价值"),
    },
}

EVIDENCE = {
    "en_US": {
        "intro": "Claim: {{ case.currency }} {{ case.claim.total }} (in words: {{ case.claim.total_words }}).",
        "columns": ("No.", "Evidence", "Source", "What it proves", "Pages / SHA-256"),
        "pages": "____ / {{ ev.sha256_short }}",
        "sources": {"collection.letter": "Plaintiff's letters register", "collection.customer": "Plaintiff's collection records"},
        "source_default": "Plaintiff",
        "proves": {
            "contract": "The sale contract between the parties and its payment terms.",
            "order": "The defendant ordered the goods.",
            "invoice": "The price invoiced and its due date.",
            "delivery": "The goods were delivered and received by the defendant.",
            "balance_confirmation": "The defendant confirmed the debt.",
            "correspondence": "The exchanges between the parties about the debt.",
            "demand": "The plaintiff demanded payment, and the demand was delivered.",
            "payment_voucher": "The payments made and the amount still unpaid.",
            "iou": "The defendant acknowledged the debt in writing.",
            "asset_investigation": "The property of the defendant.",
        },
        "proves_default": "{{ ev.note or ev.category }}",
        "invoices": "The invoices claimed:",
    },
    "zh_CN": {
        "intro": "诉讼请求金额：{{ case.currency }} {{ case.claim.total }}（大写：{{ case.claim.total_words }}）。",
        "columns": ("序号", "证据名称", "证据来源", "证明目的", "页码 / SHA-256"),
        "pages": "____ / {{ ev.sha256_short }}",
        "sources": {"collection.letter": "原告函件登记", "collection.customer": "原告催收记录"},
        "source_default": "原告提供",
        "proves": {
            "contract": "原、被告之间存在买卖合同关系及付款约定。",
            "order": "被告向原告订购货物。",
            "invoice": "原告已开具发票，货款金额及付款期限。",
            "delivery": "原告已交付货物，被告已签收。",
            "balance_confirmation": "被告确认欠款金额。",
            "correspondence": "双方就欠款事宜的往来沟通。",
            "demand": "原告已向被告催讨欠款，催款函已送达。",
            "payment_voucher": "被告已付款项及尚欠金额。",
            "iou": "被告书面确认欠款。",
            "asset_investigation": "被告的财产状况。",
        },
        "proves_default": "{{ ev.note or ev.category }}",
        "invoices": "涉案发票：",
    },
}


def choice(variable, mapping, default):
    """A Jinja if-chain writing the text of a code, or the default."""
    parts = []
    for index, (code, text) in enumerate(mapping.items()):
        parts.append(("{% if " if index == 0 else "{% elif ") + f"{variable} == '{code}' %}}{text}")
    parts.append("{% else %}" + default + "{% endif %}")
    return "".join(parts)


def build_court(kind, lang, h):
    """The .docx of a court document; `h` is the build script's helpers (Document, para, table functions)."""
    common = h.COMMON[lang]
    words = WORDS[lang]
    doc = h.Document()
    h.set_font(h.style_normal(doc), common, size=11)
    h.properties(doc, TITLES[lang][kind], lang)
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = h.Cm(2.5), h.Cm(2.2)
    section.left_margin, section.right_margin = h.Cm(2.8), h.Cm(2.5)
    footer = section.footer.paragraphs[0]
    h.set_font(footer.add_run("{{ case.reference }} · {{ letter.reference }}"), common, size=7,
               color=(0x77, 0x77, 0x77))
    footer.alignment = h.CENTER
    para = h.para
    para(doc, TITLES[lang][kind], common, size=18, bold=True, align=h.CENTER, space_after=4)
    para(doc, words["case_line"], common, size=9, align=h.CENTER, space_after=12)
    creditor, debtor = ROLES[kind][lang]
    for role, who in ((creditor, "creditor"), (debtor, "debtor")):
        para(doc, PARTY[lang].format(role=role, who=who), common, space_after=0)
        para(doc, REPRESENTATIVE[lang].format(who=who), common, space_after=6)
        if who == "creditor":
            para(doc, "{%p if case.lawyer.name %}", common, space_after=0)
            para(doc, AGENT[lang], common, space_after=6)
            para(doc, "{%p endif %}", common, space_after=0)
    if kind == "statement_of_claim":
        statement_of_claim(doc, lang, h, common, words)
    elif kind == "preservation_application":
        preservation_application(doc, lang, h, common, words)
    elif kind == "enforcement_application":
        enforcement_application(doc, lang, h, common, words)
    else:
        evidence_index(doc, lang, h, common, words)
    for line in words["to"].split("\n"):
        para(doc, line, common, space_after=2, keep=True)
    para(doc, "", common, space_after=6)
    signer = {"evidence_index": words["signer"]}.get(kind, words["signer"])
    para(doc, signer, common, bold=True, align=h.RIGHT, space_after=2, keep=True)
    para(doc, words["legal_rep_sign"], common, align=h.RIGHT, space_after=2, keep=True)
    para(doc, words["date"], common, align=h.RIGHT, space_after=10)
    if kind == "statement_of_claim":
        para(doc, words["enclosures"], common, size=9)
    return h.save(doc)


def heading(doc, text, h, common):
    h.para(doc, text, common, size=12, bold=True, space_after=4, keep=True)


def invoice_rows(doc, lang, h, common, words):
    h.loop_table(doc, common, words["invoice_columns"], (
        "{{ inv.number }}", "{{ inv.contract_ref }}", "{{ inv.date }}", "{{ inv.due_date }}", "{{ inv.amount_total }}",
        "{{ inv.amount_claimed }}", "{{ inv.interest }}",
    ), "inv in case.invoices", (2.8, 2.2, 2.2, 2.2, 2.2, 2.2, 1.8), right=(4, 5, 6))
    h.para(doc, "", common, space_after=2)


def lines_block(doc, h, common, variable):
    h.para(doc, "{%p for line in " + variable + " %}", common, space_after=0)
    h.para(doc, "{{ line }}", common, size=9, space_after=0)
    h.para(doc, "{%p endfor %}", common, space_after=0)


def statement_of_claim(doc, lang, h, common, words):
    heading(doc, words["claims"], h, common)
    for item in CLAIM_ITEMS[lang]:
        h.para(doc, item, common, space_after=3)
    h.para(doc, words["total"], common, bold=True, space_after=6)
    h.para(doc, "{%p if case.claim.has_interest %}", common, space_after=0)
    h.para(doc, INTEREST_BASIS[lang], common, size=9, bold=True, space_after=0)
    lines_block(doc, h, common, "case.claim.interest_lines")
    h.para(doc, "{%p endif %}", common, space_after=0)
    heading(doc, words["facts"], h, common)
    for text in FACTS[lang]:
        h.para(doc, text, common, space_after=4)
    invoice_rows(doc, lang, h, common, words)
    intro, line, end = DEMANDS[lang]
    h.para(doc, "{%p if case.letters %}", common, space_after=0)
    h.para(doc, intro, common, space_after=2)
    h.para(doc, "{%p for dl in case.letters %}", common, space_after=0)
    h.para(doc, line, common, space_after=2)
    h.para(doc, "{%p endfor %}", common, space_after=0)
    h.para(doc, end, common, space_after=4)
    h.para(doc, "{%p endif %}", common, space_after=0)
    h.para(doc, LAW[lang], common, space_after=10)


def preservation_application(doc, lang, h, common, words):
    texts = PRESERVATION[lang]
    heading(doc, words["requests"], h, common)
    h.para(doc, texts["request"], common, space_after=4)
    h.para(doc, texts["assets_intro"], common, space_after=2)
    label = choice("m.asset_type", ASSET_ZH, "{{ m.asset_label }}") if lang == "zh_CN" else "{{ m.asset_label }}"
    h.loop_table(doc, common, texts["asset_columns"], (
        "{{ loop.index }}", label, "{{ m.description }}", "{{ case.currency }} {{ m.amount }}",
    ), "m in case.preservations", (1.4, 3.2, 8.0, 3.4), right=(3,), blank_rows=2)
    h.para(doc, "", common, space_after=2)
    heading(doc, words["facts"], h, common)
    h.para(doc, texts["facts"], common, space_after=4)
    h.para(doc, words["invoice_list"], common, space_after=4)
    h.para(doc, "{%p if case.preservation.has_security %}", common, space_after=0)
    h.para(doc, texts["security_yes"], common, space_after=4)
    h.para(doc, "{%p else %}", common, space_after=0)
    h.para(doc, texts["security_no"], common, space_after=4)
    h.para(doc, "{%p endif %}", common, space_after=0)
    h.para(doc, words["total"], common, size=9, space_after=10)


def enforcement_application(doc, lang, h, common, words):
    texts = ENFORCEMENT[lang]
    heading(doc, words["basis"], h, common)
    h.para(doc, texts["basis"], common, space_after=6)
    heading(doc, words["requests"], h, common)
    for item in texts["requests"]:
        h.para(doc, item, common, space_after=3)
    h.para(doc, texts["total"], common, bold=True, space_after=6)
    h.para(doc, "{%p if case.judgment.late_interest_lines %}", common, space_after=0)
    h.para(doc, texts["late"], common, size=9, bold=True, space_after=0)
    lines_block(doc, h, common, "case.judgment.late_interest_lines")
    h.para(doc, "{%p endif %}", common, space_after=0)
    heading(doc, words["facts"], h, common)
    h.para(doc, texts["facts"], common, space_after=4)
    h.para(doc, words["invoice_list"], common, space_after=4)
    h.para(doc, words["total"], common, size=9, space_after=4)
    h.para(doc, texts["assets_intro"], common, space_after=2)
    label = choice("a.type", ASSET_ZH, "{{ a.label }}") if lang == "zh_CN" else "{{ a.label }}"
    h.loop_table(doc, common, texts["asset_columns"], (
        "{{ loop.index }}", label, "{{ a.description }}", "{{ case.currency }} {{ a.estimated_value }}",
    ), "a in case.enforcement.assets", (1.4, 3.2, 8.0, 3.4), right=(3,), blank_rows=2)
    h.para(doc, "", common, space_after=10)


def evidence_index(doc, lang, h, common, words):
    texts = EVIDENCE[lang]
    h.para(doc, texts["intro"], common, bold=True, space_after=6)
    source = choice("ev.source", texts["sources"], texts["source_default"])
    proves = choice("ev.category_code", texts["proves"], texts["proves_default"])
    h.loop_table(doc, common, texts["columns"], (
        "{{ ev.number }}", "{{ ev.item }}: {{ ev.file }}", source, proves, texts["pages"],
    ), "ev in case.evidence", (1.2, 4.6, 2.8, 5.0, 2.8), right=(), blank_rows=3)
    h.para(doc, "", common, space_after=4)
    h.para(doc, texts["invoices"], common, bold=True, space_after=2)
    invoice_rows(doc, lang, h, common, words)
