"""Writes the PDF documents of four of the quality bench's businesses (reportlab; for regenerating them only).

    python bench/blind/make_pdfs.py

Each PDF has a letterhead with the phone number, a running page header, a footer with page numbers, headings,
paragraphs and at least one table of prices or times, on at least two pages.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).resolve().parent / "businesses"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
pdfmetrics.registerFont(TTFont("Sans", str(FONTS / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("SansBold", str(FONTS / "DejaVuSans-Bold.ttf")))

Block = tuple[str, object]


def build(path: Path, letterhead: list[str], header: str, footer: str, page_word: str, blocks: list[Block]) -> None:
    """footer and page_word make the footer "footer — page_word N / M"."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Sans", fontSize=10, leading=13)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], fontName="SansBold", fontSize=13, spaceBefore=8)
    title = ParagraphStyle("title", parent=body, fontName="SansBold", fontSize=16, leading=20)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11, textColor=colors.HexColor("#333333"))
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
    story: list[object] = [Paragraph(letterhead[0], title)]
    story += [Paragraph(line, small) for line in letterhead[1:]]
    story.append(Spacer(1, 6 * mm))
    for kind, value in blocks:
        if kind == "h":
            story.append(Paragraph(str(value), heading))
        elif kind == "p":
            story += [Paragraph(str(value), body), Spacer(1, 2 * mm)]
        elif kind == "t":
            rows = [[Paragraph(str(c), cell) for c in row] for row in value]  # type: ignore[attr-defined]
            table = Table(rows, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ebf2")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [table, Spacer(1, 3 * mm)]
        elif kind == "break":
            story.append(PageBreak())
    pages: list[int] = []

    def furniture(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont("Sans", 8)  # type: ignore[attr-defined]
        canvas.drawString(20 * mm, A4[1] - 12 * mm, header)  # type: ignore[attr-defined]
        number = canvas.getPageNumber()  # type: ignore[attr-defined]
        total = pages[0] if pages else number
        canvas.drawString(20 * mm, 10 * mm, f"{footer} — {page_word} {number} / {total}")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    def make(target: Path) -> int:
        document = SimpleDocTemplate(str(target), pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm, title=header)
        document.build(list(story), onFirstPage=furniture, onLaterPages=furniture)
        return int(document.page)

    pages.append(make(path))  # first pass counts the pages, second writes "N / total"
    make(path)


DENTAL = [
    ("h", "Tarieven 2026"),
    ("p", "Alle bedragen zijn de tarieven die de Nederlandse Zorgautoriteit (NZa) voor 2026 heeft vastgesteld."),
    (
        "t",
        [
            ["Behandeling", "Code", "Tarief"],
            ["Periodieke controle", "C11", "€ 28,12"],
            ["Kleine röntgenfoto", "X10", "€ 20,70"],
            ["Verdoving", "A10", "€ 16,80"],
            ["Vulling één vlak (composiet)", "V91", "€ 58,40"],
            ["Wortelkanaalbehandeling, per kanaal", "E13", "€ 187,50"],
            ["Porseleinen kroon", "R24", "€ 612,00"],
            ["Mondhygiëne, per 5 minuten", "M03", "€ 14,35"],
        ],
    ),
    ("h", "Openingstijden"),
    (
        "t",
        [
            ["Dag", "Tijden"],
            ["Maandag tot en met donderdag", "08:00 – 17:30"],
            ["Vrijdag", "08:00 – 13:00"],
            ["Dinsdagavond (avondspreekuur)", "18:00 – 20:30"],
            ["Zaterdag en zondag", "gesloten"],
        ],
    ),
    ("h", "Spoed"),
    ("p", "Bij spoed buiten openingstijden belt u de Tandartsenspoedpost Rotterdam: 010 455 21 55."),
    ("p", "Tijdens openingstijden zien wij patiënten met acute pijn dezelfde dag."),
    ("break", None),
    ("h", "Afspraak afzeggen"),
    (
        "p",
        "Afzeggen kan kosteloos tot 24 uur van tevoren. Bij later afzeggen of niet verschijnen rekenen wij € 35,00 "
        "per gereserveerd kwartier.",
    ),
    ("h", "Praktijkregels"),
    ("p", "Neem bij uw eerste bezoek een geldig identiteitsbewijs en uw zorgpas mee."),
    ("p", "Kinderen onder 16 jaar komen onder begeleiding van een ouder of voogd."),
    ("p", "Tandheelkundige zorg voor kinderen tot 18 jaar valt onder de basisverzekering."),
    ("p", "Huisdieren zijn niet toegestaan in de praktijk, met uitzondering van hulphonden."),
    ("p", "Bent u zwanger, meld dit dan vóór het maken van röntgenfoto's."),
    ("p", "Gebruikt u bloedverdunners, neem dan uw actuele medicatieoverzicht mee."),
    ("h", "Betalen"),
    ("p", "Aan de balie kunt u pinnen; contant geld nemen wij niet aan."),
    ("p", "De nota van behandelingen die uw verzekeraar niet vergoedt, ontvangt u via Infomedics; u betaalt binnen 30 dagen."),
]

COOKING = [
    ("h", "Jadwal Kelas"),
    (
        "t",
        [
            ["Kelas", "Hari", "Jam", "Harga per orang"],
            ["Kelas Pagi + Tur Pasar", "Senin – Sabtu", "08.00 – 13.00", "Rp 450.000"],
            ["Kelas Vegetarian Sore", "Selasa, Kamis, Sabtu", "16.00 – 19.30", "Rp 375.000"],
            ["Kelas Privat (maks. 2 orang)", "sesuai janji", "3 jam", "Rp 1.200.000 per sesi"],
        ],
    ),
    ("p", "Hari Minggu dan hari libur nasional tidak ada kelas."),
    ("p", "Setiap kelas menerima paling banyak 10 peserta."),
    ("h", "Anak-anak"),
    (
        "p",
        "Anak usia 8 sampai 12 tahun boleh ikut bila didampingi orang tua dan membayar 50% dari harga kelas. "
        "Anak di bawah 8 tahun tidak dapat ikut kelas.",
    ),
    ("h", "Penjemputan"),
    ("p", "Penjemputan gratis dari hotel di area Prawirotaman dan Malioboro, 30 menit sebelum kelas dimulai."),
    ("p", "Penjemputan dari luar area tersebut dikenakan biaya Rp 75.000 per mobil."),
    ("break", None),
    ("h", "Pembatalan"),
    (
        "p",
        "Pembatalan gratis hingga 48 jam sebelum kelas. Setelah itu biaya tidak dikembalikan, tetapi kelas dapat "
        "dipindah ke tanggal lain satu kali.",
    ),
    (
        "p",
        "Kelas berjalan dengan minimal 2 peserta; jika peserta kurang, kami menawarkan tanggal lain atau pengembalian dana penuh.",
    ),
    ("h", "Alergi dan Kesehatan"),
    ("p", "Mohon beri tahu alergi (kacang, udang, gluten) saat memesan."),
    ("p", "Dapur kami tidak bebas kacang, sehingga peserta dengan alergi kacang yang berat sebaiknya tidak ikut."),
    ("h", "Pembayaran"),
    ("p", "Kami menerima tunai dan QRIS. Pembayaran dengan kartu Visa atau Mastercard dikenakan biaya tambahan 3%."),
]

DRIVING = [
    ("h", "Cennik 2026"),
    (
        "t",
        [
            ["Kurs / usługa", "Godziny", "Cena"],
            ["Kurs kat. B (teoria + praktyka)", "30 h teorii, 30 h jazd", "3 600 zł"],
            ["Kurs kat. B, tryb przyspieszony", "30 h jazd w 3 tygodnie", "4 200 zł"],
            ["Jazda doszkalająca (60 min)", "1 h", "160 zł"],
            ["Jazda doszkalająca automat (60 min)", "1 h", "180 zł"],
            ["Kurs kat. A (motocykl)", "20 h jazd", "3 900 zł"],
            ["Wynajem auta na egzamin państwowy", "–", "250 zł"],
        ],
    ),
    ("p", "Kurs kat. B można opłacić w trzech ratach bez odsetek; pierwsza rata 1 200 zł przy zapisie."),
    ("h", "Godziny otwarcia biura"),
    (
        "t",
        [
            ["Dzień", "Godziny"],
            ["Poniedziałek – piątek", "10:00 – 18:00"],
            ["Sobota", "9:00 – 13:00"],
            ["Niedziela", "nieczynne"],
        ],
    ),
    ("break", None),
    ("h", "Wymagania"),
    ("p", "Kurs kat. B można rozpocząć najwcześniej 3 miesiące przed ukończeniem 18 lat."),
    ("p", "Przed pierwszą jazdą kursant musi mieć numer PKK z wydziału komunikacji oraz orzeczenie lekarskie."),
    ("p", "Osoby niepełnoletnie przynoszą pisemną zgodę rodzica lub opiekuna."),
    ("p", "Na każdą jazdę należy zabrać dokument tożsamości ze zdjęciem."),
    ("h", "Odwoływanie jazd"),
    ("p", "Jazdę można odwołać bezpłatnie do 24 godzin przed terminem; jazda odwołana później przepada."),
    ("h", "Egzamin"),
    ("p", "Egzamin państwowy odbywa się w WORD Kraków, ul. Nowohucka 33a; opłata za egzamin nie jest wliczona w cenę kursu."),
    ("p", "Zajęcia teoretyczne prowadzimy po polsku; jazdy także po angielsku."),
]

CLIMBING = [
    ("h", "Priser 2026"),
    (
        "t",
        [
            ["Billett", "Pris"],
            ["Dagsbillett voksen", "kr 210"],
            ["Dagsbillett student / honnør", "kr 170"],
            ["Dagsbillett barn under 16 år", "kr 120"],
            ["Klippekort 10 besøk, voksen", "kr 1 800"],
            ["Månedskort voksen", "kr 690 per måned"],
            ["Leie av klatresko", "kr 60"],
            ["Leie av sele", "kr 40"],
            ["Brattkortprøve i resepsjonen", "kr 150"],
        ],
    ),
    ("p", "Månedskortet har ingen bindingstid, men oppsigelsestiden er én måned."),
    ("h", "Åpningstider"),
    (
        "t",
        [
            ["Dag", "Åpent"],
            ["Mandag – fredag", "10:00 – 23:00"],
            ["Lørdag og søndag", "10:00 – 20:00"],
            ["Barnas time (lørdag)", "10:00 – 12:00"],
        ],
    ),
    ("p", "På julaften, 1. juledag og 17. mai er senteret stengt."),
    ("break", None),
    ("h", "Krav og regler"),
    ("p", "Alle må signere ansvarserklæring ved første besøk."),
    ("p", "For å klatre i tau må du ha gyldig brattkort eller ta brattkortprøven i resepsjonen."),
    ("p", "Barn under 14 år må klatre sammen med en voksen som har ansvar for dem."),
    ("p", "Ungdom fra 14 til 17 år kan klatre alene med skriftlig samtykke fra foresatte."),
    ("p", "Det er ikke lov å gå på buldremattene med gatesko."),
    ("p", "Hunder er ikke tillatt i klatrehallen."),
    ("p", "Gravide kan klatre i tau med helsele, men frarådes å buldre."),
    ("h", "Kurs og avbestilling"),
    ("p", "Kurs kan avbestilles gratis inntil 7 dager før start; ved senere avbestilling refunderes ikke kursavgiften."),
    ("h", "Betaling"),
    ("p", "Vi tar imot kort og Vipps. Vi tar ikke imot kontanter."),
]


def main() -> None:
    build(
        HERE / "dental_rotterdam_nl" / "tarieven-en-praktijkregels.pdf",
        [
            "Tandartspraktijk Maasoever",
            "Maasboulevard 118 · 3011 TX Rotterdam · Tel. 010 412 77 30 · info@maasoever-tandarts.nl",
        ],
        "Tandartspraktijk Maasoever · Tarieven en praktijkregels 2026",
        "Maasoever tarievenlijst",
        "pagina",
        DENTAL,
    )
    build(
        HERE / "cooking_school_yogya_id" / "jadwal-dan-harga.pdf",
        [
            "Dapur Ibu Sari Cooking School",
            "Jl. Prawirotaman II No. 21, Yogyakarta 55153 · Telp. +62 274 512 889 · halo@dapuribusari.id",
        ],
        "Dapur Ibu Sari · Jadwal & Harga 2026",
        "Dapur Ibu Sari — informasi resmi",
        "halaman",
        COOKING,
    )
    build(
        HERE / "driving_school_krakow_pl" / "cennik-i-regulamin.pdf",
        [
            "Szkoła Jazdy Wawel-Drive",
            "ul. Kalwaryjska 64, 30-504 Kraków · tel. +48 12 345 67 89 · biuro@waweldrive.pl",
        ],
        "Wawel-Drive · Cennik i regulamin 2026",
        "Szkoła Jazdy Wawel-Drive",
        "strona",
        DRIVING,
    )
    build(
        HERE / "climbing_gym_oslo_no" / "priser-og-regler.pdf",
        [
            "Bratt Klatresenter",
            "Sandakerveien 24, 0473 Oslo · Tlf. +47 22 71 40 90 · post@brattklatring.no",
        ],
        "Bratt Klatresenter · Priser og regler 2026",
        "Bratt Klatresenter — prisliste og husregler",
        "side",
        CLIMBING,
    )


if __name__ == "__main__":
    main()
