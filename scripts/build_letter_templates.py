#!/usr/bin/env python3
# ruff: noqa: E501  (the Chinese texts are wide)
"""Build the shipped Word templates of letters and agreements (docxtpl tags), in English and Simplified Chinese.

    python scripts/build_letter_templates.py [OUTPUT_DIR]      # default: data/letter_templates

The output is deterministic (fixed document properties and zip timestamps): running it again on an unchanged
script gives byte-identical files, which are committed. Each document has the letterhead, the recipient
block, the reference and date, the invoice table, the totals with interest and compensation when claimed,
the amount in words, the payment deadline, the bank details, the consequences stated truthfully, the contact
person and a receipt slip for the debtor to sign and return. The tags only use the variables documented in
tools/docx_render.py (CONTEXT_KEYS); the addon's tests render every file with real invoices.
"""

import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.docx_render import normalize_docx  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import court_documents  # noqa: E402

LETTER_KINDS = ("reminder_1", "reminder_2", "reminder_3", "formal_demand", "final_notice", "lawyer",
                "balance_confirmation", "payment_plan", "settlement")
KINDS = LETTER_KINDS + court_documents.COURT_KINDS
AGREEMENTS = ("payment_plan", "settlement")

# === Words shared by every document, per language === #
COMMON = {
    "en_US": {
        "font": "Calibri", "east_asia": None,
        "to": "To: ", "attn": "Attention: ", "our_ref": "Our reference: ", "account": "Customer account: ",
        "date": "Date: ", "dear": "Dear Sir or Madam,",
        "columns": ("Invoice", "Contract", "Invoice date", "Due date", "Amount", "Open amount", "Days overdue"),
        "open_total": "Open amount", "interest": "Overdue interest", "compensation": "Recovery compensation",
        "total": "Total amount due", "in_words": "In words:",
        "pay_to": "Please pay to the following account:",
        "bank": ("Account holder", "Bank", "Account number", "SWIFT/BIC"),
        "paid": ("If you have already paid, please disregard this letter and send us the payment reference. "
                 "If you dispute any of these invoices, please tell us in writing before the deadline, with "
                 "your reasons, so that we can look into it."),
        "contact": ("Your contact: {{ collector.name }}{% if collector.function %}, {{ collector.function }}"
                    "{% endif %}{% if collector.phone %}, telephone {{ collector.phone }}{% endif %}"
                    "{% if collector.email %}, email {{ collector.email }}{% endif %}."),
        "regards": "Yours faithfully,", "seal": "(authorised signature and company seal)",
        "cut": "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
        "slip_title": "ACKNOWLEDGEMENT OF RECEIPT",
        "slip": ("To {{ company.name }}: we acknowledge receipt, on ____________ (date), of your {title} "
                 "reference {{ letter.reference }} dated {{ letter.date }}, concerning "
                 "{{ currency.name }} {{ totals.total }}."),
        "slip_sign": ("Company: {{ recipient.name }}", "Received by (name and position): ______________________",
                      "Signature and company seal: ______________________", "Date: ______________"),
        "slip_return": ("Please sign, seal and return this slip to {{ company.name }}, {{ company.address }}, "
                        "or send a scan to {{ collector.email or company.email }}."),
        "blank": "______________",
        "instalment_columns": ("Instalment", "Due date", "Amount"),
        "portal": "Pay, confirm the balance, promise or dispute online: {{ letter.portal_url }}",
    },
    "zh_CN": {
        "font": "Calibri", "east_asia": "宋体",
        "to": "致：", "attn": "联系人：", "our_ref": "我方编号：", "account": "客户编号：",
        "date": "日期：", "dear": "{{ recipient.name }}：",
        "columns": ("发票号码", "合同编号", "开票日期", "到期日", "发票金额", "未付金额", "逾期天数"),
        "open_total": "未付款项合计", "interest": "逾期利息", "compensation": "追偿费用补偿",
        "total": "应付总额", "in_words": "大写：",
        "pay_to": "请将款项汇入以下账户：",
        "bank": ("户名", "开户银行", "账号", "SWIFT/BIC"),
        "paid": ("如贵司已付款，请忽略本函，并将付款凭证发送给我方以便核对。如贵司对上述发票有任何异议，请于付款期限前"
                 "书面告知具体理由，我方将及时核实处理。"),
        "contact": ("联系人：{{ collector.name }}{% if collector.function %}（{{ collector.function }}）{% endif %}"
                    "{% if collector.phone %}，电话：{{ collector.phone }}{% endif %}"
                    "{% if collector.email %}，电子邮箱：{{ collector.email }}{% endif %}。"),
        "regards": "特此函告。", "seal": "（盖章）",
        "cut": "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -",
        "slip_title": "回  执",
        "slip": ("{{ company.name }}：我司已于______年____月____日收到贵司编号为{{ letter.reference }}、"
                 "日期为{{ letter.date }}的《{title}》，涉及金额{{ currency.name }} {{ totals.total }}。"),
        "slip_sign": ("签收单位：{{ recipient.name }}", "签收人（姓名及职务）：______________________",
                      "签字及单位盖章：______________________", "日期：______________"),
        "slip_return": ("请签字盖章后将本回执寄回{{ company.name }}（地址：{{ company.address }}），"
                        "或扫描发送至{{ collector.email or company.email }}。"),
        "blank": "______________",
        "instalment_columns": ("期数", "付款日期", "金额"),
        "portal": "在线付款、对账确认、承诺付款或提出异议：{{ letter.portal_url }}",
    },
}

# === A lawyer letter comes from the engaged lawyer and firm: their letterhead, contact, seal and signature === #
LAWYER = {
    "en_US": {
        "letterhead": "{{ lawyer.firm }}",
        "letterhead_line": ("{{ lawyer.address }}{% if lawyer.phone %} | {{ lawyer.phone }}{% endif %}"
                            "{% if lawyer.email %} | {{ lawyer.email }}{% endif %}"),
        "contact": ("Your contact: {{ lawyer.name }}, {{ lawyer.firm }}{% if lawyer.phone %}, telephone "
                    "{{ lawyer.phone }}{% endif %}{% if lawyer.email %}, email {{ lawyer.email }}{% endif %}"
                    "{% if lawyer.address %}, {{ lawyer.address }}{% endif %}."),
        "seal": "(law firm seal)",
        "signature": "Lawyer: {{ lawyer.name }}    Licence number: {{ lawyer.licence or '______________' }}",
        "sign": "Signature: ______________________",
        "slip_return": ("Please sign, seal and return this slip to {{ lawyer.firm }}, {{ lawyer.address }}, "
                        "or send a scan to {{ lawyer.email }}."),
    },
    "zh_CN": {
        "letterhead": "{{ lawyer.firm }}",
        "letterhead_line": ("{{ lawyer.address }}{% if lawyer.phone %} | 电话：{{ lawyer.phone }}{% endif %}"
                            "{% if lawyer.email %} | 电子邮箱：{{ lawyer.email }}{% endif %}"),
        "contact": ("联系人：{{ lawyer.name }}律师（{{ lawyer.firm }}）{% if lawyer.phone %}，电话：{{ lawyer.phone }}"
                    "{% endif %}{% if lawyer.email %}，电子邮箱：{{ lawyer.email }}{% endif %}"
                    "{% if lawyer.address %}，地址：{{ lawyer.address }}{% endif %}。"),
        "seal": "（律师事务所盖章）",
        "signature": "承办律师：{{ lawyer.name }}    执业证号：{{ lawyer.licence or '______________' }}",
        "sign": "律师签名：______________________",
        "slip_return": ("请签字盖章后将本回执寄回{{ lawyer.firm }}（地址：{{ lawyer.address }}），"
                        "或扫描发送至{{ lawyer.email }}。"),
    },
}

# === What each kind says, per language: title, opening paragraphs, consequences, closing === #
TEXTS = {
    "en_US": {
        "reminder_1": {
            "title": "Payment reminder",
            "intro": ["Our records show that the invoices below, issued under our contract with you, are now past "
                      "their due date. This may simply be an oversight, and we would be grateful if you could "
                      "arrange payment."],
            "consequences": ["If payment is not received by the deadline, we will contact you again. Interest "
                             "on late payment may accrue as provided by the contract and the applicable law."],
        },
        "reminder_2": {
            "title": "Second payment reminder",
            "intro": ["We wrote to you about the overdue invoices below and have not yet received payment or an "
                      "explanation. We ask you to settle the open amount by the deadline stated in this letter."],
            "consequences": ["If payment is not received by the deadline, we may claim interest on late payment "
                             "as provided by the contract and the applicable law, and review the credit terms "
                             "we extend to you."],
        },
        "reminder_3": {
            "title": "Third payment reminder",
            "intro": ["Despite our previous reminders, the invoices below remain unpaid. This is a matter of "
                      "serious concern to us, and we ask you to pay the total amount due by the deadline, or "
                      "to contact us at once to agree how it will be paid."],
            "consequences": ["If the amount is not paid or a payment arrangement agreed by the deadline, we may "
                             "suspend further deliveries on credit and claim interest on late payment and the "
                             "compensation allowed by the contract and the applicable law."],
        },
        "formal_demand": {
            "title": "Formal demand for payment",
            "intro": ["This letter is a formal demand for payment of the amounts below, which are owed under our "
                      "contract and remain unpaid after their due dates and our previous reminders."],
            "consequences": ["If the total amount due is not paid by the deadline, we may, without further "
                             "notice, suspend deliveries on credit and take legal action to recover the debt, "
                             "together with the interest and costs that the contract and the applicable law "
                             "allow. This letter does not waive any of our rights."],
        },
        "final_notice": {
            "title": "Final notice before legal action",
            "intro": ["This is our final notice. The invoices below remain unpaid despite our reminders and our "
                      "formal demand, and we must now ask you to pay the total amount due by the deadline."],
            "consequences": ["If the total amount due is not paid by the deadline, we intend to refer the matter "
                             "to our lawyers and to start legal proceedings to recover the debt, with the "
                             "interest and costs that the contract and the applicable law allow, without further "
                             "notice. This letter does not waive any of our rights."],
        },
        "lawyer": {
            "title": "Lawyer's letter",
            "intro": ["{{ lawyer.firm }} acts for {{ company.name }} (\"our client\"), which has instructed us to "
                      "write to you about the invoices below, which remain unpaid after their due dates and our "
                      "client's repeated reminders.",
                      "Under the contract and the applicable law you are obliged to pay these amounts. We hereby "
                      "demand payment of the total amount due by the deadline below."],
            "consequences": ["If payment is not received by the deadline, our client intends to start legal "
                             "proceedings (a lawsuit or an application for a payment order) to recover the debt, "
                             "the interest on late payment and the costs that the law allows, and may ask the "
                             "court to preserve assets to secure the claim. This letter does not waive any of "
                             "our client's rights."],
        },
        "balance_confirmation": {
            "title": "Balance confirmation",
            "intro": ["To keep our accounts in agreement, please check the open invoices below, which our books "
                      "show as due from you on {{ letter.date }}, and confirm the balance by signing and sealing "
                      "the confirmation slip at the end of this letter and returning it by {{ letter.deadline }}.",
                      "This letter is a reconciliation request: if your records differ, please state the "
                      "difference on the slip."],
            "consequences": ["If we do not receive the slip by the deadline, we will contact you to reconcile "
                             "the accounts; a balance that is not disputed remains payable on its terms."],
        },
        "payment_plan": {
            "title": "Payment plan agreement",
            "intro": ["This agreement is made between {{ company.name }} (the \"Creditor\") and "
                      "{{ recipient.name }} (the \"Debtor\") about the Debtor's overdue invoices listed below."],
            "consequences": [],
        },
        "settlement": {
            "title": "Settlement agreement",
            "intro": ["This agreement is made between {{ company.name }} (the \"Creditor\") and "
                      "{{ recipient.name }} (the \"Debtor\") to settle the Debtor's overdue debt from the "
                      "invoices listed below."],
            "consequences": [],
        },
    },
    "zh_CN": {
        "reminder_1": {
            "title": "付款提醒函",
            "intro": ["根据我方记录，贵我双方合同项下的下列发票已超过约定付款期限。此事或系贵司疏忽，烦请尽快安排付款。"],
            "consequences": ["如我方在付款期限前未收到款项，我方将再次与贵司联系；逾期付款可能依照合同约定及相关法律规定"
                             "产生逾期利息。"],
        },
        "reminder_2": {
            "title": "第二次付款提醒函",
            "intro": ["我方此前已就下列逾期发票致函贵司，但至今未收到款项或任何说明。请贵司于本函所载付款期限前结清未付款项。"],
            "consequences": ["如贵司未能在付款期限前付款，我方可能依照合同约定及相关法律规定主张逾期付款利息，并重新评估"
                             "给予贵司的信用条件。"],
        },
        "reminder_3": {
            "title": "第三次付款催告函",
            "intro": ["尽管我方已多次提醒，下列发票仍未付款，我方对此深表关切。请贵司于付款期限前支付全部应付款项，"
                      "或立即与我方联系商定付款安排。"],
            "consequences": ["如贵司未能在付款期限前付款或与我方达成付款安排，我方可能暂停赊销供货，并依照合同约定及相关"
                             "法律规定主张逾期付款利息及补偿。"],
        },
        "formal_demand": {
            "title": "正式付款催告函",
            "intro": ["本函系我方就下列款项向贵司发出的正式付款催告。上述款项依据双方合同应付，已超过付款期限，经我方"
                      "多次提醒仍未支付。"],
            "consequences": ["如贵司未能在付款期限前支付全部应付款项，我方可能不再另行通知，暂停赊销供货，并依法采取法律"
                             "措施追讨欠款及合同约定和法律允许的利息与费用。本函不构成我方对任何权利的放弃。"],
        },
        "final_notice": {
            "title": "最后催款通知函",
            "intro": ["本函为我方的最后通知。尽管我方已多次提醒并正式催告，下列发票仍未付款，现要求贵司于付款期限前"
                      "支付全部应付款项。"],
            "consequences": ["如贵司未能在付款期限前支付全部应付款项，我方拟将本事项交由律师处理，并在不另行通知的情况下"
                             "依法提起诉讼，追讨欠款及合同约定和法律允许的利息与费用。本函不构成我方对任何权利的放弃。"],
        },
        "lawyer": {
            "title": "律师函",
            "intro": ["{{ lawyer.firm }}受{{ company.name }}（以下简称“委托人”）委托，"
                      "就贵司拖欠委托人下列发票款项一事致函贵司。上述款项已超过付款期限，经委托人多次催告仍未支付。",
                      "依据双方合同及相关法律规定，贵司负有支付上述款项的义务。现正式要求贵司于下述付款期限前支付全部"
                      "应付款项。"],
            "consequences": ["如委托人在付款期限前未收到款项，委托人拟依法提起诉讼或申请支付令，追讨欠款、逾期付款利息及"
                             "法律允许的相关费用，并可能向人民法院申请财产保全。本函不构成委托人对任何权利的放弃。"],
        },
        "balance_confirmation": {
            "title": "对账确认函",
            "intro": ["为核对双方往来账目，请贵司核对下列截至{{ letter.date }}我方账面记载的贵司未付发票，并于"
                      "{{ letter.deadline }}前在本函末尾的确认回执上签字盖章后寄回我方。",
                      "本函仅为对账之用；如贵司记录与我方不符，请在回执上注明差异。"],
            "consequences": ["如我方在期限前未收到回执，我方将与贵司联系核对账目；无争议的余额仍按原约定支付。"],
        },
        "payment_plan": {
            "title": "分期付款协议",
            "intro": ["本协议由{{ company.name }}（以下简称“债权人”）与{{ recipient.name }}（以下简称“债务人”）"
                      "就债务人下列逾期发票款项的分期支付事宜签订。"],
            "consequences": [],
        },
        "settlement": {
            "title": "还款和解协议",
            "intro": ["本协议由{{ company.name }}（以下简称“债权人”）与{{ recipient.name }}（以下简称“债务人”）"
                      "就债务人下列发票项下的逾期债务达成和解而签订。"],
            "consequences": [],
        },
    },
}

# Articles of the two agreements, after the invoice table and the totals.
ARTICLES = {
    "en_US": {
        "payment_plan": [
            ("1. Acknowledgement of debt", "The Debtor acknowledges that it owes the Creditor "
             "{{ currency.name }} {{ totals.total }} ({{ totals.total_words }}) as at {{ letter.date }}, as "
             "itemised above."),
            ("2. Instalments", "The Debtor shall pay the debt in the following instalments to the Creditor's "
             "account stated below:"),
            ("3. Acceleration", "If any instalment is not paid in full within ______ days of its due date, the "
             "whole remaining balance becomes due at once, without notice."),
            ("4. Interest", "Overdue interest stated above is part of the debt. If the plan is kept, the "
             "Creditor will not claim further interest on the instalments paid on time."),
            ("5. Rights reserved", "Until the debt is paid in full, the Creditor keeps all its rights under the "
             "original contracts and the law; this agreement does not replace them."),
            ("6. Governing law and jurisdiction", "This agreement is governed by the law of the People's "
             "Republic of China. Disputes shall be submitted to the people's court with jurisdiction over the "
             "place where the Creditor is domiciled."),
            ("7. Effect", "This agreement takes effect when signed by the authorised representatives of both "
             "parties and sealed. It is made in two originals, one for each party."),
        ],
        "settlement": [
            ("1. Settlement amount", "The parties agree that the Debtor owes the Creditor "
             "{{ currency.name }} {{ totals.total }} ({{ totals.total_words }}) in full and final settlement "
             "of the invoices above, subject to the Debtor performing this agreement."),
            ("2. Schedule and method", "The Debtor shall pay the settlement amount by bank transfer to the "
             "Creditor's account stated below, as follows:"),
            ("3. Acceleration", "If any payment is not made in full when due, the whole remaining balance "
             "becomes due at once, without notice."),
            ("4. Penalty", "If the Debtor pays late, it shall pay a penalty of ______ % of the late amount for "
             "each day of delay, in addition to the amount due."),
            ("5. Guarantee", "______________________ (the \"Guarantor\") guarantees the Debtor's obligations "
             "under this agreement jointly and severally, as stated in the Guarantor's signature below."),
            ("6. Rights reserved", "If the Debtor does not perform this agreement, the Creditor may claim the "
             "full original debt, with interest and costs, less the amounts paid; until then it reserves all "
             "its rights."),
            ("7. Governing law and jurisdiction", "This agreement is governed by the law of the People's "
             "Republic of China. Disputes shall be submitted to the people's court with jurisdiction over the "
             "place where the Creditor is domiciled."),
            ("8. Signatories", "Each signatory declares that they are authorised to sign this agreement on "
             "behalf of their party. The agreement takes effect when signed and sealed by both parties."),
        ],
    },
    "zh_CN": {
        "payment_plan": [
            ("第一条 债务确认", "债务人确认，截至{{ letter.date }}，债务人尚欠债权人{{ currency.name }} "
             "{{ totals.total }}（大写：{{ totals.total_words }}），明细如上表所列。"),
            ("第二条 分期付款", "债务人应按下列期限和金额将款项汇入下述债权人账户："),
            ("第三条 加速到期", "债务人任何一期款项逾期超过______日未足额支付的，全部剩余款项立即到期，债权人无需另行通知。"),
            ("第四条 利息", "上述逾期利息为债务的一部分。债务人按期履行本协议的，债权人对按期支付部分不再另行主张利息。"),
            ("第五条 权利保留", "在全部债务清偿前，债权人依原合同及法律享有的权利不受影响，本协议不构成对原合同的替代。"),
            ("第六条 法律适用与管辖", "本协议适用中华人民共和国法律。因本协议发生的争议，由债权人住所地有管辖权的人民法院管辖。"),
            ("第七条 生效", "本协议经双方授权代表签字并加盖公章后生效，一式两份，双方各执一份。"),
        ],
        "settlement": [
            ("第一条 和解金额", "双方确认，在债务人履行本协议的前提下，债务人就上述发票应向债权人支付"
             "{{ currency.name }} {{ totals.total }}（大写：{{ totals.total_words }}），以此了结上述债务。"),
            ("第二条 付款期限与方式", "债务人应以银行转账方式将和解款项汇入下述债权人账户，付款安排如下："),
            ("第三条 加速到期", "任何一期款项到期未足额支付的，全部剩余款项立即到期，债权人无需另行通知。"),
            ("第四条 违约金", "债务人逾期付款的，除应付款项外，还应按逾期金额每日______%向债权人支付违约金。"),
            ("第五条 担保", "______________________（以下简称“保证人”）对债务人在本协议项下的义务承担连带保证责任，"
             "以保证人在下方签章为准。"),
            ("第六条 权利保留", "债务人未履行本协议的，债权人有权就原债务全额扣除已付款项后主张权利，并主张利息及费用；"
             "在此之前债权人保留全部权利。"),
            ("第七条 法律适用与管辖", "本协议适用中华人民共和国法律。因本协议发生的争议，由债权人住所地有管辖权的人民法院管辖。"),
            ("第八条 签署人", "各签署人确认其已获所代表一方的授权签署本协议。本协议经双方签字盖章后生效。"),
        ],
    },
}
SIGNATURES = {
    "en_US": {"creditor": "Creditor: {{ company.name }}", "debtor": "Debtor: {{ recipient.name }}",
              "guarantor": "Guarantor: ______________________",
              "lines": ("Authorised representative: ______________________", "Company seal:",
                        "Date: ______________")},
    "zh_CN": {"creditor": "债权人：{{ company.name }}", "debtor": "债务人：{{ recipient.name }}",
              "guarantor": "保证人：______________________",
              "lines": ("授权代表（签字）：______________________", "单位盖章：", "日期：______________")},
}
DEADLINE = {
    "en_US": "Please pay the total amount due by {{ letter.deadline }}.",
    "zh_CN": "请贵司于{{ letter.deadline }}前支付上述全部应付款项。",
}
DEADLINE_SIGN = {
    "en_US": "Please sign and return both originals of this agreement by {{ letter.deadline }}.",
    "zh_CN": "请于{{ letter.deadline }}前签署本协议并寄回两份原件。",
}
DEADLINE_CONFIRM = {
    "en_US": "Please return the signed confirmation by {{ letter.deadline }}.",
    "zh_CN": "请于{{ letter.deadline }}前寄回签章确认的回执。",
}
CONFIRM_SLIP = {
    "en_US": ("BALANCE CONFIRMATION", [
        "To {{ company.name }}: regarding your letter {{ letter.reference }} dated {{ letter.date }}, we confirm that:",
        "[  ] the balance of {{ currency.name }} {{ totals.total }} due to you on {{ letter.date }} is correct.",
        "[  ] the balance differs: our records show {{ currency.name }} ______________; the differences are: "
        "____________________________________________",
    ]),
    "zh_CN": ("确认回执", [
        "{{ company.name }}：关于贵司编号为{{ letter.reference }}、日期为{{ letter.date }}的《对账确认函》，我司确认：",
        "[  ] 截至{{ letter.date }}，我司应付贵司余额{{ currency.name }} {{ totals.total }}，数额无误。",
        "[  ] 数额不符：我司记录为{{ currency.name }} ______________，差异明细：____________________________________",
    ]),
}


def set_font(run_or_style, common, size=None, bold=None, color=None):
    font = run_or_style.font
    font.name = common["font"]
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color:
        font.color.rgb = RGBColor(*color)
    if common["east_asia"]:
        element = run_or_style.element
        rpr = element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), common["east_asia"])


def para(doc, text, common, size=None, bold=False, align=None, space_after=4, keep=False):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    set_font(run, common, size=size, bold=bold)
    paragraph.paragraph_format.space_after = Pt(space_after)
    if keep:
        paragraph.paragraph_format.keep_with_next = True
    if align:
        paragraph.alignment = align
    return paragraph


def cell_text(cell, text, common, bold=False, align=None):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    set_font(run, common, size=9, bold=bold)
    if align:
        paragraph.alignment = align


def loop_table(doc, common, headers, cells, loop, widths, blank_rows=0, right=None):
    """A table whose body row repeats for each item (docxtpl `{%tr for %}` rows), with optional blank rows
    shown when the list is empty (to fill in by hand). `right`: the columns aligned right (by default the last
    three amounts of a wide table)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, header in enumerate(headers):
        cell_text(table.rows[0].cells[index], header, common, bold=True)
    cell_text(table.rows[1].cells[0], "{%tr for " + loop + " %}", common)
    if right is None:
        right = range(len(cells) - 3, len(cells)) if len(cells) > 3 else ()
    for index, text in enumerate(cells):
        cell_text(table.rows[2].cells[index], text, common,
                  align=WD_ALIGN_PARAGRAPH.RIGHT if index in right else None)
    cell_text(table.rows[3].cells[0], "{%tr endfor %}", common)
    if blank_rows:
        variable = loop.split(" in ", 1)[1]
        table.add_row()
        cell_text(table.rows[-1].cells[0], "{%tr if not " + variable + " %}", common)
        for _index in range(blank_rows):
            table.add_row()
        table.add_row()
        cell_text(table.rows[-1].cells[0], "{%tr endif %}", common)
    for row in table.rows:
        for index, width in enumerate(widths):
            row.cells[index].width = Cm(width)
    return table


def key_value_table(doc, common, rows):
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row, (label, value) in zip(table.rows, rows, strict=True):
        cell_text(row.cells[0], label, common, bold=True)
        cell_text(row.cells[1], value, common)
        row.cells[0].width = Cm(4.5)
        row.cells[1].width = Cm(11.5)
    return table


def letterhead(doc, common, lawyer=None):
    """The company's letterhead, or the law firm's (`lawyer`: the LAWYER words) on a lawyer letter."""
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.2), Cm(2.2)
    header = section.header
    first = header.paragraphs[0]
    run = first.add_run(lawyer["letterhead"] if lawyer else "{{ company.name }}")
    set_font(run, common, size=15, bold=True, color=(0x1F, 0x3A, 0x5F))
    line = header.add_paragraph()
    run = line.add_run(lawyer["letterhead_line"] if lawyer else
                       "{{ company.address }}{% if company.phone %} | {{ company.phone }}{% endif %}"
                       "{% if company.email %} | {{ company.email }}{% endif %}"
                       "{% if company.website %} | {{ company.website }}{% endif %}")
    set_font(run, common, size=8, color=(0x55, 0x55, 0x55))
    footer = section.footer.paragraphs[0]
    run = footer.add_run("{{ letter.reference }}{% if company.vat %} | {{ company.vat }}{% endif %}"
                         "{% if company.registry %} | {{ company.registry }}{% endif %}")
    set_font(run, common, size=7, color=(0x77, 0x77, 0x77))
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def recipient_block(doc, common):
    para(doc, common["to"] + "{{ recipient.name }}", common, bold=True, space_after=0)
    para(doc, "{%p for line in recipient.address_lines %}", common, space_after=0)
    para(doc, "{{ line }}", common, space_after=0)
    para(doc, "{%p endfor %}", common, space_after=0)
    para(doc, "{%p if recipient.contact %}", common, space_after=0)
    para(doc, common["attn"] + "{{ recipient.contact }}", common, space_after=0)
    para(doc, "{%p endif %}", common, space_after=0)
    para(doc, "", common, space_after=0)
    para(doc, common["our_ref"] + "{{ letter.reference }}    " + common["account"] + "{{ recipient.ref }}",
         common, size=9, space_after=0)
    para(doc, common["date"] + "{{ letter.date }}", common, size=9, space_after=10)


def invoice_table(doc, common):
    loop_table(doc, common, common["columns"], (
        "{{ inv.number }}", "{{ inv.contract }}", "{{ inv.date }}", "{{ inv.due_date }}", "{{ inv.amount }}",
        "{{ inv.open_amount }}", "{{ inv.days_overdue }}",
    ), "inv in invoices", (2.8, 2.4, 2.2, 2.2, 2.2, 2.2, 1.6))
    para(doc, "", common, space_after=2)


def totals(doc, common):
    rows = [(common["open_total"], "{{ currency.name }} {{ totals.open_amount }}")]
    table = key_value_table(doc, common, rows)
    # the interest rows only when interest or compensation is claimed (docxtpl row conditions)
    for label, value, flag in (
            (common["interest"], "{{ currency.name }} {{ totals.interest }}", "interest_claimed"),
            (common["compensation"], "{{ currency.name }} {{ totals.compensation }}", "compensation_claimed")):
        row = table.add_row()
        cell_text(row.cells[0], "{%tr if totals." + flag + " %}", common)
        row = table.add_row()
        cell_text(row.cells[0], label, common, bold=True)
        cell_text(row.cells[1], value, common)
        row = table.add_row()
        cell_text(row.cells[0], "{%tr endif %}", common)
    row = table.add_row()
    cell_text(row.cells[0], common["total"], common, bold=True)
    cell_text(row.cells[1], "{{ currency.name }} {{ totals.total }}", common, bold=True)
    row = table.add_row()
    cell_text(row.cells[0], common["in_words"], common, bold=True)
    cell_text(row.cells[1], "{{ totals.total_words }}", common)
    para(doc, "", common, space_after=2)


def bank_details(doc, common):
    para(doc, common["pay_to"], common, keep=True)
    labels = common["bank"]
    key_value_table(doc, common, [
        (labels[0], "{{ company.bank.holder or company.name }}"),
        (labels[1], "{{ company.bank.bank or '" + common["blank"] + "' }}"),
        (labels[2], "{{ company.bank.account or '" + common["blank"] + "' }}"),
        (labels[3], "{{ company.bank.bic }}"),
    ])
    para(doc, "", common, space_after=2)


def portal_link(doc, common):
    """The debtor's page: its link and its QR code (an image the renderer makes from the link), only when the
    letter has a link."""
    para(doc, "{%p if letter.portal_url %}", common, space_after=0)
    para(doc, common["portal"], common, size=9, space_after=2, keep=True)
    para(doc, "{{ letter.portal_qr }}", common, space_after=6)
    para(doc, "{%p endif %}", common, space_after=0)


def receipt_slip(doc, common, title, kind, lang):
    para(doc, common["cut"], common, size=8, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    if kind == "balance_confirmation":
        slip_title, lines = CONFIRM_SLIP[lang]
        para(doc, slip_title, common, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for line in lines:
            para(doc, line, common, size=9)
    else:
        para(doc, common["slip_title"], common, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        para(doc, common["slip"].replace("{title}", title), common, size=9)
    for line in common["slip_sign"]:
        para(doc, line, common, size=9, space_after=2)
    para(doc, common["slip_return"], common, size=8)


def signatures(doc, lang, common, with_guarantor):
    texts = SIGNATURES[lang]
    parties = [texts["creditor"], texts["debtor"]] + ([texts["guarantor"]] if with_guarantor else [])
    table = doc.add_table(rows=1, cols=len(parties))
    for cell, party in zip(table.rows[0].cells, parties, strict=True):
        cell_text(cell, party, common, bold=True)
        for line in texts["lines"]:
            paragraph = cell.add_paragraph()
            set_font(paragraph.add_run(line), common, size=9)
    para(doc, "", common)


def properties(doc, title, lang):
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "account_collection_litigation", ""
    props.created = props.modified = datetime(2026, 1, 1, tzinfo=UTC)
    props.revision, props.language = 1, lang.replace("_", "-")


def save(doc):
    output = BytesIO()
    doc.save(output)
    return normalize_docx(output.getvalue())


# What court_documents.py builds with.
HELPERS = SimpleNamespace(
    Document=Document, COMMON=COMMON, set_font=set_font, style_normal=lambda doc: doc.styles["Normal"],
    properties=properties, Cm=Cm, CENTER=WD_ALIGN_PARAGRAPH.CENTER, RIGHT=WD_ALIGN_PARAGRAPH.RIGHT, para=para,
    loop_table=loop_table, save=save,
)


def build(kind, lang):
    if kind in court_documents.COURT_KINDS:
        return court_documents.build_court(kind, lang, HELPERS)
    lawyer = LAWYER[lang] if kind == "lawyer" else None
    common = {**COMMON[lang], **({key: lawyer[key] for key in ("contact", "seal", "slip_return")} if lawyer else {})}
    text = TEXTS[lang][kind]
    doc = Document()
    style = doc.styles["Normal"]
    set_font(style, common, size=10.5)
    properties(doc, text["title"], lang)
    letterhead(doc, common, lawyer)
    recipient_block(doc, common)
    para(doc, text["title"], common, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=10)
    if kind not in AGREEMENTS:
        para(doc, common["dear"], common)
    for line in text["intro"]:
        para(doc, line, common, space_after=6)
    invoice_table(doc, common)
    totals(doc, common)
    if kind in AGREEMENTS:
        for heading, body in ARTICLES[lang][kind]:
            para(doc, heading, common, bold=True, space_after=2, keep=True)
            para(doc, body, common, space_after=6)
            if heading.startswith(("2.", "第二条")):
                loop_table(doc, common, common["instalment_columns"], (
                    "{{ ins.number }}", "{{ ins.date }}", "{{ currency.name }} {{ ins.amount }}",
                ), "ins in plan.instalments", (3.0, 5.0, 5.0), blank_rows=3)
                para(doc, "", common, space_after=2)
        bank_details(doc, common)
        para(doc, DEADLINE_SIGN[lang], common, bold=True, space_after=6)
        signatures(doc, lang, common, with_guarantor=kind == "settlement")
    else:
        para(doc, (DEADLINE_CONFIRM if kind == "balance_confirmation" else DEADLINE)[lang], common, bold=True,
             space_after=6)
        if kind != "balance_confirmation":
            bank_details(doc, common)
        for line in text["consequences"]:
            para(doc, line, common, space_after=6, keep=True)
        para(doc, common["paid"], common, space_after=6, keep=True)
    portal_link(doc, common)
    # the closing stays on one page with the signature
    para(doc, common["contact"], common, space_after=10, keep=kind not in AGREEMENTS)
    if kind not in AGREEMENTS:
        para(doc, common["regards"], common, space_after=14, keep=True)
        signer = "{{ lawyer.firm }}" if lawyer else "{{ company.name }}"
        para(doc, signer + "  " + common["seal"], common, bold=True, space_after=0, keep=True)
        if lawyer:
            para(doc, lawyer["signature"], common, space_after=0, keep=True)
            para(doc, lawyer["sign"], common, space_after=0, keep=True)
        para(doc, "{{ letter.date }}", common, space_after=12)
    page_break = doc.add_paragraph().add_run()
    page_break.add_break(WD_BREAK.PAGE)
    receipt_slip(doc, common, text["title"], kind, lang)
    output = BytesIO()
    doc.save(output)
    return normalize_docx(output.getvalue())


def file_name(kind, lang):
    return f"{lang}_{kind}.docx"


def main(argv):
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "data" / "letter_templates"
    target.mkdir(parents=True, exist_ok=True)
    for lang in ("en_US", "zh_CN"):
        for kind in KINDS:
            (target / file_name(kind, lang)).write_bytes(build(kind, lang))
    print(f"{len(KINDS) * 2} templates written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
