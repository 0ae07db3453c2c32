"""Schedules of the distillation terms: factors worked out by hand."""
import pytest

from mmvicokd.models.distillers.functional import check_schedule, schedule_factor


@pytest.mark.parametrize('iteration, factor', [(0, 0.0), (1, 0.25), (3, 0.75), (4, 1.0),
                                               (9, 1.0)])
def test_warmup_iters_is_linear_from_zero(iteration, factor):
    assert schedule_factor(epoch=0, iteration=iteration, warmup_iters=4) == factor


@pytest.mark.parametrize('iteration, factor', [(0, 0.0), (5, 0.25), (10, 0.5), (15, 0.75),
                                               (20, 1.0), (35, 1.0)])
def test_warmup_epochs_counts_iterations(iteration, factor):
    # 2 epochs of 10 iterations: the warm-up lasts 20 iterations
    assert schedule_factor(epoch=iteration // 10, iteration=iteration, iters_per_epoch=10,
                           warmup_epochs=2) == factor


def test_stop_epoch_switches_the_term_off_from_that_epoch():
    assert schedule_factor(epoch=2, iteration=29, iters_per_epoch=10, stop_epoch=3) == 1.0
    assert schedule_factor(epoch=3, iteration=30, iters_per_epoch=10, stop_epoch=3) == 0.0
    assert schedule_factor(epoch=7, iteration=70, stop_epoch=3) == 0.0
    # warm-up, full weight, then off
    factors = [schedule_factor(epoch=i // 10, iteration=i, iters_per_epoch=10,
                               warmup_epochs=1, stop_epoch=2) for i in (0, 5, 10, 19, 20)]
    assert factors == [0.0, 0.5, 1.0, 1.0, 0.0]


def test_no_schedule_is_the_constant_weight():
    assert schedule_factor(epoch=5, iteration=123) == 1.0


def test_warmup_epochs_needs_the_epoch_length():
    with pytest.raises(ValueError, match='iterations per epoch'):
        schedule_factor(epoch=0, iteration=0, warmup_epochs=2)


def test_check_schedule():
    assert check_schedule('fd', dict(warmup_epochs=5, stop_epoch=80)) == dict(
        warmup_epochs=5, stop_epoch=80)
    bad = [(dict(), 'non-empty dict'), (dict(warmup=3), 'unknown keys'),
           (dict(warmup_epochs=1, warmup_iters=10), 'not both'),
           (dict(warmup_iters=0), 'positive integer'), (dict(stop_epoch=2.5), 'positive integer'),
           (dict(warmup_epochs=True), 'positive integer'),
           (dict(warmup_epochs=5, stop_epoch=5), 'before its warm-up')]
    for schedule, message in bad:
        with pytest.raises(ValueError, match=message):
            check_schedule('fd', schedule)
