"""The sentences the pages' scripts write (`dashboard/static/*.js`), marked here for the catalogs.

Scripts have no gettext: every page carries these sentences, translated, as JSON (`base.html`), and `app.js`'s
`pageWords(text, values)` looks each one up by its English text and fills its `{placeholders}`. A test checks
that every sentence a script asks for is listed here.
"""

from __future__ import annotations

from dashboard.i18n.current import N_, gettext

SCRIPT_WORDS = (
    # settings.js
    N_("That did not work; try again."),
    N_("No API tokens yet."),
    N_("Token"),
    N_("last used {date}"),
    N_("never used"),
    N_("expires {date}"),
    N_("this session"),
    N_("Revoke"),
    N_("Revoke {name}"),
    N_("Revoke {name}? Software using it stops working at once."),
    N_("this token"),
    N_("Sign-up"),
    N_("Login"),
    N_("No connection. Check your internet and try again."),
    N_("This is not available on this server yet."),
    N_("Copy this token now; it is not shown again. It works until {date}: {token}"),
    # zones.js
    N_("No city or country matches; try another spelling."),
    N_("1 place matches."),
    N_("{count} places match."),
    N_("It is {time} there now."),
    # live.js (and the statuses the pages name the same way)
    N_("From ad: {headline}"),
    N_("From a comment"),
    N_("Bot answering"),
    N_("Needs a person"),
    N_("You have it"),
    N_("{name} has it"),
    N_("A person has it"),
    N_("Closed"),
    N_("Opted out"),
    N_("Not answered"),
    N_("Sending again"),
    N_("Customer {ending}"),
    N_("New message from {name}"),
    N_("a customer"),
    # leo.js
    N_("You: "),
    N_("Problem: "),
    N_("Leo: "),
    N_("Figures"),
    N_("Leo could not answer just now; try again."),
    # more.js
    N_("Loading…"),
    # team.js
    N_("Copied"),
    N_("Link copied. Paste it into an email or a message to them."),
    N_("Copying was not allowed: the link is selected, copy it with Ctrl+C or a long press."),
    N_("The link is selected: copy it with Ctrl+C or a long press."),
    # uploads.js
    N_("Uploading {name}"),
    N_("Added"),
    N_("Could not be added"),
    N_("No connection; try again"),
    # campaign-form.js
    N_("Move this question up"),
    N_("Move this doubt up"),
    N_("Move this question down"),
    N_("Move this doubt down"),
    N_("Remove this question"),
    N_("Remove this doubt"),
    N_("Remove"),
    N_("Add a question"),
    N_("Add a doubt and its answer"),
    N_("Campaign"),
    N_("Product"),
    N_("Price"),
    N_("What’s included"),
    N_("Link"),
    N_("Where"),
    N_("Greeting"),
    N_("Questions"),
    N_("Doubts"),
    N_("Closing"),
    N_("Audience"),
    N_("ages {range}"),
    N_("Anyone"),
    # playground.js
    N_("Your bot is writing…"),
    N_("Details for you"),
    N_("Understood as: {intent} ({sure}% sure)"),
    N_("Answered by: the model"),
    N_("Answered by: the offline responder"),
    N_("Lead: score {score}, {stage}"),
    N_("A draft was repaired: {what}"),
    N_("Handed over to your team: the bot stays silent from here."),
    N_("The customer opted out."),
    N_("Your bot could not be reached. Check your connection and send again."),
    # charts.js
    N_("Customer messages"),
    N_("Replies"),
    N_("Revenue"),
    N_("Revenue ({currency})"),
    N_("Spend"),
    N_("Conversations"),
    N_("Sales"),
    N_("Leads"),
    N_("Comments"),
    N_("Private replies"),
)


def script_words() -> dict[str, str]:
    """Each script sentence in the request's language, keyed by its English text."""
    return {text: gettext(text) for text in SCRIPT_WORDS}
