"""Documents read as their authors wrote them: what a customer can be quoted from an uploaded PDF, Markdown or
text file. Each test uploads a document and looks at the sentences the bot may quote from its stored passages."""

from __future__ import annotations

import textwrap
from datetime import datetime
from itertools import zip_longest

import pytest

from bot.pipeline.turn_view import clean_sentences
from knowledge.chunking import CHUNK_SIZE, split_text
from knowledge.documents import DocumentError, add_document, reread_documents
from knowledge.pdf_layout import Span, document_text
from knowledge.store import CHUNKS, DOCUMENTS
from knowledge.text_structure import row_sentence, tables_as_sentences
from tests.knowledge.layout_pdfs import Page, layout_pdf


async def passages(db, document_id: str) -> list[str]:
    cursor = db[CHUNKS].find({"document_id": document_id}).sort("ordinal", 1)
    return [chunk["text"] async for chunk in cursor]


async def quotable(db, filename: str, data: bytes, content_type: str = "application/pdf") -> tuple[list[str], list[str]]:
    """The stored passages of an upload, and every sentence the bot may quote from them (each once)."""
    info = await add_document(db, "t1", filename, content_type, data)
    texts = await passages(db, info.id)
    sentences = list(dict.fromkeys(s for text in texts for s in clean_sentences(text)))
    return texts, sentences


def letter(pages: list[Page]) -> bytes:
    return layout_pdf([page.runs for page in pages])


async def test_letterhead_is_no_sentence_and_a_heading_stays_a_heading(db):
    page = Page()
    page.line("Yogastudio Sonnenhof", size=18, bold=True)
    page.line("Hauptstraße 5 · 10115 Berlin")
    page.line("Tel. +49 30 1234567 · hallo@sonnenhof.de · www.sonnenhof.de")
    page.y -= 30
    page.heading("Öffnungszeiten")
    page.paragraph("Unser Studio öffnet um 9 Uhr und schließt um 20 Uhr. Am Sonntag bleibt es geschlossen.")
    page.heading("Kurse")
    page.paragraph("Anfänger sind in jedem Kurs willkommen. Matten und Handtücher stellen wir kostenlos.")
    texts, sentences = await quotable(db, "studio.pdf", letter([page]))

    assert sentences == [
        "Unser Studio öffnet um 9 Uhr und schließt um 20 Uhr.",
        "Am Sonntag bleibt es geschlossen.",
        "Anfänger sind in jedem Kurs willkommen.",
        "Matten und Handtücher stellen wir kostenlos.",
    ]
    stored = "\n".join(texts)
    assert "## Öffnungszeiten\nUnser Studio" in stored and "## Kurse" in stored
    assert "1234567" not in stored and "Hauptstraße" not in stored and "@" not in stored


async def test_running_header_footer_and_page_numbers_are_left_out_and_a_page_break_joins_a_sentence(db):
    header = "Hotel Sol y Mar · Información para huéspedes"
    first = Page().heading("Horario", size=16)
    first.paragraph(
        "La recepción abre a las 7:00 y cierra a las 23:00 todos los días. El desayuno se sirve en la terraza "
        "desde las 7:30 hasta las 10:30, y los domingos hasta las 11:00, cuando"
    )
    first.at(56, 810, header).at(280, 30, "Página 1 de 2").at(520, 810, "- 1 -")
    second = Page().paragraph("también ofrecemos churros con chocolate. La piscina abre de mayo a octubre.")
    second.heading("Cancelación", size=16).paragraph("Puede cancelar gratis hasta 48 horas antes de la llegada.")
    second.at(56, 810, header).at(280, 30, "Página 2 de 2").at(520, 810, "- 2 -")
    _, sentences = await quotable(db, "huespedes.pdf", letter([first, second]))

    assert sentences == [
        "La recepción abre a las 7:00 y cierra a las 23:00 todos los días.",
        "El desayuno se sirve en la terraza desde las 7:30 hasta las 10:30, y los domingos hasta las 11:00, cuando "
        "también ofrecemos churros con chocolate.",
        "La piscina abre de mayo a octubre.",
        "Puede cancelar gratis hasta 48 horas antes de la llegada.",
    ]


async def test_a_page_number_alone_on_a_one_page_document_is_left_out(db):
    page = Page().heading("Service").paragraph("We repair bicycles of every brand within two working days.")
    page.at(290, 30, "2/3")
    _, sentences = await quotable(db, "service.pdf", letter([page]))
    assert sentences == ["We repair bicycles of every brand within two working days."]


async def test_a_pdf_price_table_gives_one_sentence_per_row(db):
    columns = [56, 250, 400]
    page = Page().heading("Tarifs", size=16)
    page.row(["Chambre", "Prix par nuit", "Petit-déjeuner"], columns, bold=True)
    page.row(["Chambre double", "140 €", "inclus"], columns)
    page.row(["Suite avec vue", "220 €", "inclus, servi"], columns)
    page.line("en chambre", x=400)
    page.row(["Chambre simple", "95 €", "12 €"], columns)
    page.paragraph("Les prix comprennent la taxe de séjour.")
    texts, sentences = await quotable(db, "tarifs.pdf", letter([page]))

    assert sentences == [
        "Chambre double — Prix par nuit: 140 €; Petit-déjeuner: inclus.",
        "Suite avec vue — Prix par nuit: 220 €; Petit-déjeuner: inclus, servi en chambre.",
        "Chambre simple — Prix par nuit: 95 €; Petit-déjeuner: 12 €.",
        "Les prix comprennent la taxe de séjour.",
    ]
    assert texts[0].startswith("## Tarifs\n")


async def test_a_table_without_a_header_row_reads_subject_then_values(db):
    columns = [56, 300]
    page = Page().heading("Prices")
    page.row(["Room with a view", "€ 140 per night"], columns)
    page.row(["Room facing the garden", "€ 110 per night"], columns)
    _, sentences = await quotable(db, "prices.pdf", letter([page]))
    assert sentences == ["Room with a view: € 140 per night.", "Room facing the garden: € 110 per night."]


async def test_text_in_two_columns_is_read_column_by_column(db):
    left = textwrap.wrap("Our bakery opens every morning at six and bakes sourdough bread. We close at two.", 38)
    right = textwrap.wrap("Cakes can be ordered three days ahead by phone or in the shop. Delivery costs five euros.", 38)
    page = Page().heading("About us", size=18)
    for a, b in zip_longest(left, right, fillvalue=""):
        page.row([a, b], [56, 310])
    _, sentences = await quotable(db, "about.pdf", letter([page]))
    assert sentences == [
        "Our bakery opens every morning at six and bakes sourdough bread.",
        "We close at two.",
        "Cakes can be ordered three days ahead by phone or in the shop.",
        "Delivery costs five euros.",
    ]


async def test_a_bold_faq_question_stays_a_question_before_its_answer(db):
    page = Page().heading("FAQ", size=16)
    page.line("Do you deliver on Sundays?", bold=True)
    page.paragraph("No, we deliver from Monday to Saturday.")
    _, sentences = await quotable(db, "faq.pdf", letter([page]))
    assert sentences == ["Do you deliver on Sundays?", "No, we deliver from Monday to Saturday."]


MARKDOWN = """# Harbour Pilates

## Prices

| Plan | Price | Classes |
|:-----|------:|---------|
| **Drop-in** | £15 | one class |
| Unlimited | £99/month | every class |

## FAQ

**Can I bring a friend?**
Yes, your first friend visit is free.

What should I wear?
--------------------

Comfortable clothes; we lend grip socks.

We offer:
- mat classes
- reformer classes
"""


async def test_markdown_pipe_table_faq_and_list_as_sentences(db):
    texts, sentences = await quotable(db, "studio.md", MARKDOWN.encode(), "text/markdown")
    assert sentences == [
        "Drop-in — Price: £15; Classes: one class.",
        "Unlimited — Price: £99/month; Classes: every class.",
        "Can I bring a friend?",
        "Yes, your first friend visit is free.",
        "What should I wear?",
        "Comfortable clothes; we lend grip socks.",
        "We offer: mat classes, reformer classes.",
    ]
    assert not any("|" in text or "---" in text for text in texts)
    assert "## What should I wear?" in "\n".join(texts)


async def test_plain_text_table_aligned_with_spaces_or_tabs(db):
    text = (
        "Opening hours\n\n"
        "Day        Opens    Closes\n"
        "---------  -------  ------\n"
        "Monday     9:00     18:00\n"
        "Saturday   10:00    14:00\n\n"
        "Item\tPrice\n"
        "Tyre change\t€ 25\n"
        "Brake service\t€ 40\n"
    )
    _, sentences = await quotable(db, "hours.txt", text.encode(), "text/plain")
    assert sentences == [
        "Monday — Opens: 9:00; Closes: 18:00.",
        "Saturday — Opens: 10:00; Closes: 14:00.",
        "Tyre change — Price: € 25.",
        "Brake service — Price: € 40.",
    ]


def test_prose_with_two_spaces_after_a_full_stop_is_no_table():
    text = "We open at nine.  Parking is free.\nBikes are welcome.  Dogs too, on a lead."
    assert tables_as_sentences(text) == text


@pytest.mark.parametrize(
    ("cells", "headers", "sentence"),
    [
        (
            ["Double room", "€ 140", "included"],
            ["Room", "Price", "Breakfast"],
            "Double room — Price: € 140; Breakfast: included.",
        ),
        (["Double room", "€ 140", ""], ["Room", "Price", "Breakfast"], "Double room — Price: € 140."),
        (["Room with a view", "€ 140 per night"], [], "Room with a view: € 140 per night."),
        (["Sauna", "yes"], ["", "Yes"], "Sauna — yes."),
        (["", " ", ""], ["a", "b", "c"], None),
    ],
)
def test_row_sentence(cells, headers, sentence):
    assert row_sentence(cells, headers) == sentence


LONG_PARAGRAPH = " ".join(
    f"Ride number {n} leaves the harbour at {8 + n % 9}:15 and returns after about {n % 4 + 2} hours, weather permitting."
    for n in range(30)
)


async def test_a_long_paragraph_is_cut_only_between_sentences(db):
    page = Page().heading("Boat trips", size=16)
    for line in textwrap.wrap(LONG_PARAGRAPH, 95):
        page.line(line)
    pages = [page]
    texts, sentences = await quotable(db, "trips.pdf", letter(pages))

    written = set(LONG_PARAGRAPH.replace("permitting. ", "permitting.\n").split("\n"))
    assert len(texts) >= 3 and all(len(text) <= CHUNK_SIZE for text in texts)
    assert all(text.startswith("## Boat trips\nRide number ") for text in texts)
    assert all(text.endswith("permitting.") for text in texts)
    for text in texts:  # each passage is whole sentences of the paragraph, nothing cut
        assert set(clean_sentences(text)) <= written
    assert set(sentences) == written


def test_overlap_starts_at_a_sentence_and_a_single_overlong_sentence_is_cut_between_words():
    texts = split_text("## Notes\n" + LONG_PARAGRAPH)
    for before, after in zip(texts, texts[1:], strict=False):
        carried = after.split("\n", 1)[1].split(" Ride number ")[0]
        assert carried.startswith("Ride number ") and carried in before
    endless = " ".join(["word"] * 400)
    pieces = split_text(endless)
    assert all(len(piece) <= CHUNK_SIZE for piece in pieces) and " ".join(pieces).split() == endless.split()


async def test_a_pdf_of_only_page_furniture_has_no_text(db):
    first = Page().at(56, 810, "Company Ltd · Brochure").at(290, 30, "Page 1 of 2")
    second = Page().at(56, 810, "Company Ltd · Brochure").at(290, 30, "Page 2 of 2")
    with pytest.raises(DocumentError) as refused:
        await add_document(db, "t1", "empty.pdf", "application/pdf", letter([first, second]))
    assert refused.value.kind == "no_text"


async def test_documents_stored_before_are_read_again(db):
    """A document stored by the former reading (text kept only in its overlapping chunks, a PDF read line by
    line): the tenant's next upload reads it again."""
    old_text = (
        "Studio rules\nPlease arrive ten minutes early. Lockers are free of\ncharge.\nPage 1 of 2\n"
        "Prices\n| Class | Price |\n|---|---|\n| Yoga | € 12 |\nPage 2 of 2"
    )
    chunks = [old_text[:70], old_text[50:]]  # the former splitter's overlap
    await db[DOCUMENTS].insert_one(
        {"_id": "old", "tenant_id": "t1", "filename": "rules.pdf", "content_type": "application/pdf", "size_bytes": 900}
        | {"chunks": 2, "created_at": datetime(2025, 1, 1)}
    )
    await db[CHUNKS].insert_many(
        [
            {"_id": f"c{n}", "tenant_id": "t1", "document_id": "old", "source": "document:old", "title": "rules.pdf"}
            | {"text": text, "ordinal": n}
            for n, text in enumerate(chunks)
        ]
    )
    await add_document(db, "t1", "new.txt", "text/plain", b"Mats are provided.")

    texts = await passages(db, "old")
    sentences = [s for text in texts for s in clean_sentences(text)]
    assert sentences == ["Please arrive ten minutes early.", "Lockers are free of charge.", "Yoga — Price: € 12."]
    assert (await db[DOCUMENTS].find_one({"_id": "old"}))["chunks"] == len(texts)
    assert await reread_documents(db, "t1") == 0  # done once


async def test_a_document_read_by_an_older_reading_is_split_again_from_its_stored_text(db):
    text = "## Parking\nThe car park behind the hotel is free for guests. It closes at midnight."
    await db[DOCUMENTS].insert_one(
        {"_id": "kept", "tenant_id": "t1", "filename": "parking.md", "content_type": "text/markdown", "size_bytes": 80}
        | {"chunks": 1, "created_at": datetime(2025, 1, 1), "text": text, "reading": 1}
    )
    await db[CHUNKS].insert_one(
        {"_id": "stale", "tenant_id": "t1", "document_id": "kept", "source": "document:kept", "title": "parking.md"}
        | {"text": "The car park behind the hotel is free for", "ordinal": 0}
    )
    assert await reread_documents(db, "t1") == 1
    assert await passages(db, "kept") == [text]


async def test_numbered_and_capitalised_headings_in_body_type_are_headings(db):
    page = Page()
    page.line("1. Booking", bold=True)
    page.paragraph("Lessons are booked online and paid when booking.")
    page.line("CANCELLATION")
    page.paragraph("A lesson cancelled 24 hours ahead is refunded in full.")
    page.line("- Bring your licence to every lesson")
    texts, sentences = await quotable(db, "rules.pdf", letter([page]))
    assert sentences == [
        "Lessons are booked online and paid when booking.",
        "A lesson cancelled 24 hours ahead is refunded in full.",
        "Bring your licence to every lesson.",
    ]
    assert "## 1. Booking" in texts[0] and "## CANCELLATION" in texts[0]


def test_quoted_sentences_from_a_passage_stored_before_leave_out_cut_ends_page_numbers_and_contact_lines():
    stored = (
        "to 5 pm on weekdays. Our café serves breakfast until noon.\n"
        "Page 2 of 3\n"
        "Tel. +49 30 1234567 · info@example.org\n"
        "Call us on +49 30 1234567 to book a table. Groups of more than eight"
    )
    assert clean_sentences(stored) == [
        "Our café serves breakfast until noon.",
        "Call us on +49 30 1234567 to book a table.",
    ]


async def test_a_ruled_table_with_narrow_padding_and_bullets_set_apart_from_their_items(db):
    page = Page().heading("Preços", size=16)
    page.ruled_table([["Tratamento", "Preço", "Duração"], ["Consulta de avaliação", "35 €", "30 min"]], padding=12)
    page.y -= 10
    page.paragraph("Incluído em cada consulta:")
    page.row(["•", "radiografia"], [56, 68])
    page.row(["•", "plano de tratamento"], [56, 68])
    _, sentences = await quotable(db, "precos.pdf", letter([page]))
    assert sentences == [
        "Consulta de avaliação — Preço: 35 €; Duração: 30 min.",
        "Incluído em cada consulta: radiografia, plano de tratamento.",
    ]


async def test_a_price_list_over_two_pages_keeps_its_header_row_on_both(db):
    columns = [56, 250, 400]
    first = Page().heading("Price list", size=16)
    first.row(["Room", "Price", "Breakfast"], columns, bold=True)
    first.row(["Double room", "€ 140", "included"], columns)
    first.row(["Single room", "€ 95", "€ 12"], columns)
    first.at(280, 30, "1")
    second = Page()
    second.row(["Room", "Price", "Breakfast"], columns, bold=True)
    second.row(["Suite", "€ 220", "included"], columns)
    second.paragraph("Prices are per night and include taxes.")
    second.at(280, 30, "2")
    _, sentences = await quotable(db, "prices.pdf", letter([first, second]))
    assert sentences == [
        "Double room — Price: € 140; Breakfast: included.",
        "Single room — Price: € 95; Breakfast: € 12.",
        "Suite — Price: € 220; Breakfast: included.",
        "Prices are per night and include taxes.",
    ]


async def test_a_word_broken_at_a_line_end_is_joined_again_keeping_a_hyphen_the_document_writes(db):
    page = Page().heading("Horário")
    page.line("A clínica abre de segunda a sexta-")
    page.line("feira, das 9h00 às 20h00. As marcações são confir-")
    page.line("madas por SMS. À sexta-feira fechamos às 18h00.")
    _, sentences = await quotable(db, "horario.pdf", letter([page]))
    assert sentences == [
        "A clínica abre de segunda a sexta-feira, das 9h00 às 20h00.",
        "As marcações são confirmadas por SMS.",
        "À sexta-feira fechamos às 18h00.",
    ]


def test_lines_of_a_script_without_spaces_join_without_one():
    lines = [Span(56, 200, 700, 10.5, False, "我们的工作室早上九点"), Span(56, 80, 686, 10.5, False, "开门。周日休息。")]
    assert document_text([lines]) == "我们的工作室早上九点开门。周日休息。"


async def test_a_footer_with_the_page_number_goes_and_table_rows_at_page_edges_stay(db):
    columns = [56, 300]
    pages = []
    for number, rows in enumerate([[("Room 1", "€ 140")], [("Room 2", "€ 150")]], start=1):
        page = Page().paragraph(f"Section {number} of our guide lists the rooms of floor {number}.")
        for _ in range(3):
            page.paragraph("Every room has a desk, a safe and a rain shower.")
        page.row(["Room", "Price"], columns, bold=True)
        for room, price in rows:
            page.row([room, price], columns)
        page.at(56, 30, f"Casa Azul · Página {number} de 2")
        pages.append(page)
    _, sentences = await quotable(db, "rooms.pdf", letter(pages))
    assert sentences == [
        "Section 1 of our guide lists the rooms of floor 1.",
        "Every room has a desk, a safe and a rain shower.",
        "Room 1 — Price: € 140.",
        "Section 2 of our guide lists the rooms of floor 2.",
        "Room 2 — Price: € 150.",
    ]


async def test_a_watermark_across_the_page_is_no_text(db):
    page = Page().heading("Tarifa")
    page.paragraph("La clase de prueba es gratuita para nuevos alumnos.")
    page.at(150, 400, "BORRADOR - NO DISTRIBUIR", size=40, angle=45)
    _, sentences = await quotable(db, "tarifa.pdf", letter([page]))
    assert sentences == ["La clase de prueba es gratuita para nuevos alumnos."]


def test_a_short_answer_after_a_question_is_no_title():
    faq = "Do you deliver on Sundays?\nNo\nDo you deliver abroad?\nYes, to every country in the EU."
    assert clean_sentences(faq) == [
        "Do you deliver on Sundays?",
        "No",
        "Do you deliver abroad?",
        "Yes, to every country in the EU.",
    ]
