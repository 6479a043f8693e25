from zhenxing.monitoring.testing import ORDER


def test_drive_to_every_state(new_case, drive):
    for state in ORDER:
        case = drive(new_case(), state)
        assert case.state == state
    case = drive(new_case(), "not_admitted")
    assert case.state == "not_admitted"
