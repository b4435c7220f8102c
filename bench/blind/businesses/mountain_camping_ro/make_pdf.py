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



build("regulament_tarife.pdf", "Regulamentul campingului și tarife 2026",
  ["Camping Valea Cerbului", "Str. Râului 12, 507285 Zărnești, jud. Brașov, România", "Telefon +40 268 223 417 · contact@valeacerbului.ro"],
  "Camping Valea Cerbului — Regulament și tarife 2026", "Pagina",
  [("h", "1. Tarife"),
   ("t", [["Serviciu", "Preț"],
          ["Loc de cort (pe noapte)", "45 lei"], ["Adult (pe noapte)", "30 lei"], ["Copil 6–14 ani (pe noapte)", "15 lei"],
          ["Copil sub 6 ani", "gratuit"], ["Rulotă sau autorulotă (pe noapte)", "80 lei"], ["Racord electric (pe noapte)", "15 lei"],
          ["Căsuță de lemn, 4 persoane (pe noapte)", "320 lei"], ["Câine (pe noapte)", "10 lei"],
          ["Taxă locală", "2 lei / persoană / noapte"]]),
   ("p", "Se acceptă numerar și card. Plata se face la sosire."),
   ("h", "2. Program"),
   ("t", [["", "Ore"], ["Recepție", "08:00–21:00"], ["Check-in", "de la 14:00"], ["Check-out", "până la 11:00"], ["Liniște", "22:00–07:00"]]),
   ("h", "3. Rezervări și anulare"),
   ("p", "Rezervarea căsuțelor se confirmă după plata unui avans de 30%."),
   ("p", "Anularea este gratuită cu cel puțin 7 zile înainte de sosire."),
   ("p", "La anulări mai târzii avansul nu se returnează."),
   ("break",),
   ("h", "4. Animale de companie"),
   ("p", "Câinii sunt acceptați doar în lesă și nu au voie în căsuțe."),
   ("p", "Sunt permiși cel mult 2 câini pe un loc."),
   ("h", "5. Foc și grătar"),
   ("p", "Focul deschis este permis doar în vetrele amenajate."),
   ("p", "Grătarele proprii pe cărbuni sunt permise la cel puțin 3 metri de corturi."),
   ("h", "6. Urși"),
   ("p", "Zona este locuită de urși. Nu lăsați mâncare în cort sau afară peste noapte."),
   ("p", "Folosiți containerele metalice de la recepție pentru alimente."),
   ("h", "7. Alte reguli"),
   ("p", "Minorii sub 18 ani pot sta doar însoțiți de un adult."),
   ("p", "Generatoarele nu sunt permise în camping."),
   ("p", "Zborul cu drona este interzis în camping."),
  ])
