from __future__ import annotations

import datetime as dt

import pytest

from zhenxing.registry import idnumber

VALID = idnumber.make(region="232722", born=dt.date(1985, 6, 15), seq=7, male=True)


def test_made_numbers_pass_the_checksum():
    assert idnumber.validate(VALID) == VALID
    assert idnumber.birth_date(VALID) == dt.date(1985, 6, 15) and idnumber.sex(VALID) == "male"


def test_known_number_with_x_check_digit():
    # 11010519491231002X is the standard's published example
    assert idnumber.validate("11010519491231002x") == "11010519491231002X"
    assert idnumber.sex("11010519491231002X") == "female"


def test_wrong_check_digit_is_refused():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    with pytest.raises(idnumber.IdNumberError, match="校验码"):
        idnumber.validate(wrong)


def test_spaces_and_full_width_digits_are_normalised():
    full = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    assert idnumber.validate(f"  {full} ") == VALID


def test_fifteen_digits_say_how_to_convert():
    with pytest.raises(idnumber.IdNumberError, match="插入“19”"):
        idnumber.validate("232722850615071")


@pytest.mark.parametrize(
    "excel", [2.32722198506151e17, "2.32722198506151E+17", 232722198506150710, "232722198506150710.0"]
)
def test_numbers_mangled_by_excel_are_refused_not_guessed(excel):
    with pytest.raises(idnumber.IdNumberError, match="Excel"):
        idnumber.validate(excel)


def test_impossible_birth_date_and_unknown_province():
    bad_date = "23272219850230" + "0710"
    bad_date = bad_date[:17] + idnumber.check_char(bad_date[:17])
    with pytest.raises(idnumber.IdNumberError, match="出生日期"):
        idnumber.validate(bad_date)
    bad_prov = "992722198506150710"
    bad_prov = bad_prov[:17] + idnumber.check_char(bad_prov[:17])
    with pytest.raises(idnumber.IdNumberError, match="省级"):
        idnumber.validate(bad_prov)


def test_mask_encrypt_hash():
    assert idnumber.mask(VALID) == VALID[:6] + "********" + VALID[-4:]
    cipher = idnumber.encrypt(VALID)
    assert VALID not in cipher and idnumber.decrypt(cipher) == VALID
    assert idnumber.id_hash(VALID) == idnumber.id_hash(VALID) and VALID not in idnumber.id_hash(VALID)


def test_rotate_id_key_reencrypts_under_the_newest_key(w, settings, capsys):
    import pytest
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from zhenxing.registry.models import Member
    from zhenxing.registry.testing import make_household

    old = settings.ID_ENCRYPTION_KEYS[0]
    h = make_household(village=w.r.fendou)
    numbers = {m.pk: idnumber.decrypt(m.id_cipher) for m in h.members.all()}
    new = Fernet.generate_key().decode()
    settings.ID_ENCRYPTION_KEYS = [new, old]
    with pytest.raises(SystemExit) as exc:
        call_command("rotate_id_key", "--check")
    assert exc.value.code == 1
    call_command("rotate_id_key", "--batch", "1")
    assert "已重新加密 2 条" in capsys.readouterr().out
    settings.ID_ENCRYPTION_KEYS = [new]  # the old key can now be removed
    for m in Member.objects.filter(household=h):
        assert idnumber.decrypt(m.id_cipher) == numbers[m.pk]
    call_command("rotate_id_key", "--check")


def test_test_factory_keeps_the_birth_date_however_many_numbers_are_made():
    from zhenxing.registry.testing import new_id

    born = dt.date(2016, 5, 31)
    numbers = [new_id(born=born, male=bool(i % 2)) for i in range(1000)]
    assert len(set(numbers)) == 1000
    assert {idnumber.birth_date(idnumber.validate(n)) for n in numbers} == {born}
