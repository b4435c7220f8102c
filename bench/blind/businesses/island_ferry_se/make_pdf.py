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



build("timetable_fares.pdf", "Timetable and Fares 2026",
  ["Norrö Linjen AB", "Hamnvägen 4, 137 70 Dalarö, Sweden", "Phone +46 8 501 502 30 · info@norrolinjen.se · norrolinjen.se"],
  "Norrö Linjen AB — Timetable and Fares 2026", "Page",
  [("h", "1. Timetable Dalarö – Norrö"),
   ("p", "The timetable below is valid all year unless a footnote says otherwise."),
   ("t", [["Dep. Dalarö", "Arr. Norrö", "Dep. Norrö", "Arr. Dalarö", "Days"],
          ["07:15", "07:55", "08:10", "08:50", "Daily"],
          ["10:30", "11:10", "12:00", "12:40", "Daily"],
          ["15:00", "15:40", "16:30", "17:10", "Daily"],
          ["19:20", "20:00", "20:15", "20:55", "Fri–Sun *"]]),
   ("p", "* The 19:20 departure runs Friday to Sunday from 15 June to 15 August."),
   ("p", "On 24 and 25 December only the 10:30 departure runs."),
   ("h", "2. Fares"),
   ("t", [["Ticket", "Price"],
          ["Adult single", "140 kr"], ["Adult return", "240 kr"], ["Child 7–17 single", "70 kr"],
          ["Child under 7", "free"], ["Senior 65+ return", "190 kr"], ["Bicycle", "free"],
          ["Kayak or canoe", "120 kr each way"], ["Dog", "40 kr each way"],
          ["Car up to 6 m incl. driver, return", "690 kr"], ["Trailer", "350 kr each way"],
          ["Motorcycle, return", "320 kr"]]),
   ("p", "Tickets are bought on board by card or Swish; cash is not accepted."),
   ("break",),
   ("h", "3. Pets"),
   ("p", "Dogs must be kept on a lead and travel on the open deck."),
   ("p", "Dogs are not allowed in the indoor saloon. Assistance dogs may travel in the saloon."),
   ("h", "4. Luggage and dangerous goods"),
   ("p", "Each passenger may bring up to two pieces of hand luggage free of charge."),
   ("p", "Gas bottles and petrol cans are only allowed in vehicles on the car deck, never in the passenger area."),
   ("h", "5. Children"),
   ("p", "Children under 12 must travel with a person aged 16 or over."),
   ("h", "6. Accessibility"),
   ("p", "M/S Norrö has a ramp and one accessible toilet."),
   ("p", "Wheelchair users should call us 24 hours before travel so the crew can help with boarding."),
   ("h", "7. Weather"),
   ("p", "In winds over 18 m/s departures may be cancelled."),
   ("p", "Cancellations are posted on our website and sent by SMS to booked car passengers."),
  ])
