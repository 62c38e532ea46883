"""The benchmark script runs and prints its three figures (its numbers are reported, not asserted)."""
from explorer.bench import main


def test_bench_prints_three_figures(capsys):
    main(["--steps", "4", "--repeats", "1", "--cell", "gru"])
    out = capsys.readouterr().out
    assert "(1) training:" in out and "steps/s" in out
    assert "(2) unroll + per-step gradients" in out
    assert "(3) memory: peak RSS" in out
    assert "(5) peephole LSTM" in out and "vs nn.LSTM" in out
    assert "(6) saliency probe" in out and "% of the plain training time" in out


def test_bench_prints_the_validation_cost(capsys):
    main(["--steps", "4", "--repeats", "1", "--cell", "rnn"])
    out = capsys.readouterr().out
    assert "(4) validation:" in out and "ms per evaluation" in out and "% of training time" in out
