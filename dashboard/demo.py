"""The demo tenant of `python -m bot demo`: a yoga studio with three campaigns, a test account on each
channel and 30 days of history (see `demo_history.py`), so every page and chart has something to show.

Seeding is idempotent: a second start finds the demo owner and leaves what exists alone, and adds only
the days of history still missing up to today.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiohttp import web

from bot.conversations.bot_settings import BotSettings, get_bot_settings, save_bot_settings
from bot.runtime.host import CIPHER, DATABASE, SERVE_URL, SETTINGS, STARTUP_LINES
from bot.sales.ad_spend import business_currency
from channels.accounts import connect_account, list_accounts
from channels.crypto import TokenCipher
from dashboard.context import DASHBOARD
from dashboard.demo_history import DemoAccounts, seed_ad_spend, seed_history
from dashboard.owners import create_owner_and_tenant, find_owner_by_email, mark_demo_tenant
from dashboard.passwords import Passwords
from knowledge.campaigns import create_campaign, list_campaigns
from knowledge.db import Db
from knowledge.documents import add_document, list_documents
from knowledge.models import BusinessProfile, CampaignIn
from knowledge.profiles import get_profile, save_profile

log = logging.getLogger(__name__)

DEMO_EMAIL = "demo@sunrise-yoga.example"
DEMO_PASSWORD = "sunrise-demo-2026"
DEMO_PAGE_ID = "100000000000001"
DEMO_PAGE_TOKEN = "demo-page-access-token"
DEMO_INSTAGRAM_ID = "178400000000001"
DEMO_WHATSAPP_ID = "106000000000001"
DEMO_TIMEZONE = "America/Los_Angeles"

PROFILE = BusinessProfile(
    name="Sunrise Yoga",
    owner_name="Maya Lopez",
    industry="Fitness and wellness",
    description="A yoga studio with classes for every level, online and in two studios downtown.",
    website="https://sunrise-yoga.example",
    phone="+1 415 555 0100",
    goals="Sell monthly passes and private sessions; fill the beginner course.",
    target_audience="Busy professionals and beginners aged 25-45",
)

CAMPAIGNS = [
    {
        "name": "Unlimited monthly pass",
        "target_platform": "facebook",
        "status": "active",
        "product": {
            "name": "Unlimited Pass",
            "description": "Unlimited studio and online classes for 30 days.",
            "price": 89,
            "currency": "USD",
            "features": ["unlimited classes", "free mat rental", "guest pass each month"],
            "call_to_action_url": "https://sunrise-yoga.example/buy/unlimited",
        },
        "chat_flow": {
            "greeting": "Hi! Welcome to Sunrise Yoga. Looking for a pass that fits your week?",
            "qualification_questions": ["How many times a week would you like to practice?", "Have you practised yoga before?"],
            "objection_handling": {
                "too expensive": "At three classes a week it works out at under $7.50 a class.",
                "no time": "Online classes run from 6am to 9pm, so you can fit one in any day.",
            },
            "closing_message": "You can start today: grab your pass here.",
        },
        "target_audience": {"age_range": "25-45", "location": ["San Francisco", "Oakland"], "interests": ["yoga", "fitness"]},
    },
    {
        "name": "Beginner course on Instagram",
        "target_platform": "instagram",
        "status": "active",
        "product": {
            "name": "Beginner Course",
            "description": "Four weekly small-group classes that teach the basics.",
            "price": 59,
            "currency": "USD",
            "features": ["4 classes", "groups of 8", "a free mat"],
            "call_to_action_url": "https://sunrise-yoga.example/buy/beginners",
        },
        "chat_flow": {
            "greeting": "Hey! Curious about yoga? Our Beginner Course is the easiest way in.",
            "qualification_questions": ["Which day suits you better, Tuesday or Saturday?"],
            "objection_handling": {"not flexible": "Nobody is at the start: the course is built for that."},
            "closing_message": "Save your spot here.",
        },
        "target_audience": {"age_range": "18+", "location": ["San Francisco"], "interests": ["beginners", "wellness"]},
    },
    {
        "name": "Private sessions on WhatsApp",
        "target_platform": "whatsapp",
        "status": "active",
        "product": {
            "name": "Private Session",
            "description": "One-to-one 60-minute session with a senior teacher.",
            "price": 75,
            "currency": "USD",
            "features": ["60 minutes", "tailored plan", "studio or online"],
            "call_to_action_url": "https://sunrise-yoga.example/book",
        },
        "chat_flow": {
            "greeting": "Hello! Thinking about a private session? Tell me what you would like to work on.",
            "qualification_questions": ["What would you like to focus on?", "When would you like to start?"],
            "objection_handling": {"too expensive": "A pack of five brings each session down; ask us about it."},
            "closing_message": "Book your session here.",
        },
    },
]

FAQ = """# Sunrise Yoga FAQ

## Shipping
Mats and props from our shop ship in 2 business days. Shipping costs $5.99 within the US and is free over $100.

## Returns
Unopened shop items can be returned within 30 days for a full refund.

## Opening hours
Studios are open Monday to Friday 6am-9pm and weekends 8am-6pm. Online classes stream daily.

## Passes
Passes start on the day of your first class and can be paused once for up to 2 weeks.
"""


async def seed_demo(db: Db, cipher: TokenCipher, passwords: Passwords) -> str:
    owner = await find_owner_by_email(db, DEMO_EMAIL)
    if owner is None:
        tenant, owner = await create_owner_and_tenant(db, DEMO_EMAIL, await passwords.hash(DEMO_PASSWORD), PROFILE.name)
        tenant_id = tenant.id
        await mark_demo_tenant(db, tenant_id)
        await save_bot_settings(db, tenant_id, BotSettings(timezone=DEMO_TIMEZONE))
    else:
        tenant_id = owner.tenant_id
    if await get_profile(db, tenant_id) is None:
        await save_profile(db, tenant_id, PROFILE)
    if not await list_campaigns(db, tenant_id):
        for campaign in CAMPAIGNS:
            await create_campaign(db, tenant_id, CampaignIn.model_validate(campaign))
    if not await list_documents(db, tenant_id):
        await add_document(db, tenant_id, "faq.md", "text/markdown", FAQ.encode())
    connected = {account.platform for account in await list_accounts(db, tenant_id)}
    for platform, account_id, token, name in (
        ("facebook", DEMO_PAGE_ID, DEMO_PAGE_TOKEN, "Sunrise Yoga (test page)"),
        ("instagram", DEMO_INSTAGRAM_ID, "demo-instagram-access-token", "@sunrise.yoga (test account)"),
        ("whatsapp", DEMO_WHATSAPP_ID, "demo-whatsapp-access-token", "+1 415 555 0100 (test number)"),
    ):
        if platform not in connected:
            await connect_account(db, cipher, tenant_id, platform, account_id, token, name=name)
    zone = (await get_bot_settings(db, tenant_id)).zone
    accounts = DemoAccounts(facebook=DEMO_PAGE_ID, instagram=DEMO_INSTAGRAM_ID, whatsapp=DEMO_WHATSAPP_ID)
    added = await seed_history(
        db, tenant_id, await list_campaigns(db, tenant_id), accounts, zone, today=datetime.now(zone).date()
    )
    if added:
        log.info("demo history added", extra={"conversations": added})
    await seed_ad_spend(db, tenant_id, datetime.now(zone).date(), await business_currency(db, tenant_id))
    return tenant_id


def setup_demo(app: web.Application) -> None:
    async def seed(app: web.Application) -> None:
        tenant_id = await seed_demo(app[DATABASE], app[CIPHER], app[DASHBOARD].passwords)
        base = app.get(SERVE_URL, app[SETTINGS].public_base)
        # Printed by the command line once the port is bound.
        app[STARTUP_LINES].lines.extend(
            [
                f"Demo tenant {tenant_id} is ready.",
                f"  Dashboard:  {base}/dashboard",
                f"  Playground: {base}/playground",
                f"  API:        {base}/api/openapi.json",
                f"  Login:      {DEMO_EMAIL} / {DEMO_PASSWORD}",
            ]
        )

    app.on_startup.append(seed)
