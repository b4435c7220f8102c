"""Normalized events that channels parse out of their webhook deliveries.

Every channel turns its platform's payload into a list of these, so the engine never sees a
platform's own shape. `platform` is the channel's platform key (`facebook`, `instagram` or `whatsapp` for Meta's
channels); `account_id` is the
business side (page id, Instagram account id, WhatsApp phone_number_id); `customer_id` is the
person (PSID, IGSID or wa_id).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class _Event(BaseModel):
    platform: str  # the channel's platform key: a `knowledge.platforms.Platform` value for Meta's channels
    account_id: str
    customer_id: str
    timestamp_ms: int = 0


class Attachment(BaseModel):
    type: str  # image, audio, video, file, location, sticker, story_mention, reel, share, ...
    url: str = ""
    mime_type: str = ""
    media_id: str = ""
    caption: str = ""
    latitude: float | None = None
    longitude: float | None = None
    title: str = ""  # place name or file name


class Referral(BaseModel):
    """Which ad, link or post brought the customer. Meta sends it once (the click, or the first message after it)."""

    source: str = ""  # ADS, SHORTLINK, CUSTOMER_CHAT_PLUGIN, ctwa (WhatsApp click-to-WhatsApp ad), ...
    ref: str = ""
    ad_id: str = ""
    campaign_hint: str = ""  # headline or ref text that may name a campaign
    url: str = ""
    # An ad's click, as its channel reads its own payload (Messenger's `source: ADS` or an `ad_id`, WhatsApp's
    # `source_type: ad`), as opposed to a link, a plugin or a post.
    from_ad: bool = False
    headline: str = ""  # the ad's title as the customer saw it
    post_id: str = ""  # the post behind the ad
    ctwa_clid: str = ""  # WhatsApp's click id, which the Conversions API ties a sale to the ad with


class InboundMessage(_Event):
    """Something the customer said or chose: the only event the bot answers."""

    kind: Literal["message"] = "message"
    message_id: str
    text: str = ""
    # What a quick reply, postback, button or list choice carries; the bot reads it before the title.
    payload: str = ""
    interaction: Literal[
        "text", "quick_reply", "postback", "button", "list", "attachment", "story_reply", "story_mention", "form"
    ] = "text"
    attachments: list[Attachment] = Field(default_factory=list)
    referral: Referral | None = None
    customer_name: str = ""
    reply_to_message_id: str = ""
    story_id: str = ""  # the Instagram story a story reply answers (its URL expires and is not kept)
    # Delivered on the standby channel: another app owns the thread (handover), so the bot must not answer.
    standby: bool = False
    # WhatsApp's business-scoped user id (BSUID, "US.1349…"), when Meta sends one. A customer who hides their number
    # behind a username has only this (it is then `customer_id` too); one who shows it has both.
    customer_user_id: str = ""


class Echo(_Event):
    """A message the business side sent: ours (app id / metadata match) or a person's from the inbox."""

    kind: Literal["echo"] = "echo"
    message_id: str
    text: str = ""
    app_id: str = ""
    metadata: str = ""


class Receipt(_Event):
    """Messenger delivery or read receipt, Instagram read."""

    kind: Literal["receipt"] = "receipt"
    receipt: Literal["delivery", "read"]
    message_ids: list[str] = Field(default_factory=list)
    watermark_ms: int = 0


class StatusUpdate(_Event):
    """WhatsApp status of a message we sent: sent, delivered, read or failed (with Meta's error)."""

    kind: Literal["status"] = "status"
    message_id: str
    status: Literal["sent", "delivered", "read", "failed", "deleted", "warning"]
    error_code: int = 0
    error_title: str = ""
    callback_data: str = ""  # the `biz_opaque_callback_data` the message was sent with


class Reaction(_Event):
    kind: Literal["reaction"] = "reaction"
    message_id: str  # the message reacted to
    emoji: str = ""  # empty when the reaction was removed
    action: Literal["react", "unreact"] = "react"


class MessageDeleted(_Event):
    kind: Literal["deleted"] = "deleted"
    message_id: str


class StandaloneReferral(_Event):
    """A referral with no message (an ad click that opened the thread)."""

    kind: Literal["referral"] = "referral"
    referral: Referral


class Comment(_Event):
    """A comment on one of the account's posts or ads (Facebook `feed`, Instagram `comments`). `customer_id` is who
    commented as the webhook names them: not yet someone a message can be sent to, only a private reply can."""

    kind: Literal["comment"] = "comment"
    comment_id: str
    post_id: str = ""  # the post or media commented on
    parent_id: str = ""  # the comment answered, for a reply to a comment
    verb: Literal["add", "edited", "remove", "other"] = "add"
    text: str = ""
    ad_id: str = ""  # an Instagram ad or boosted post names its ad
    customer_name: str = ""
    # Written by the account itself (its own replies come back as comments): never answered.
    from_account: bool = False


class CustomerMoved(_Event):
    """The customer now writes from another id (WhatsApp's `user_changed_number`): their conversation follows.
    `customer_id` is the id they had, `new_customer_id` the one they have."""

    kind: Literal["moved"] = "moved"
    message_id: str = ""
    new_customer_id: str


class Unsupported(_Event):
    """A delivery item the platform marked unsupported, or one we do not handle (kept for the log)."""

    kind: Literal["unsupported"] = "unsupported"
    message_id: str = ""
    reason: str = ""


# The reason of an `Unsupported` event standing for a delivery item that could not be read at all.
UNPARSEABLE = "unparseable"

# What reading one item may raise on data no channel foresaw; other exceptions are bugs and are not hidden.
ITEM_ERRORS = (ValueError, OverflowError)


def unparseable(platform: str, account_id: str, error: Exception) -> Unsupported:
    """The stand-in for an item that could not be read: the rest of its delivery is read and answered as usual."""
    return Unsupported(platform=platform, account_id=account_id, customer_id="", reason=f"{UNPARSEABLE}: {type(error).__name__}")


ChannelEvent = Annotated[
    InboundMessage
    | Echo
    | Receipt
    | StatusUpdate
    | Reaction
    | MessageDeleted
    | StandaloneReferral
    | Comment
    | CustomerMoved
    | Unsupported,
    Field(discriminator="kind"),
]
