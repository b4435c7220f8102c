"""Which comment gets a private reply, from which campaign and with which words: decided from plain data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.inbound.comment_plan import keyword_matches, plan_comment, private_reply_request, public_reply_request
from channels.events import Comment
from knowledge.models import Campaign, ChatFlow, CommentRules, Product

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
PAGE = "1234567890"


def comment(text: str = "price?", **fields: object) -> Comment:
    base: dict[str, object] = {
        "platform": "facebook",
        "account_id": PAGE,
        "customer_id": "777",
        "timestamp_ms": int((NOW - timedelta(hours=1)).timestamp() * 1000),
        "comment_id": "555_1",
        "post_id": f"{PAGE}_555",
        "text": text,
    }
    return Comment.model_validate({**base, **fields})


def campaign(campaign_id: str, rules: CommentRules | None, *, greeting: str = "Hello!", platform: str = "all") -> Campaign:
    return Campaign(
        id=campaign_id,
        tenant_id="t",
        name=campaign_id,
        product=Product(name="Pass", price_cents=4900, currency="USD"),
        target_platform=platform,
        chat_flow=ChatFlow(greeting=greeting),
        status="active",
        created_at=NOW,
        updated_at=NOW,
        comment_rules=rules,
    )


def test_keywords_match_case_and_width_blind_in_any_script():
    assert keyword_matches("What's the PRICE?", ["price"])
    assert keyword_matches("这个价格多少？", ["价格"])
    assert keyword_matches("ＰＲＩＣＥ", ["price"])  # full-width letters typed on a phone
    assert keyword_matches("Straße?", ["STRASSE"])
    assert not keyword_matches("Lovely class!", ["price", "precio"])
    assert keyword_matches("anything at all", [])


def test_the_first_matching_campaign_answers_with_its_reply_or_else_its_greeting():
    campaigns = [
        campaign("no-rules", None),
        campaign("instagram-only", CommentRules(), platform="instagram"),
        campaign("other-words", CommentRules(keywords=["booking"])),
        campaign("greeting", CommentRules(keywords=["price"], public_reply="Sent you a message!")),
        campaign("later", CommentRules(private_reply="Later one")),
    ]
    reply = plan_comment(comment(), campaigns, NOW)
    assert reply is not None
    assert (reply.campaign_id, reply.private_text, reply.public_text) == ("greeting", "Hello!", "Sent you a message!")


def test_posts_are_matched_by_metas_full_id_or_the_posts_own_number_or_the_ad():
    for post_ids in ([f"{PAGE}_555"], ["555"]):
        assert plan_comment(comment(), [campaign("c", CommentRules(post_ids=post_ids))], NOW) is not None
    assert plan_comment(comment(), [campaign("c", CommentRules(post_ids=["556"]))], NOW) is None
    ad_comment = comment(platform="instagram", post_id="1817", ad_id="6011")
    assert plan_comment(ad_comment, [campaign("c", CommentRules(post_ids=["6011"]))], NOW) is not None


def test_own_edited_removed_threaded_old_or_wordless_comments_get_nothing():
    rules = [campaign("c", CommentRules())]
    eight_days = int((NOW - timedelta(days=7, minutes=1)).timestamp() * 1000)
    for skipped in (
        comment(from_account=True),
        comment(customer_id=PAGE),
        comment(verb="edited"),
        comment(verb="remove"),
        comment(parent_id="555_0"),
        comment(timestamp_ms=eight_days),
    ):
        assert plan_comment(skipped, rules, NOW) is None, skipped
    assert plan_comment(comment(), [campaign("c", CommentRules(), greeting="")], NOW) is None


def test_requests_go_where_meta_wants_them_per_channel():
    private = private_reply_request(comment(), "Hi")
    assert private.path == f"/{PAGE}/messages"
    assert private.body["recipient"] == {"comment_id": "555_1"} and private.body["message"]["text"] == "Hi"
    assert public_reply_request(comment(), "Thanks").path == "/555_1/comments"
    instagram = comment(platform="instagram", account_id="1784", comment_id="1791")
    assert private_reply_request(instagram, "Hi").path == "/1784/messages"
    assert public_reply_request(instagram, "Thanks").path == "/1791/replies"


def test_a_private_reply_is_one_message_cut_to_what_its_channel_takes():
    greeting = "Welcome to Sunrise Yoga. " * 3 + "价" * 400  # 1200 bytes of it in Chinese
    instagram = private_reply_request(comment(platform="instagram"), greeting).body["message"]["text"]
    assert len(instagram.encode()) <= 1000 and greeting.startswith(instagram)
    assert private_reply_request(comment(), greeting).body["message"]["text"] == greeting  # Messenger: 2000 characters
