"""ModelConfig validation and build_model's initialisation schemes."""
import numpy as np
import pytest
import torch

from explorer import ModelConfig, build_model


@pytest.mark.parametrize(
    "field, bad",
    [("cell", "transformer"), ("input_size", 0), ("hidden_size", 513), ("num_layers", 5), ("output_size", 0),
     ("nonlinearity", "sigmoid"), ("init", "zeros"), ("spectral_radius", 0.0), ("spectral_radius", float("nan")),
     ("forget_bias", 11.0), ("dropout", 0.95), ("seed", -1), ("hidden_size", 3.5), ("num_layers", True)],
)
def test_every_field_is_validated_with_its_name(field, bad):
    with pytest.raises(ValueError, match=field):
        ModelConfig(**{field: bad})


def test_dict_round_trip_and_unknown_keys():
    cfg = ModelConfig(cell="gru", hidden_size=7, forget_bias=1.0, init="spectral", spectral_radius=1.5)
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown ModelConfig field"):
        ModelConfig.from_dict({**cfg.to_dict(), "evil": 1})
    with pytest.raises(ValueError, match="mapping"):
        ModelConfig.from_dict(["cell", "gru"])


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = (build_model(ModelConfig(cell="lstm", num_layers=2, seed=s)) for s in (3, 3, 4))
    for (_, pa), (_, pb), (_, pc) in zip(a.named_parameters(), b.named_parameters(), c.named_parameters()):
        assert torch.equal(pa, pb)
        assert not torch.equal(pa, pc)


def test_default_init_is_pytorchs_uniform():
    h = 16
    model = build_model(ModelConfig(cell="gru", hidden_size=h, num_layers=2))
    for name, p in model.named_parameters():
        assert p.abs().max() <= 1 / h**0.5, name
        if p.numel() >= 32:
            assert p.abs().max() > 0.8 / h**0.5, name  # spread over the whole interval


def blocks(model, layer=0):
    g = len(model.cfg.gate_names)
    return model.recurrent_weights(layer)["weight_hh"].detach().double().chunk(g)


def test_orthogonal_blocks_are_orthogonal():
    model = build_model(ModelConfig(cell="lstm", hidden_size=9, init="orthogonal"))
    for w in blocks(model):
        np.testing.assert_allclose(w @ w.T, np.eye(9), atol=1e-5)
    assert all(model.recurrent_weights(0)[b].abs().max() == 0 for b in ("bias_ih", "bias_hh"))


def test_identity_init_is_irnn():
    model = build_model(ModelConfig(cell="rnn", nonlinearity="relu", hidden_size=6, init="identity"))
    w = model.recurrent_weights(0)
    assert torch.equal(w["weight_hh"], torch.eye(6))
    assert w["weight_ih"].abs().max() < 0.01  # N(0, 0.001²)
    assert w["bias_ih"].abs().max() == 0 and w["bias_hh"].abs().max() == 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("radius", [0.5, 1.5])
def test_spectral_init_sets_the_radius_of_every_block(cell, radius):
    model = build_model(ModelConfig(cell=cell, hidden_size=12, num_layers=2, init="spectral", spectral_radius=radius))
    for layer in range(2):
        for w in blocks(model, layer):
            assert np.abs(np.linalg.eigvals(w.numpy())).max() == pytest.approx(radius, rel=1e-5)


def test_xavier_bound():
    model = build_model(ModelConfig(cell="rnn", hidden_size=20, input_size=5, init="xavier"))
    w = model.recurrent_weights(0)
    assert w["weight_hh"].abs().max() <= (6 / 40) ** 0.5
    assert w["weight_ih"].abs().max() <= (6 / 25) ** 0.5


def test_forget_bias():
    model = build_model(ModelConfig(cell="lstm", hidden_size=5, num_layers=2, forget_bias=1.0))
    for layer in range(2):
        w = model.recurrent_weights(layer)
        assert torch.equal(w["bias_ih"][5:10], torch.ones(5))
        assert torch.equal(w["bias_hh"][5:10], torch.zeros(5))


def test_dropout_only_between_layers():
    assert build_model(ModelConfig(num_layers=1, dropout=0.5)).rnn.dropout == 0.0
    assert build_model(ModelConfig(num_layers=2, dropout=0.5)).rnn.dropout == 0.5


def test_forward_shape():
    model = build_model(ModelConfig(cell="gru", input_size=3, output_size=4, num_layers=2))
    assert model(torch.randn(5, 7, 3)).shape == (5, 7, 4)
