"""The channels as the registry lists them: one per platform, each with its names, limits, window and account check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel, ValidationError

from channels.graph_errors import OutsideWindow, TemplateRequired
from channels.pacing import DEFAULT_LIMIT, limit_for
from channels.problems import not_sent, service_name
from channels.registry import all_channels, channel_for_platform, channel_named, platform_keys
from knowledge.platforms import KNOWN_PLATFORMS, KnownPlatform, Platform

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LATE = NOW - timedelta(hours=24, minutes=1)
IN_TIME = NOW - timedelta(hours=23, minutes=59)


def test_every_known_platform_has_exactly_one_channel():
    assert sorted(platform_keys()) == sorted(KNOWN_PLATFORMS)
    assert len({channel.channel for channel in all_channels()}) == len(all_channels())
    assert len({channel.object_name for channel in all_channels()}) == len(all_channels())


def test_a_platform_this_version_does_not_know_reads_as_unknown():
    assert Platform("facebook") is Platform.facebook
    assert Platform("telegram") is Platform.unknown
    assert Platform.unknown not in KNOWN_PLATFORMS
    with pytest.raises(KeyError):
        channel_for_platform("telegram")


class _Chosen(BaseModel):
    platform: KnownPlatform


def test_a_person_choosing_a_platform_must_choose_a_known_one():
    assert _Chosen(platform="whatsapp").platform is Platform.whatsapp
    for bad in ("telegram", "unknown", 7):
        with pytest.raises(ValidationError) as refused:
            _Chosen(platform=bad)
        [error] = refused.value.errors()
        assert (error["type"], error["msg"]) == ("literal_error", "Input should be 'facebook', 'instagram' or 'whatsapp'")
    assert _Chosen.model_json_schema()["properties"]["platform"]["enum"] == ["facebook", "instagram", "whatsapp"]


def test_names_the_owner_reads():
    assert [(c.display_name, c.service_name) for c in all_channels()] == [
        ("Messenger", "Facebook"),
        ("Instagram", "Instagram"),
        ("WhatsApp", "WhatsApp"),
    ]
    assert service_name("instagram") == "Instagram"
    assert not_sent("unreachable", "whatsapp").startswith("Not sent: WhatsApp could not be reached.")


def test_send_limits_are_metas_per_channel():
    assert [(limit_for(p, "text"), limit_for(p, "media")) for p in ("facebook", "instagram", "whatsapp")] == [
        (300, 10),
        (300, 10),
        (80, 80),
    ]
    assert limit_for("telegram", "text") == DEFAULT_LIMIT


@pytest.mark.parametrize("name", ["messenger", "instagram"])
def test_page_channels_let_a_person_answer_late_with_the_human_agent_tag(name):
    window = channel_named(name).window
    assert window.refusal_for(IN_TIME, "bot", NOW) == "" and window.tag_for(IN_TIME, NOW) == ""
    assert window.refusal_for(LATE, "bot", NOW) == "outside the 24-hour window"
    assert window.refusal_for(LATE, "human", NOW) == ""
    assert window.tag_for(LATE, NOW) == "HUMAN_AGENT"
    assert window.failure is OutsideWindow


def test_whatsapp_takes_nothing_but_a_template_after_the_window():
    window = channel_named("whatsapp").window
    assert window.refusal_for(IN_TIME, "human", NOW) == ""
    for sender in ("bot", "human"):
        assert window.refusal_for(LATE, sender, NOW) == "outside the 24-hour window: WhatsApp needs an approved template"
    assert window.failure is TemplateRequired


def test_each_channel_reads_its_account_with_the_fields_and_token_place_meta_wants():
    checks = {c.platform: (c.account_check.fields, c.account_check.auth) for c in all_channels()}
    assert checks == {
        "facebook": ("id,name", "access_token"),
        "instagram": ("id,name", "access_token"),
        "whatsapp": ("id,display_phone_number,verified_name", "bearer"),
    }


def test_change_fields_are_where_each_channel_reads_entry_changes():
    assert set(channel_named("whatsapp").change_fields) == {"messages", "smb_message_echoes"}
    # Page comments (`feed`) and Instagram comments (`comments`), each read by its own channel only.
    assert set(channel_named("messenger").change_fields) == {"feed"}
    assert set(channel_named("instagram").change_fields) == {"comments"}
    feed = {"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": {"item": "like"}}]}]}
    assert channel_named("messenger").parse(feed) == []


def test_customer_names_come_from_graph_only_where_deliveries_lack_them():
    messenger, instagram = channel_named("messenger").customer_profile, channel_named("instagram").customer_profile
    assert messenger is not None and instagram is not None
    assert messenger.name_of({"first_name": "Ana", "last_name": "Ruiz"}) == "Ana Ruiz"
    assert instagram.name_of({"username": "ana.ruiz"}) == "ana.ruiz"
    assert channel_named("whatsapp").customer_profile is None
