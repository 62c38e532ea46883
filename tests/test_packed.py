"""Issue 12, the model side: token ids and an embedding, batches of unequal lengths run packed, the masked mean
pooling; `unroll` and the per-step gradients of a padded batch against pad_packed_sequence of the fused module and
against each sequence run alone, unpadded (the independent computation: no padding, no packing)."""
import dataclasses

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from explorer import ModelConfig, build_model, unroll
from explorer.config import TaskConfig, TrainConfig
from explorer.data.tasks import Batch, Task
from explorer.lab import make_lab
from explorer.models.recurrent import pool_states
from explorer.trace.gradients import hidden_grads, jacobian_norms
from explorer.trace.saliency import saliency
from explorer.training.trainer import Trainer
from tests.reference import reference_layers


def padded_batch(lengths, t_len, width, seed, ids=False):
    """x (B, T, width) floats (or (B, T) ids < width) with zeros (id 0) past each length."""
    gen = torch.Generator().manual_seed(seed)
    if ids:
        x = torch.randint(1, width, (len(lengths), t_len), generator=gen)
    else:
        x = torch.randn(len(lengths), t_len, width, generator=gen)
    for b, n in enumerate(lengths):
        x[b, n:] = 0
    return x


def packed_layers(model, e, lengths):
    """(L, B, T, D·H): every layer's output by the fused module on a packed batch, pad_packed_sequence'd, layer by
    layer (a one-layer module per layer, with that layer's weights)."""
    cfg, outs, inp = model.cfg, [], e
    for layer in range(cfg.num_layers):
        one = build_model(ModelConfig(cell=cfg.cell, nonlinearity=cfg.nonlinearity, input_size=inp.shape[-1],
                                      hidden_size=cfg.hidden_size, bidirectional=cfg.bidirectional)).rnn
        with torch.no_grad():
            for d, suffix in enumerate(("", "_reverse")[: cfg.directions]):
                for name, w in model.recurrent_weights(layer, d).items():
                    getattr(one, f"{name}_l0{suffix}").copy_(w)
            packed = pack_padded_sequence(inp, torch.as_tensor(lengths), batch_first=True, enforce_sorted=False)
            inp, _ = pad_packed_sequence(one(packed)[0], batch_first=True, total_length=e.shape[1])
        outs.append(inp)
    return torch.stack(outs)


def alone(model, e, lengths):
    """[per sample: its layers' outputs (L, T_b, D·H)] with each sequence run alone, unpadded (tests.reference)."""
    out = []
    for b, n in enumerate(lengths):
        layers = reference_layers(model, e[b : b + 1, :n])
        out.append(torch.stack([torch.cat([torch.stack(hs, 1) for hs in dirs], -1)[0] for dirs in layers]))
    return out


@settings(max_examples=30, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru", "peephole"]),
    layers=st.integers(1, 3),
    hidden=st.integers(1, 8),
    bidirectional=st.booleans(),
    lengths=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_unroll_of_a_padded_batch_is_the_packed_module_in_every_layer(cell, layers, hidden, bidirectional, lengths,
                                                                      seed):
    cfg = ModelConfig(cell=cell, num_layers=layers, hidden_size=hidden, input_size=3, output_size=2, seed=seed,
                      bidirectional=bidirectional)
    model = build_model(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "weight_c" in name:
                p.uniform_(-1, 1, generator=torch.Generator().manual_seed(seed))
    t_len = max(lengths) + 2  # padding after the longest too
    x = padded_batch(lengths, t_len, 3, seed)
    trace = unroll(model, x, torch.tensor(lengths))
    for b, ref in enumerate(alone(model, x, lengths)):  # each sequence alone, no padding at all
        np.testing.assert_allclose(trace.hidden[:, b, : lengths[b]], ref.detach().numpy(), atol=1e-5)
        assert not trace.hidden[:, b, lengths[b]:].any()
        if trace.cell is not None:
            assert not trace.cell[:, b, lengths[b]:].any()
        assert all(not g[:, b, lengths[b]:].any() for g in trace.gates.values())
    if cell != "peephole":  # the fused module on the packed batch
        np.testing.assert_allclose(trace.hidden, packed_layers(model, x, lengths).numpy(), atol=1e-5)
    with torch.no_grad():
        np.testing.assert_allclose(trace.outputs, model(x, lengths=torch.tensor(lengths)).numpy(), atol=1e-5)
    np.testing.assert_array_equal(trace.lengths, lengths)


@pytest.mark.parametrize("pool", ["last", "mean"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "peephole"])
def test_per_step_gradients_of_a_padded_batch(cell, bidirectional, pool):
    """∂L/∂h_t of every layer and direction by the hand-written BPTT on the padded batch, against autograd through
    each sequence run alone; L reads the outputs at the real steps only (as a masked loss does)."""
    lengths = [5, 2, 7, 4]
    cfg = ModelConfig(cell=cell, num_layers=2, hidden_size=4, input_size=3, output_size=2, seed=3,
                      bidirectional=bidirectional, pool=pool)
    model = build_model(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "weight_c" in name:
                p.uniform_(-1, 1)
    x = padded_batch(lengths, 8, 3, 4)
    weights = torch.randn(4, 8, 2, generator=torch.Generator().manual_seed(5))
    mask = torch.arange(8)[None] < torch.tensor(lengths)[:, None]  # (B, T)

    def loss_fn(out):  # (B, T, O): only the real steps count
        return (out * weights)[mask].sum()

    _, grads = hidden_grads(model, x, loss_fn, torch.tensor(lengths))
    for b, n in enumerate(lengths):
        layers = reference_layers(model, x[b : b + 1, :n])
        top = torch.cat([torch.stack(hs, 1) for hs in layers[-1]], -1)  # (1, n, D·H)
        out = model.head(pool_states(top, None, pool))
        flat = [h for dirs in layers for hs in dirs for h in hs]
        g = iter(torch.autograd.grad((out[0] * weights[b, :n]).sum(), flat, allow_unused=True))
        want = torch.stack([torch.cat([torch.stack([next(g) for _ in hs], 1) for hs in dirs], -1)[0]
                            for dirs in layers])  # (L, n, D·H)
        np.testing.assert_allclose(grads[:, b, :n], want.numpy(), atol=1e-5 * (want.abs().max().item() + 1e-12))
        assert not grads[:, b, n:].any()


def test_the_fused_models_gradients_on_a_packed_batch_match_each_sequence_alone():
    """Training sees the same weight gradients on a padded batch (run packed) as on its sequences one by one."""
    for cell in ("lstm", "peephole"):
        model = build_model(ModelConfig(cell=cell, num_layers=2, hidden_size=4, input_size=3, output_size=1,
                                        bidirectional=True, pool="mean", seed=1))
        lengths = [3, 6, 1]
        x = padded_batch(lengths, 6, 3, 2)
        mask = torch.arange(6)[None] < torch.tensor(lengths)[:, None]
        packed = torch.autograd.grad(model(x, lengths=torch.tensor(lengths))[mask].pow(2).sum(), list(model.parameters()))
        one_by_one = torch.autograd.grad(sum(model(x[b : b + 1, :n]).pow(2).sum() for b, n in enumerate(lengths)),
                                         list(model.parameters()))
        for g, want in zip(packed, one_by_one):
            torch.testing.assert_close(g, want, atol=1e-5, rtol=1e-4)


def test_mean_pooling_reads_the_mean_of_the_real_steps():
    hs = torch.randn(2, 5, 3)
    hs[1, 3:] = 0  # padding of a sequence of length 3
    pooled = pool_states(hs, torch.tensor([5, 3]), "mean")
    torch.testing.assert_close(pooled[0, 2], hs[0, :3].mean(0))
    torch.testing.assert_close(pooled[1, 4], hs[1, :3].mean(0))  # past the end: the whole sequence's mean
    torch.testing.assert_close(pooled[1, 1], hs[1, :2].mean(0))
    assert pool_states(hs, None, "last") is hs


def test_an_embedding_looks_up_ids_and_multiplies_one_hot_vectors_alike():
    cfg = ModelConfig(cell="gru", input_size=7, vocab_size=7, embedding_dim=4, output_size=7, hidden_size=5, seed=2)
    model = build_model(cfg).eval()
    assert tuple(model.embedding.weight.shape) == (7, 4) and model.rnn.weight_ih_l0.shape[1] == 4
    ids = torch.randint(0, 7, (3, 6), generator=torch.Generator().manual_seed(0))
    one_hot = torch.nn.functional.one_hot(ids, 7).float()
    with torch.no_grad():
        torch.testing.assert_close(model(ids), model(one_hot))
        torch.testing.assert_close(model(ids), model.head(model.rnn(model.embedding.weight[ids])[0]))
    trace = unroll(model, ids)
    np.testing.assert_array_equal(trace.token_ids, ids.numpy())
    np.testing.assert_allclose(trace.inputs, model.embedding.weight[ids].detach().numpy())  # x_t = the embedding
    np.testing.assert_array_equal(unroll(model, one_hot).token_ids, ids.numpy())
    with pytest.raises(ValueError, match="symbols"):
        build_model(ModelConfig(embedding_dim=4))  # real-valued inputs: nothing to look up
    without = build_model(dataclasses.replace(cfg, embedding_dim=0)).eval()
    with torch.no_grad():  # ids without an embedding: one-hot vectors, as the one-hot tasks feed them
        torch.testing.assert_close(without(ids), without(one_hot))


def test_the_embedding_is_drawn_after_every_other_weight():
    """Adding an embedding changes no other weight of the same seed (the existing presets keep their numbers)."""
    plain = build_model(ModelConfig(cell="lstm", input_size=5, vocab_size=5, output_size=5, seed=9))
    embedded = build_model(ModelConfig(cell="lstm", input_size=5, vocab_size=5, output_size=5, seed=9, embedding_dim=5))
    for name, p in plain.named_parameters():
        assert torch.equal(p, dict(embedded.named_parameters())[name]), name


def test_jacobian_norms_of_a_padded_sample_are_those_of_the_sample_alone():
    model = build_model(ModelConfig(cell="gru", hidden_size=4, input_size=2, bidirectional=True, seed=1)).eval()
    x = padded_batch([4, 7], 7, 2, 3)
    trace = unroll(model, x, torch.tensor([4, 7]))
    solo = unroll(model, x[:1, :4])
    for direction in (0, 1):
        got = jacobian_norms(model, trace, sample=0, direction=direction)
        np.testing.assert_allclose(got[:4], jacobian_norms(model, solo, direction=direction), rtol=1e-5)
        assert not got[4:].any()


@pytest.mark.parametrize("pool", ["last", "mean"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_saliency_of_padded_token_batches_matches_autograd(bidirectional, pool):
    """∂ỹ_t/∂e_s, e_s the embedding vector read at step s, against the Jacobian of each sequence run alone."""
    cfg = ModelConfig(cell="lstm", input_size=9, vocab_size=9, embedding_dim=3, output_size=4, hidden_size=5, seed=4,
                      bidirectional=bidirectional, pool=pool)
    model = build_model(cfg).eval()
    lengths = [6, 3]
    ids = padded_batch(lengths, 6, 9, 7, ids=True)
    got = saliency(model, ids, "classification", list(range(6)), lengths=torch.tensor(lengths)).per_sample
    for b, n in enumerate(lengths):
        e = model.embedding.weight[ids[b, :n]].detach()  # (n, E)

        def outputs(v):
            return model.head(pool_states(model.rnn(v[None])[0], None, pool))[0]  # (n, O)

        jac = torch.autograd.functional.jacobian(outputs, e)  # (n, O, n, E)
        cls = outputs(e).argmax(-1)
        want = jac[torch.arange(n), cls].pow(2).sum(-1).sqrt()  # (n, n)
        np.testing.assert_allclose(got[b, :n, :n], want.numpy(), rtol=1e-4, atol=1e-6)
        assert not got[b, :, n:].any()  # nothing depends on the padding
        if pool == "last":
            assert not got[b, n:].any()  # the head reads h_t = 0 past the end
        else:  # past the end the head reads the mean of the whole sequence, as at its last step
            np.testing.assert_allclose(got[b, n:], np.broadcast_to(got[b, n - 1], got[b, n:].shape), rtol=1e-5)


class TokenTask(Task):
    """A minimal token task like the text tasks of issue 12: ids (B, T) of a 300-word vocabulary, padded batches
    with lengths, the class (is word 7 in the text?) due at each text's last real step."""

    token_inputs = True

    def __init__(self):
        super().__init__(TaskConfig(name="order", seq_len=12), kind="classification", input_size=300, output_size=2,
                         seq_len=12, baseline=float(np.log(2)), baseline_label="chance", metric_names=("accuracy",),
                         vocab=[f"w{i}" for i in range(300)])

    def batch(self, batch_size, seed):
        rng = np.random.default_rng(seed)
        lengths = rng.integers(2, 13, batch_size)
        x = np.zeros((batch_size, int(lengths.max())), np.int64)
        y = np.zeros_like(x)
        mask = np.zeros(x.shape, bool)
        for b, n in enumerate(lengths):
            x[b, :n] = rng.integers(1, 300, n)
            y[b, n - 1] = int(7 in x[b, :n])
            mask[b, n - 1] = True
        return Batch(torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(mask), torch.from_numpy(lengths))

    def metrics(self, out, batch):
        return {"accuracy": (out[batch.mask].argmax(-1) == batch.y[batch.mask]).float().mean().item()}


def test_a_token_task_trains_packed_with_probes():
    task = TokenTask()
    from explorer.lab import with_task_sizes
    with pytest.raises(ValueError, match="Choose an embedding size"):
        with_task_sizes(ModelConfig(), task)
    cfg = with_task_sizes(ModelConfig(cell="gru", hidden_size=8, embedding_dim=6, bidirectional=True, pool="mean"),
                          task)
    assert (cfg.vocab_size, cfg.input_size) == (300, 300)
    trainer = Trainer(build_model(cfg), task, TrainConfig(batch_size=8, probe_every=2))
    stats = list(trainer.run(4))
    assert all(np.isfinite(s.loss) for s in stats) and trainer.diverged is None
    probe = stats[1]
    lengths = trainer.probe_batch.lengths.numpy()
    t_len = trainer.probe_batch.x.shape[1]
    assert probe.hidden_grad_norms.shape == (1, t_len) and probe.saliency is not None
    assert sorted(probe.saliency_steps.tolist()) == sorted(set((lengths - 1).tolist()))


def test_embeddings_on_one_hot_tasks_and_refused_on_numbers():
    lab = make_lab(ModelConfig(embedding_dim=8, hidden_size=8), TaskConfig(name="charlm", seq_len=20),
                   TrainConfig(batch_size=4, probe_every=1))
    assert lab.model_cfg.vocab_size == lab.task.input_size == len(lab.task.vocab)
    before = lab.model.embedding.weight.detach().clone()
    stats = list(lab.trainer.run(2))
    assert np.isfinite(stats[-1].loss) and not torch.equal(before, lab.model.embedding.weight)
    with pytest.raises(ValueError, match="inputs are numbers"):
        make_lab(ModelConfig(embedding_dim=8), TaskConfig(name="sine"), TrainConfig())


def test_links_cli_and_weights_carry_the_new_fields(tmp_path):
    import json

    from explorer.cli import main
    from explorer.lecture.export import config_json, load_weights, parse_config_json, weights_safetensors
    from explorer.lecture.share import from_query, to_query
    model = ModelConfig(embedding_dim=16, pool="mean", bidirectional=True)
    m, t, r, notices = from_query(to_query(model, TaskConfig(name="order"), TrainConfig()))
    assert (m, notices) == (model, [])
    assert "m.vocab_size" not in to_query(model, TaskConfig(), TrainConfig())  # set by the task, like input_size
    *_, notices = from_query({"m.pool": "max", "m.vocab_size": "3"})
    assert len(notices) == 2
    lab = make_lab(model, TaskConfig(name="order", seq_len=10), TrainConfig())
    assert parse_config_json(config_json(lab.model_cfg, lab.task_cfg, lab.train_cfg))[0] == lab.model_cfg
    other = build_model(dataclasses.replace(lab.model_cfg, seed=5))
    load_weights(other, weights_safetensors(lab.model))
    assert torch.equal(other.embedding.weight, lab.model.embedding.weight)
    out = tmp_path / "run.jsonl"
    assert main(["train", "--task", "charlm", "--seq-len", "12", "--embedding-dim", "8", "--pool", "mean",
                 "--hidden-size", "8", "--steps", "2", "--jsonl", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 2 and json.loads(out.read_text().splitlines()[0])["loss"] > 0


@pytest.mark.parametrize("pool", ["last", "mean"])
def test_step_through_reads_the_symbols_and_generates_with_an_embedding(pool):
    """The Step-through page on a character model with an embedding: the symbols come from the trace's token ids,
    and generation feeds each sampled character through the embedding (greedy = the model's own argmax)."""
    from explorer.views import stepview as sv
    lab = make_lab(ModelConfig(embedding_dim=8, hidden_size=8, pool=pool), TaskConfig(name="charlm", seq_len=20),
                   TrainConfig())
    data = sv.compute(lab.model, lab.task, sv.sample_batch(lab.task, 0))
    text = sv.symbols(lab.task, data.trace.inputs[0], data.trace.token_ids[0])
    assert "".join(text) == lab.task.decode(sv.sample_batch(lab.task, 0).x[0].argmax(-1))
    out = sv.generate(lab.model, lab.task, "The ", 5, 0.0, seed=0)
    prompt = "The "
    for ch in out:  # greedy: each character is the argmax of the model on everything so far
        with torch.no_grad():
            logits = lab.model(lab.task.inputs_from_text(prompt))[0, -1]
        assert lab.task.decode([int(logits.argmax())]) == ch
        prompt += ch
