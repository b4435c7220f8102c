"""The offline responder's fixed sentences in the five languages it speaks. Product facts stay as stored."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "opt_out": {
        "en": "You won't get more messages from us. Reply START to resume.",
        "es": "No recibirás más mensajes nuestros. Responde EMPEZAR para volver a recibirlos.",
        "pt": "Você não receberá mais mensagens nossas. Responda COMEÇAR para voltar a receber.",
        "fr": "Vous ne recevrez plus de messages de notre part. Répondez START pour les réactiver.",
        "de": "Du erhältst keine weiteren Nachrichten von uns. Antworte START, um sie wieder zu erhalten.",
    },
    "opt_in": {
        "en": "Welcome back! You'll get our messages again. How can I help?",
        "es": "¡Bienvenido de nuevo! Volverás a recibir nuestros mensajes. ¿En qué puedo ayudarte?",
        "pt": "Bem-vindo de volta! Você voltará a receber nossas mensagens. Como posso ajudar?",
        "fr": "Bon retour ! Vous recevrez de nouveau nos messages. Comment puis-je vous aider ?",
        "de": "Willkommen zurück! Du erhältst wieder unsere Nachrichten. Wie kann ich helfen?",
    },
    "handoff": {
        "en": "Sure! A person from our team will take over this conversation shortly.",
        "es": "¡Claro! Una persona de nuestro equipo continuará esta conversación en breve.",
        "pt": "Claro! Uma pessoa da nossa equipe vai continuar esta conversa em breve.",
        "fr": "Bien sûr ! Une personne de notre équipe va prendre le relais très bientôt.",
        "de": "Gerne! Eine Person aus unserem Team übernimmt das Gespräch in Kürze.",
    },
    "hello": {"en": "Hi{name}!", "es": "¡Hola{name}!", "pt": "Olá{name}!", "fr": "Bonjour{name} !", "de": "Hallo{name}!"},
    "welcome": {
        "en": "Welcome to {business}.",
        "es": "Bienvenido a {business}.",
        "pt": "Bem-vindo ao atendimento de {business}.",
        "fr": "Bienvenue chez {business}.",
        "de": "Willkommen bei {business}.",
    },
    "we_offer": {
        "en": "We offer {offer}.",
        "es": "Ofrecemos {offer}.",
        "pt": "Oferecemos {offer}.",
        "fr": "Nous proposons {offer}.",
        "de": "Wir bieten {offer}.",
    },
    "how_help": {
        "en": "How can I help you today?",
        "es": "¿En qué puedo ayudarte hoy?",
        "pt": "Como posso ajudar hoje?",
        "fr": "Comment puis-je vous aider aujourd'hui ?",
        "de": "Wie kann ich dir heute helfen?",
    },
    "and": {"en": "and", "es": "y", "pt": "e", "fr": "et", "de": "und"},
    "costs": {
        "en": "{product} costs {price}.",
        "es": "{product} cuesta {price}.",
        "pt": "{product} custa {price}.",
        "fr": "{product} coûte {price}.",
        "de": "{product} kostet {price}.",
    },
    "features": {
        "en": "Key features: {features}.",
        "es": "Lo más destacado: {features}.",
        "pt": "Destaques: {features}.",
        "fr": "Points forts : {features}.",
        "de": "Das Wichtigste: {features}.",
    },
    "cta": {
        "en": "You can get it here: {url}",
        "es": "Puedes conseguirlo aquí: {url}",
        "pt": "Você pode adquirir aqui: {url}",
        "fr": "Vous pouvez l'obtenir ici : {url}",
        "de": "Hier bekommst du es: {url}",
    },
    "which_one": {
        "en": "Which one would you like to know more about?",
        "es": "¿Sobre cuál te gustaría saber más?",
        "pt": "Sobre qual você gostaria de saber mais?",
        "fr": "Lequel vous intéresse ?",
        "de": "Worüber möchtest du mehr wissen?",
    },
    "not_sold_item": {
        "en": "Sorry, we don't sell {item}.",
        "es": "Lo siento, no vendemos {item}.",
        "pt": "Desculpe, não vendemos {item}.",
        "fr": "Désolé, nous ne vendons pas de {item}.",
        "de": "Leider verkaufen wir {item} nicht.",
    },
    "not_sold": {
        "en": "Sorry, we don't sell that.",
        "es": "Lo siento, eso no lo vendemos.",
        "pt": "Desculpe, não vendemos isso.",
        "fr": "Désolé, nous ne vendons pas cela.",
        "de": "Leider verkaufen wir das nicht.",
    },
    "not_available": {
        "en": "Sorry, that isn't available here.",
        "es": "Lo siento, eso no está disponible aquí.",
        "pt": "Desculpe, isso não está disponível aqui.",
        "fr": "Désolé, ce n'est pas disponible ici.",
        "de": "Leider ist das hier nicht erhältlich.",
    },
    "understand": {"en": "I understand.", "es": "Te entiendo.", "pt": "Entendo.", "fr": "Je comprends.", "de": "Das verstehe ich."},
    "value": {
        "en": "For {price}, {product} gives you: {features}.",
        "es": "Por {price}, {product} te ofrece: {features}.",
        "pt": "Por {price}, {product} oferece: {features}.",
        "fr": "Pour {price}, {product} vous offre : {features}.",
        "de": "Für {price} bekommst du mit {product}: {features}.",
    },
    "decide": {
        "en": "Happy to answer any question that helps you decide.",
        "es": "Con gusto respondo cualquier pregunta que te ayude a decidir.",
        "pt": "Fico feliz em responder qualquer dúvida que ajude na sua decisão.",
        "fr": "Je réponds volontiers à toute question qui peut vous aider à décider.",
        "de": "Ich beantworte gern jede Frage, die dir bei der Entscheidung hilft.",
    },
    "great_choice": {"en": "Great choice!", "es": "¡Excelente elección!", "pt": "Ótima escolha!", "fr": "Excellent choix !", "de": "Gute Wahl!"},
    "complete_order": {
        "en": "Please share your email or phone number and we'll help you complete your order.",
        "es": "Compártenos tu correo o teléfono y te ayudamos a completar tu pedido.",
        "pt": "Envie seu e-mail ou telefone e ajudamos você a concluir o pedido.",
        "fr": "Indiquez-nous votre e-mail ou votre téléphone et nous vous aiderons à finaliser la commande.",
        "de": "Schick uns deine E-Mail oder Telefonnummer, dann helfen wir dir bei der Bestellung.",
    },
    "noted": {
        "en": "Thanks{name}, noted!",
        "es": "¡Gracias{name}, anotado!",
        "pt": "Obrigado{name}, anotado!",
        "fr": "Merci{name}, c'est noté !",
        "de": "Danke{name}, notiert!",
    },
    "thanks_back": {"en": "You're welcome!", "es": "¡De nada!", "pt": "De nada!", "fr": "Avec plaisir !", "de": "Gern geschehen!"},
    "happy_help": {"en": "Happy to help!", "es": "¡Con gusto!", "pt": "Com prazer!", "fr": "Avec plaisir !", "de": "Gerne!"},
    "steer": {
        "en": "I can help you with {offer}. What would you like to know?",
        "es": "Puedo ayudarte con {offer}. ¿Qué te gustaría saber?",
        "pt": "Posso ajudar com {offer}. O que você gostaria de saber?",
        "fr": "Je peux vous aider pour {offer}. Que souhaitez-vous savoir ?",
        "de": "Ich helfe dir gern bei {offer}. Was möchtest du wissen?",
    },
    "steer_business": {
        "en": "I can help with questions about {business}. What would you like to know?",
        "es": "Puedo ayudarte con preguntas sobre {business}. ¿Qué te gustaría saber?",
        "pt": "Posso ajudar com dúvidas sobre {business}. O que você gostaria de saber?",
        "fr": "Je peux répondre à vos questions sur {business}. Que souhaitez-vous savoir ?",
        "de": "Ich helfe dir gern bei Fragen zu {business}. Was möchtest du wissen?",
    },
    "check_team": {
        "en": "Good question! I'll check with the team and get back to you.",
        "es": "¡Buena pregunta! Lo consulto con el equipo y te respondo.",
        "pt": "Boa pergunta! Vou verificar com a equipe e já te respondo.",
        "fr": "Bonne question ! Je vérifie avec l'équipe et je reviens vers vous.",
        "de": "Gute Frage! Ich kläre das mit dem Team und melde mich.",
    },
    "our_business": {"en": "our business", "es": "nuestro negocio", "pt": "nosso negócio", "fr": "notre entreprise", "de": "unser Geschäft"},
    "our_products": {"en": "our products", "es": "nuestros productos", "pt": "nossos produtos", "fr": "nos produits", "de": "unsere Produkte"},
}


def phrase(key: str, lang: str, **values: str) -> str:
    by_language = PHRASES[key]
    template = by_language.get(lang) or by_language["en"]
    return template.format(**values) if values else template
