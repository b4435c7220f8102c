import pytest

from channels.crypto import TokenCipher, TokenDecryptError, mask

TOKEN = "EAABsbCS1iHgBAKZCZCZAx3ZBZCexampleLongPageTokenx9Zq"


def test_round_trip():
    cipher = TokenCipher("secret-key-one")
    assert cipher.decrypt(cipher.encrypt(TOKEN)) == TOKEN


def test_ciphertext_does_not_contain_the_token_and_differs_each_time():
    cipher = TokenCipher("secret-key-one")
    first, second = cipher.encrypt(TOKEN), cipher.encrypt(TOKEN)
    assert TOKEN not in first and TOKEN[:12] not in first and TOKEN[-12:] not in first
    assert first != second  # fresh IV per encryption


def test_another_secret_key_cannot_decrypt():
    ciphertext = TokenCipher("secret-key-one").encrypt(TOKEN)
    with pytest.raises(TokenDecryptError):
        TokenCipher("secret-key-two").decrypt(ciphertext)
    with pytest.raises(TokenDecryptError):
        TokenCipher("secret-key-one").decrypt(ciphertext[:-4] + "AAAA")


def test_same_secret_key_decrypts_across_instances():
    assert TokenCipher("k" * 40).decrypt(TokenCipher("k" * 40).encrypt(TOKEN)) == TOKEN


def test_empty_secret_key_is_refused():
    with pytest.raises(ValueError):
        TokenCipher("")


def test_mask():
    assert mask(TOKEN) == "EAAB…x9Zq"
    assert TokenCipher.mask(TOKEN) == "EAAB…x9Zq"
    assert mask("short") == "…"
    assert mask("") == ""
