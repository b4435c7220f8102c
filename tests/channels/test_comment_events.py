"""Comments under a page's or Instagram account's posts, in the shapes Meta sends: Facebook's `feed` change
(`item: comment`, with its verbs), Instagram's `comments` change with and without the `changes[]` wrapper."""

from __future__ import annotations

import copy
from typing import Any

from channels.events import Comment, Unsupported
from channels.graph_errors import BadRequest, CommentReplyRefused, error_from_response
from channels.registry import channel_named

PAGE = "448242228374517"

# A real-looking delivery (growth-apis research, example A): the page's own reply under one of its comments.
PAGE_REPLY = {
    "entry": [
        {
            "id": PAGE,
            "time": 1742667607,
            "changes": [
                {
                    "value": {
                        "from": {"id": PAGE, "name": "SuperTester"},
                        "post": {
                            "status_type": "mobile_status_update",
                            "is_published": True,
                            "updated_time": "2025-03-22T18:20:04+0000",
                            "promotion_status": "inactive",
                            "id": "448242228374517_122131676912594941",
                        },
                        "message": "meow 2",
                        "post_id": "448242228374517_122131676912594941",
                        "comment_id": "122131676912594941_1213590066982748",
                        "created_time": 1742667604,
                        "item": "comment",
                        "parent_id": "122131676912594941_542072878449250",
                        "verb": "add",
                    },
                    "field": "feed",
                }
            ],
        }
    ],
    "object": "page",
}

# Bottender's fixture with its keys as they are on the wire (snake_case), a customer's top-level comment on a video.
VIDEO_COMMENT: dict[str, Any] = {
    "field": "feed",
    "value": {
        "from": {"id": "1440971912666228", "name": "Hsuan-Yih Shawn Chu"},
        "item": "comment",
        "comment_id": "139560936755999_140077616693321",
        "post_id": "137542570280222_139560936744456",
        "verb": "add",
        "parent_id": "137542570280222_139560936744456",
        "created_time": 1545829217,
        "post": {"type": "video", "id": "137542570280222_139560936744456", "status_type": "added_video"},
        "message": "100",
    },
}


def feed(*changes: dict[str, Any], page: str = "137542570280222") -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": page, "time": 1545829218, "changes": list(changes)}]}


def test_a_customers_comment_on_a_post_is_a_comment_event():
    [event] = channel_named("messenger").parse(feed(VIDEO_COMMENT))
    assert isinstance(event, Comment)
    assert (event.platform, event.account_id, event.customer_id) == ("facebook", "137542570280222", "1440971912666228")
    assert (event.comment_id, event.post_id, event.parent_id) == (
        "139560936755999_140077616693321",
        "137542570280222_139560936744456",
        "",
    )
    assert (event.verb, event.text, event.customer_name, event.from_account) == ("add", "100", "Hsuan-Yih Shawn Chu", False)
    assert event.timestamp_ms == 1545829217000


def test_the_pages_own_reply_is_read_as_the_pages_and_as_a_reply():
    [event] = channel_named("messenger").parse(PAGE_REPLY)
    assert isinstance(event, Comment)
    assert event.from_account is True
    assert event.parent_id == "122131676912594941_542072878449250"
    assert event.post_id == "448242228374517_122131676912594941"


def test_edits_and_removals_keep_their_verb_and_other_feed_items_are_no_events():
    edited = copy.deepcopy(VIDEO_COMMENT)
    edited["value"]["verb"] = "edited"
    removed = copy.deepcopy(VIDEO_COMMENT)
    removed["value"]["verb"] = "remove"
    del removed["value"]["message"]
    like = {"field": "feed", "value": {"item": "reaction", "verb": "add", "post_id": "1_2", "reaction_type": "like"}}
    events = channel_named("messenger").parse(feed(edited, removed, like))
    assert [e.verb for e in events if isinstance(e, Comment)] == ["edited", "remove"]
    assert len(events) == 2


def test_a_comment_without_its_id_is_kept_as_unreadable_and_the_rest_is_read():
    broken = copy.deepcopy(VIDEO_COMMENT)
    del broken["value"]["comment_id"]
    events = channel_named("messenger").parse(feed(broken, VIDEO_COMMENT))
    assert isinstance(events[0], Unsupported) and events[0].reason.startswith("unparseable")
    assert isinstance(events[1], Comment)


IG_VALUE = {
    "from": {"id": "2105722729836161", "username": "jiangwenwen1213"},
    "media": {"id": "18172143295349192", "media_product_type": "FEED"},
    "id": "17919697626119712",
    "text": "¿Precio?",
}


def test_instagram_comments_are_read_with_and_without_the_changes_wrapper():
    wrapped = {
        "object": "instagram",
        "entry": [{"id": "17841474524784050", "time": 1755779280, "changes": [{"value": IG_VALUE, "field": "comments"}]}],
    }
    # Meta's Business Login example: `field` and `value` right on the entry.
    bare = {
        "object": "instagram",
        "entry": [{"id": "17841474524784050", "time": 1755779280, "field": "comments", "value": IG_VALUE}],
    }
    for body in (wrapped, bare):
        [event] = channel_named("instagram").parse(body)
        assert isinstance(event, Comment)
        assert (event.platform, event.account_id, event.customer_id) == ("instagram", "17841474524784050", "2105722729836161")
        assert (event.comment_id, event.post_id, event.text, event.verb) == (
            "17919697626119712",
            "18172143295349192",
            "¿Precio?",
            "add",
        )
        assert event.timestamp_ms == 1755779280000  # no time of its own: the entry's
        assert event.from_account is False


def test_instagram_ad_comments_name_their_ad_and_the_accounts_own_comment_is_marked():
    value = {**IG_VALUE, "media": {"id": "1", "media_product_type": "FEED", "ad_id": "6011", "ad_title": "Spring"}}
    own = {**IG_VALUE, "from": {"id": "17841474524784050", "username": "shop", "self_ig_scoped_id": "2105722729836161"}}
    body = {
        "object": "instagram",
        "entry": [
            {
                "id": "17841474524784050",
                "time": 1755779280,
                "changes": [{"value": value, "field": "comments"}, {"value": own, "field": "comments"}],
            }
        ],
    }
    ad, mine = channel_named("instagram").parse(body)
    assert isinstance(ad, Comment) and ad.ad_id == "6011"
    assert isinstance(mine, Comment) and mine.from_account is True


def test_private_reply_refusals_are_final_and_never_retried():
    for code in (10900, 10903):
        error = error_from_response(400, {"error": {"code": code, "message": f"(#{code}) refused", "is_transient": True}})
        assert isinstance(error, CommentReplyRefused)
        assert error.transient is False
    assert error_from_response(400, {"error": {"code": 10900, "message": "x"}}).already_replied  # type: ignore[attr-defined]
    assert isinstance(error_from_response(400, {"error": {"code": 100, "error_subcode": 2018292}}), BadRequest)
