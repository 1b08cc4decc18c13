"""Consumption tax by the qualified-invoice rules: once per rate per receipt, rounded down."""
import pytest
from hypothesis import given, strategies as st

from shared.errors import InputError
from shared.tax import CartLine, make_line, tax_included, totals


def line(price, qty, rate, jan="4901200001018"):
    return make_line(jan=jan, name_ja="品", name_en="item", unit_price=price, qty=qty, tax_rate=rate)


@pytest.mark.parametrize("amount, rate, tax", [
    (108, 8, 8), (110, 10, 10), (1, 8, 0), (1, 10, 0), (0, 8, 0),
    (13, 8, 0), (14, 8, 1),          # 14*8/108 = 1.037: the first yen of tax at 8%
    (10, 10, 0), (11, 10, 1),        # 11*10/110 = 1 exactly
    (107, 8, 7), (109, 10, 9), (1080, 8, 80), (1099, 10, 99), (1100, 10, 100),
])
def test_one_yen_edges(amount, rate, tax):
    assert tax_included(amount, rate) == tax


def test_tax_is_rounded_once_per_rate_not_per_line():
    # Ten ¥13 lines at 8%: per line the tax would be floor(0.96) = 0 each, ¥0 in all;
    # on the rate's total of ¥130 it is floor(9.63) = ¥9.
    cart = totals(line(13, 1, 8, jan=f"49000000000{i:02d}") for i in range(10))
    assert cart.total == 130
    assert [(r.rate, r.taxable_incl, r.tax) for r in cart.by_rate] == [(8, 130, 9)]


def test_mixed_rates_are_grouped_per_rate():
    cart = totals([line(150, 2, 8, "4901200001018"), line(1100, 1, 10, "4903333002092"),
                   line(598, 1, 8, "4901200002015"), line(5, 3, 10, "4903333002115")])
    assert cart.total == 300 + 1100 + 598 + 15
    by_rate = {r.rate: (r.taxable_incl, r.tax) for r in cart.by_rate}
    assert by_rate == {8: (898, 898 * 8 // 108), 10: (1115, 1115 * 10 // 110)}
    assert by_rate[8] == (898, 66) and by_rate[10] == (1115, 101)
    assert cart.tax_by_rate() == {"8": 66, "10": 101}
    assert [l.reduced for l in cart.lines] == [True, False, True, False]


def test_only_rates_present_are_listed_but_the_cli_shape_has_both():
    cart = totals([line(110, 1, 10)])
    assert [r.rate for r in cart.by_rate] == [10]
    assert cart.tax_by_rate() == {"8": 0, "10": 10}


def test_empty_cart_is_refused():
    with pytest.raises(InputError):
        totals([])


@pytest.mark.parametrize("qty", [0, 100, -1, 1.5, True, "2"])
def test_quantities_are_whole_numbers_from_1_to_99(qty):
    with pytest.raises(InputError):
        line(100, qty, 8)


@pytest.mark.parametrize("rate", [0, 5, 9, 11, 10.0, "10", None])
def test_only_8_and_10_percent_exist(rate):
    with pytest.raises((InputError, TypeError)):
        line(100, 1, rate)


def test_float_prices_raise():
    with pytest.raises(TypeError):
        line(100.0, 1, 10)
    with pytest.raises(TypeError):
        tax_included(108.0, 8)


def test_a_tampered_line_amount_is_refused():
    with pytest.raises(InputError):
        totals([CartLine("4901200001018", "x", "x", 100, 2, 150, 8)])


@given(st.lists(st.tuples(st.integers(1, 20_000), st.integers(1, 99), st.sampled_from([8, 10])), min_size=1, max_size=20))
def test_per_rate_tax_matches_the_formula_and_never_exceeds_per_line_sum_plus_lines(spec):
    lines = [line(p, q, r, jan=f"49{i:011d}") for i, (p, q, r) in enumerate(spec)]
    cart = totals(lines)
    assert cart.total == sum(p * q for p, q, _ in spec)
    for rt in cart.by_rate:
        group = sum(p * q for p, q, r in spec if r == rt.rate)
        assert rt.taxable_incl == group
        assert rt.tax == group * rt.rate // (100 + rt.rate)
        # floor(x) <= exact < floor(x) + 1: the rounding loses less than one yen per rate
        assert rt.tax * (100 + rt.rate) <= group * rt.rate < (rt.tax + 1) * (100 + rt.rate)
    assert sum(rt.taxable_incl for rt in cart.by_rate) == cart.total
