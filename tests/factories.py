import random

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.choices import Industry, Ownership, SizeClass
from members.models import Application, Enterprise, Township, User
from members.validators import USCC_ALPHABET
from tests.uploads import PDF

WEIGHTS = [pow(3, i, 31) for i in range(17)]


def make_credit_code(seq: int, *, district: str = "110119", valid: bool = True) -> str:
    """A synthetic but checksum-valid enterprise credit code (GB 32100) for `seq`.

    The organisation part (positions 9-17) satisfies the GB 11714 inner check too.
    """
    body = f"{seq:08d}"[-8:]
    inner = 11 - sum(int(d) * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    inner_char = {10: "X", 11: "0"}.get(inner, str(inner))
    partial = "91" + district + body + inner_char
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(partial, WEIGHTS, strict=True))
    check = USCC_ALPHABET[(31 - total % 31) % 31]
    if not valid:
        check = USCC_ALPHABET[(USCC_ALPHABET.index(check) + 1) % 31]
    return partial + check


def township(code="110119101"):
    return Township.objects.get(code=code)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"延庆测试企业{n:05d}有限公司")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1000))
    legal_representative = "张伟"
    industry = Industry.C
    size = SizeClass.SMALL
    ownership = Ownership.PRIVATE
    township = factory.LazyFunction(township)
    address = "北京市延庆区康庄镇测试路1号"
    contact_name = "李娜"
    contact_mobile = "13800138000"
    member_number = factory.Sequence(lambda n: f"T-{n:05d}")
    joined_on = factory.LazyFunction(timezone.localdate)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    real_name = factory.Sequence(lambda n: f"用户{n}")
    mobile = "13900139000"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    name = factory.Sequence(lambda n: f"申请企业{n:04d}科技有限公司")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 500_000))
    legal_representative = "王强"
    industry = Industry.I
    size = SizeClass.MICRO
    ownership = Ownership.PRIVATE
    township = factory.LazyFunction(township)
    address = "北京市延庆区百泉街道测试街2号"
    contact_name = "赵敏"
    contact_mobile = "13700137000"
    applicant = factory.SubFactory(UserFactory)
    licence = factory.django.FileField(filename="licence.pdf", data=PDF)
    consent_version = "2026-11"
    consent_at = factory.LazyFunction(timezone.now)


def random_code() -> str:
    return make_credit_code(random.randint(1, 9_999_999))
