# PDF builder (reportlab): letterhead, headings, paragraphs, tables, page header/footer with page numbers.
import os
from reportlab.lib.pagesizes import A4
from reportlab.lib import colors
from reportlab.lib.styles import getSampleStyleSheet, ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Paragraph, Spacer, Table, TableStyle, PageBreak
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_FONTS = "/usr/share/fonts/truetype/dejavu/"
pdfmetrics.registerFont(TTFont("DV", _FONTS + "DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("DVB", _FONTS + "DejaVuSans-Bold.ttf"))


def build(path, title, letterhead, header, footer_word, blocks):
    """blocks: ("h", text) | ("p", text) | ("t", [rows]) | ("break",)"""
    ss = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=ss["BodyText"], fontName="DV", fontSize=10, leading=13)
    h = ParagraphStyle("h", parent=ss["Heading2"], fontName="DVB", fontSize=13, spaceBefore=8)
    lh_title = ParagraphStyle("lt", parent=body, fontName="DVB", fontSize=16, leading=20)
    lh = ParagraphStyle("l", parent=body, fontSize=9, leading=11, textColor=colors.HexColor("#333333"))
    cell = ParagraphStyle("c", parent=body, fontSize=9, leading=11)
    story = [Paragraph(letterhead[0], lh_title)]
    for line in letterhead[1:]:
        story.append(Paragraph(line, lh))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(title, ParagraphStyle("tt", parent=h, fontSize=15)))
    for b in blocks:
        if b[0] == "h":
            story.append(Paragraph(b[1], h))
        elif b[0] == "p":
            story.append(Paragraph(b[1], body))
            story.append(Spacer(1, 2 * mm))
        elif b[0] == "t":
            rows = [[Paragraph(str(c), cell) for c in r] for r in b[1]]
            t = Table(rows, repeatRows=1)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(t)
            story.append(Spacer(1, 3 * mm))
        elif b[0] == "break":
            story.append(PageBreak())

    def deco(canvas, doc):
        canvas.saveState()
        canvas.setFont("DV", 8)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, header)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, "%s %d" % (footer_word, doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(path, pagesize=A4, topMargin=20 * mm, bottomMargin=18 * mm,
                            leftMargin=20 * mm, rightMargin=20 * mm, title=title,
                            invariant=1)
    doc.build(story, onFirstPage=deco, onLaterPages=deco)



build("services_rates.pdf", "Services and Rates 2026",
  ["Lugha Bridge Translations Ltd", "Woodvale Grove, Mpaka Road, 3rd floor, Westlands, Nairobi, Kenya", "Tel. +254 20 444 7810 · hello@lughabridge.co.ke"],
  "Lugha Bridge Translations — Services and Rates 2026", "Page",
  [("h", "1. Rates"),
   ("t", [["Service", "Rate", "Turnaround"],
          ["Certified translation, standard", "KSh 1,500 per page", "3 working days"],
          ["Express translation", "KSh 2,500 per page", "24 hours"],
          ["Proofreading", "KSh 600 per page", "2 working days"],
          ["Conference interpreting, half day (4 h)", "KSh 28,000", "-"],
          ["Conference interpreting, full day (8 h)", "KSh 48,000", "-"],
          ["Notarisation by an advocate", "KSh 3,000 per document", "+1 working day"],
          ["Courier within Nairobi", "KSh 500", "same day"]]),
   ("p", "A page is 250 words of the source text. The minimum charge is one page."),
   ("h", "2. Office hours"),
   ("t", [["Day", "Hours"], ["Monday–Friday", "08:30–17:30"], ["Saturday", "09:00–13:00"], ["Sunday and public holidays", "closed"]]),
   ("h", "3. What we need from you"),
   ("p", "For certified translations we need a clear scan or the original document."),
   ("p", "Phone photos are accepted if all four corners of the page are visible."),
   ("p", "We do not translate documents that appear altered."),
   ("p", "We never change names or dates from the original."),
   ("p", "Legalisation at the Ministry of Foreign Affairs is done by the client."),
   ("break",),
   ("h", "4. Payment"),
   ("p", "Payment in full before work starts, by M-Pesa (Paybill 522418) or bank transfer."),
   ("p", "Corporate clients with a signed contract may pay within 30 days."),
   ("h", "5. Collection of originals"),
   ("p", "Originals are collected from our office with the receipt and the client's ID."),
   ("p", "Someone else may collect with a signed authorisation letter and a copy of the client's ID."),
   ("h", "6. Confidentiality"),
   ("p", "All translators sign a confidentiality agreement. Files are deleted 90 days after delivery."),
   ("h", "7. Deadlines"),
   ("p", "If we miss an agreed deadline, the express surcharge is refunded."),
  ])
