import pytest
from django.core.exceptions import ValidationError

from members.models import name_pinyin
from members.validators import (
    credit_code_checksum_ok,
    mask_mobile,
    normalize_credit_code,
    normalize_mobile,
    validate_credit_code_format,
    validate_landline,
    validate_mobile,
)


@pytest.mark.parametrize("code", ["91110119MA01K7Q36E", "92110107MA04R2T838", "51110119MJ0W5C2D84"])
def test_accepts_valid_credit_codes(code):
    validate_credit_code_format(code)
    assert credit_code_checksum_ok(code)


def test_wrong_check_character_is_format_valid_but_fails_checksum():
    validate_credit_code_format("91110119MA01K7Q36F")
    assert not credit_code_checksum_ok("91110119MA01K7Q36F")


def test_rejects_letter_o_in_credit_code():
    with pytest.raises(ValidationError) as error:
        validate_credit_code_format("92110107MAO4R2T838")
    assert error.value.code == "characters"


def test_rejects_short_credit_code():
    with pytest.raises(ValidationError) as error:
        validate_credit_code_format("51110119MJ0W5C2D8")
    assert error.value.code == "length"


def test_normalises_full_width_spaces_and_lower_case():
    assert normalize_credit_code(" ９１１１０１１９ma01k7q36e ") == "91110119MA01K7Q36E"
    assert normalize_credit_code("91110119-MA01K7Q3 6E") == "91110119MA01K7Q36E"


@pytest.mark.parametrize(
    "raw", ["13800138000", "+86 138 0013 8000", "138-0013-8000", "0086 13800138000"]
)
def test_mobile_is_normalised_and_valid(raw):
    validate_mobile(normalize_mobile(raw))


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "23800138000", "abc"])
def test_rejects_invalid_mobile(raw):
    with pytest.raises(ValidationError):
        validate_mobile(normalize_mobile(raw))


@pytest.mark.parametrize("number", ["010-69101234", "01069101234", "010-69101234-801"])
def test_accepts_beijing_landlines(number):
    validate_landline(number)


@pytest.mark.parametrize("number", ["021-69101234", "010-6910123", "69101234"])
def test_rejects_other_landlines(number):
    with pytest.raises(ValidationError):
        validate_landline(number)


def test_masks():
    assert mask_mobile("13800138000") == "138****8000"


def test_pinyin_of_a_name():
    assert name_pinyin("延庆区工商联") == (
        "yanqingqugongshanglian",
        "yqqgsl",
        "yan0qing qing0qu qu0gong gong0shang shang0lian",
    )
