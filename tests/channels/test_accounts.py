"""Connected accounts on the embedded MongoDB server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo.errors import DuplicateKeyError

from channels.accounts import (
    COLLECTION,
    account_token,
    connect_account,
    disconnect_account,
    ensure_indexes,
    find_by_platform_account,
    get_account,
    list_accounts,
    mark_needs_reconnect,
)
from channels.crypto import TokenCipher
from channels.errors import AccountTaken, ConnectionRefused
from dashboard.api.shapes.account_json import account_json

TOKEN = "EAABpageToken0123456789abcdx9Zq"


@pytest.fixture
def cipher() -> TokenCipher:
    return TokenCipher("test-secret-key-for-accounts")


@pytest.fixture
async def accounts_db(db):
    await ensure_indexes(db)
    return db


async def test_connect_stores_the_token_encrypted(accounts_db, cipher):
    account = await connect_account(accounts_db, cipher, "t1", "facebook", "1234567890", TOKEN, name="Sunrise Yoga")
    assert (account.tenant_id, account.platform, account.account_id, account.status, account.name) == (
        "t1",
        "facebook",
        "1234567890",
        "connected",
        "Sunrise Yoga",
    )
    stored = await accounts_db[COLLECTION].find_one({"_id": account.id, "tenant_id": "t1"})
    assert TOKEN not in str(stored)
    assert "last_error" not in stored  # absent, not null
    assert account_token(cipher, account) == TOKEN


async def test_find_by_platform_account_finds_the_tenant(accounts_db, cipher):
    await connect_account(accounts_db, cipher, "t1", "whatsapp", "106540352242922", TOKEN)
    await connect_account(accounts_db, cipher, "t2", "instagram", "17841400000000000", TOKEN)
    found = await find_by_platform_account(accounts_db, "whatsapp", "106540352242922")
    assert found is not None and found.tenant_id == "t1"
    assert (await find_by_platform_account(accounts_db, "instagram", "17841400000000000")).tenant_id == "t2"
    # Same id on another platform is another account.
    assert await find_by_platform_account(accounts_db, "facebook", "106540352242922") is None


async def test_another_tenant_cannot_take_a_connected_account(accounts_db, cipher):
    await connect_account(accounts_db, cipher, "t1", "facebook", "1234567890", TOKEN)
    with pytest.raises(AccountTaken) as caught:
        await connect_account(accounts_db, cipher, "t2", "facebook", "1234567890", "EAABotherToken")
    assert (caught.value.family, caught.value.kind) == ("conflict", "account_taken")
    assert "account_id" in caught.value.fields
    owner = await find_by_platform_account(accounts_db, "facebook", "1234567890")
    assert owner is not None and owner.tenant_id == "t1" and account_token(cipher, owner) == TOKEN


async def test_reconnecting_ones_own_account_renews_token_and_status(accounts_db, cipher):
    first = await connect_account(accounts_db, cipher, "t1", "facebook", "1234567890", TOKEN, name="Old name")
    assert await mark_needs_reconnect(accounts_db, "t1", first.id, 190, "Session has expired")
    flagged = await get_account(accounts_db, "t1", first.id)
    assert (flagged.status, flagged.last_error_code, flagged.last_error) == ("needs_reconnect", 190, "Session has expired")

    again = await connect_account(accounts_db, cipher, "t1", "facebook", "1234567890", "EAABnewToken999x")
    assert again.id == first.id
    assert (again.status, again.name, again.last_error) == ("connected", "Old name", "")
    stored = await get_account(accounts_db, "t1", first.id)
    assert stored is not None and account_token(cipher, stored) == "EAABnewToken999x"
    assert (stored.status, stored.last_error, stored.last_error_code) == ("connected", "", 0)
    # Real dates, renewed: not the epoch a string date would read as.
    assert stored.connected_at >= first.connected_at - timedelta(seconds=1)
    assert stored.updated_at >= first.updated_at - timedelta(seconds=1)
    assert flagged.updated_at.year >= 2025
    assert len(await list_accounts(accounts_db, "t1")) == 1


async def test_list_get_disconnect_are_scoped_to_the_tenant(accounts_db, cipher):
    mine = await connect_account(accounts_db, cipher, "t1", "facebook", "111", TOKEN)
    await connect_account(accounts_db, cipher, "t1", "whatsapp", "222", TOKEN)
    theirs = await connect_account(accounts_db, cipher, "t2", "facebook", "333", TOKEN)
    assert [a.account_id for a in await list_accounts(accounts_db, "t1")] == ["111", "222"]
    assert await get_account(accounts_db, "t1", theirs.id) is None
    assert await disconnect_account(accounts_db, "t1", theirs.id) is False
    assert not await mark_needs_reconnect(accounts_db, "t1", theirs.id, 190, "x")
    assert (await get_account(accounts_db, "t2", theirs.id)).status == "connected"
    assert await disconnect_account(accounts_db, "t1", mine.id) is True
    assert await disconnect_account(accounts_db, "t1", mine.id) is False
    assert await find_by_platform_account(accounts_db, "facebook", "111") is None
    # Once disconnected, another tenant may connect it.
    taken = await connect_account(accounts_db, cipher, "t2", "facebook", "111", TOKEN)
    assert taken.tenant_id == "t2"


@pytest.mark.parametrize(
    ("platform", "account_id", "token", "field"),
    [
        ("telegram", "123", TOKEN, "platform"),
        ("facebook", "PAGE_1", TOKEN, "account_id"),
        ("facebook", "", TOKEN, "account_id"),
        ("whatsapp", "+15550001111", TOKEN, "account_id"),
        ("instagram", "1784", "", "access_token"),
        ("instagram", "1784", "has space inside", "access_token"),
    ],
)
async def test_invalid_input_is_refused_with_fields(accounts_db, cipher, platform, account_id, token, field):
    with pytest.raises(ConnectionRefused) as caught:
        await connect_account(accounts_db, cipher, "t1", platform, account_id, token)
    assert (caught.value.family, caught.value.kind) == ("invalid", "invalid")
    assert field in caught.value.fields
    assert await accounts_db[COLLECTION].count_documents({"tenant_id": "t1"}) == 0


async def test_api_view_shows_only_the_masked_token(accounts_db, cipher):
    account = await connect_account(accounts_db, cipher, "t1", "facebook", "1234567890", TOKEN, name="Page")
    data = account_json(account, cipher)
    assert data["access_token"] == "EAAB…x9Zq"
    assert TOKEN not in str(data) and "token_encrypted" not in data
    assert {k: data[k] for k in ("id", "platform", "account_id", "name", "status")} == {
        "id": account.id,
        "platform": "facebook",
        "account_id": "1234567890",
        "name": "Page",
        "status": "connected",
    }
    await mark_needs_reconnect(accounts_db, "t1", account.id, 190, "expired")
    reread = await get_account(accounts_db, "t1", account.id)
    assert reread is not None
    flagged = account_json(reread, cipher)
    assert (flagged["status"], flagged["last_error_code"]) == ("needs_reconnect", 190)


async def test_ensure_indexes_is_idempotent_and_makes_accounts_unique(accounts_db, cipher):
    await ensure_indexes(accounts_db)
    await connect_account(accounts_db, cipher, "t1", "facebook", "1234567890", TOKEN)
    # A second document for the same account cannot exist, whoever writes it.
    with pytest.raises(DuplicateKeyError):
        await accounts_db[COLLECTION].insert_one(
            {"_id": "other", "tenant_id": "t2", "platform": "facebook", "account_id": "1234567890"}
        )
