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



build("tarifs_politique.pdf", "Tarifs et politique 2026",
  ["Toilettage Chez Pistache", "4820, rue Saint-Denis, Montréal (Québec) H2J 2L6", "Tél. 514 555-0147 · bonjour@chezpistache.ca"],
  "Toilettage Chez Pistache — Tarifs et politique 2026", "Page",
  [("h", "1. Tarifs chiens"),
   ("t", [["Poids", "Bain et brossage", "Toilettage complet"],
          ["Moins de 10 kg", "55 $", "75 $"], ["10 à 25 kg", "70 $", "95 $"],
          ["25 à 40 kg", "90 $", "120 $"], ["Plus de 40 kg", "110 $", "150 $"]]),
   ("h", "2. Chats et extras"),
   ("t", [["Service", "Prix"],
          ["Chat, bain et brossage", "95 $"], ["Chat, rasage lion", "130 $"],
          ["Coupe de griffes seule", "20 $"], ["Démêlage (par 15 min)", "15 $"],
          ["Traitement antipuces", "25 $"], ["Brossage de dents", "12 $"]]),
   ("p", "Les prix sont en dollars canadiens, taxes (TPS et TVQ) en sus."),
   ("h", "3. Horaire"),
   ("p", "Du mardi au samedi, de 9 h à 17 h. Fermé le dimanche et le lundi."),
   ("break",),
   ("h", "4. Santé et vaccins"),
   ("p", "Tous les animaux doivent avoir un vaccin contre la rage à jour."),
   ("p", "Apportez la preuve de vaccination à la première visite."),
   ("p", "Chiots acceptés à partir de 10 semaines, après leur deuxième vaccin."),
   ("p", "Nous n'acceptons pas les chiennes en chaleur."),
   ("p", "Un animal qui a des puces reçoit un traitement antipuces obligatoire de 25 $."),
   ("p", "Nous ne donnons jamais de sédatifs."),
   ("h", "5. Stress et comportement"),
   ("p", "Si l'animal est trop stressé, nous arrêtons le toilettage; seul le travail fait est facturé."),
   ("h", "6. Retards et annulations"),
   ("p", "Après 15 minutes de retard, le rendez-vous peut être annulé."),
   ("p", "Annulez au moins 24 heures à l'avance, sinon 50 % du prix est facturé."),
  ])
