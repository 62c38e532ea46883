"""The benchmark script runs and prints its three figures (its numbers are reported, not asserted)."""
from explorer.bench import main


def test_bench_prints_three_figures(capsys):
    main(["--steps", "4", "--repeats", "1", "--cell", "gru"])
    out = capsys.readouterr().out
    assert "(1) training:" in out and "steps/s" in out
    assert "(2) unroll + per-step gradients" in out
    assert "(3) memory: peak RSS" in out


def test_bench_prints_the_validation_cost(capsys):
    main(["--steps", "4", "--repeats", "1", "--cell", "rnn"])
    out = capsys.readouterr().out
    assert "(4) validation:" in out and "ms per evaluation" in out and "% of training time" in out
