#!/usr/bin/python3
"""PyTorch reference for `npm run bench:train`: the same GAT-GRU (and GRU) as src/model, timed the same way.

The model mirrors src/model/models/recurrent-model.ts, src/model/cells/gru-cell.ts and
src/model/graph-attention.ts:
  - one GRU cell shared by every service (rows = batch x services), reset gate applied after the hidden
    projection (cuDNN / Keras reset_after): r, z = sigmoid(x W + b + h U + c),
    n = tanh(x W_n + b_n + r * (h U_n + c_n)), h' = n + z * (h - n);
  - GAT-GRU: before every step, multi-head graph attention over the previous hidden states
    (per head k: W_k h, scores LeakyReLU_0.2(a_dst,k . W_k h_i + a_src,k . W_k h_j), softmax over the one-hop
    neighbours of i plus i itself, heads averaged), and the attended state replaces h(t-1) in the cell;
  - a forward and a reverse pass over the window with separate weights, the input side of every gate
    projected for the whole window in one matmul, the last hidden states of both passes concatenated,
    one dense layer to horizon x targets, added to the last observed value (residual).
The attention is written the usual PyTorch way, as a masked dense [N, N] softmax and a batched matmul.

Input: a JSON spec on stdin (or --spec FILE) as written by bench/train-speed.ts; without one (stdin a
terminal) a random graph of the paper's size is generated here. Output: one JSON object on stdout.
Timing: seconds per epoch (median of --epochs epochs after --warmup warm-up epochs) and single-forecast
latency (batch 1, forward only under no_grad, median of --forecasts after warm-up), in wall time and in the
CPU time of this process.
"""

import argparse
import json
import math
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

LEAKY_SLOPE = 0.2
MASKED_SCORE = -1e30


def orthogonal_blocks(rows, cols):
    """[rows, cols] made of cols/rows square orthogonal blocks side by side (one per gate), as weights.ts."""
    blocks = []
    for start in range(0, cols, rows):
        block = torch.empty(rows, min(rows, cols - start))
        nn.init.orthogonal_(block)
        blocks.append(block)
    return torch.cat(blocks, 1)


class GruCell(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.hidden = hidden
        self.input_kernel = nn.Parameter(nn.init.xavier_uniform_(torch.empty(features, 3 * hidden)))
        self.input_bias = nn.Parameter(torch.zeros(3 * hidden))
        self.recurrent_kernel = nn.Parameter(orthogonal_blocks(hidden, 3 * hidden))
        self.recurrent_bias = nn.Parameter(torch.zeros(3 * hidden))

    def project_inputs(self, x):
        return torch.addmm(self.input_bias, x, self.input_kernel)

    def step(self, projected, h):
        hidden = self.hidden
        projected_hidden = torch.addmm(self.recurrent_bias, h, self.recurrent_kernel)
        gates = torch.sigmoid(projected[:, : 2 * hidden] + projected_hidden[:, : 2 * hidden])
        reset = gates[:, :hidden]
        update = gates[:, hidden:]
        candidate = torch.tanh(projected[:, 2 * hidden :] + reset * projected_hidden[:, 2 * hidden :])
        return candidate + update * (h - candidate)


class GraphAttention(nn.Module):
    def __init__(self, hidden, heads, mask):
        super().__init__()
        self.hidden = hidden
        self.heads = heads
        self.kernel = nn.Parameter(nn.init.xavier_uniform_(torch.empty(hidden, heads * hidden)))
        self.source_attention = nn.Parameter(nn.init.xavier_uniform_(torch.empty(heads, hidden)))
        self.target_attention = nn.Parameter(nn.init.xavier_uniform_(torch.empty(heads, hidden)))
        # mask[i, j] = 1 when service i attends to j (one-hop neighbours and itself).
        self.register_buffer("mask_bias", torch.where(mask > 0, 0.0, MASKED_SCORE))

    def forward(self, h):
        """h [B, N, H] -> [B, N, H]."""
        batch, services, hidden = h.shape
        heads = self.heads
        values = (h.reshape(batch * services, hidden) @ self.kernel).reshape(batch, services, heads, hidden)
        source = (values * self.source_attention).sum(-1).transpose(1, 2)  # [B, K, N]
        target = (values * self.target_attention).sum(-1).transpose(1, 2)
        scores = F.leaky_relu(target.unsqueeze(3) + source.unsqueeze(2), LEAKY_SLOPE) + self.mask_bias
        alpha = torch.softmax(scores, -1)  # [B, K, N(i), N(j)]
        return torch.matmul(alpha, values.transpose(1, 2)).mean(1)


class RecurrentModel(nn.Module):
    def __init__(self, kind, services, window, horizon, features, targets, hidden, heads, mask):
        super().__init__()
        self.services, self.window, self.horizon = services, window, horizon
        self.features, self.targets, self.hidden = features, targets, hidden
        self.cells = nn.ModuleList([GruCell(features, hidden) for _ in range(2)])
        attended = kind == "gat-gru"
        self.attention = nn.ModuleList(
            [GraphAttention(hidden, heads, mask) for _ in range(2)] if attended else []
        )
        # Residual model: the output kernel starts at zero, so the untrained model is last-value.
        self.output_kernel = nn.Parameter(torch.zeros(2 * hidden, horizon * targets))
        self.output_bias = nn.Parameter(torch.zeros(horizon * targets))

    def forward(self, x):
        """x [B, T, N, F] -> [B, horizon, N, targets]."""
        batch, window, services, features = x.shape
        rows = batch * services
        time_major = x.permute(1, 0, 2, 3).reshape(window * rows, features)
        last = []
        for direction, cell in enumerate(self.cells):
            projected = cell.project_inputs(time_major).reshape(window, rows, 3 * self.hidden)
            attention = self.attention[direction] if len(self.attention) > 0 else None
            h = x.new_zeros(rows, self.hidden)
            for index in range(window):
                t = index if direction == 0 else window - 1 - index
                if attention is not None:
                    h = attention(h.reshape(batch, services, self.hidden)).reshape(rows, self.hidden)
                h = cell.step(projected[t], h)
            last.append(h)
        flat = torch.addmm(self.output_bias, torch.cat(last, 1), self.output_kernel)
        forecast = flat.reshape(batch, services, self.horizon, self.targets).permute(0, 2, 1, 3)
        return forecast + x[:, window - 1 : window, :, : self.targets]

    def load_tfjs_weights(self, weights):
        """Weights named as the tfjs model's variables, scope removed (`forward/attention/kernel`, ...)."""
        named = {"output/kernel": self.output_kernel, "output/bias": self.output_bias}
        for direction, cell in zip(("forward", "reverse"), self.cells):
            named[f"{direction}/input_kernel"] = cell.input_kernel
            named[f"{direction}/input_bias"] = cell.input_bias
            named[f"{direction}/recurrent_kernel"] = cell.recurrent_kernel
            named[f"{direction}/recurrent_bias"] = cell.recurrent_bias
        for direction, attention in zip(("forward", "reverse"), self.attention):
            named[f"{direction}/attention/kernel"] = attention.kernel
            named[f"{direction}/attention/source_attention"] = attention.source_attention
            named[f"{direction}/attention/target_attention"] = attention.target_attention
        missing = sorted(set(named) - set(weights))
        extra = sorted(set(weights) - set(named))
        if missing or extra:
            raise ValueError(f"weights do not match the model: missing {missing}, unexpected {extra}")
        with torch.no_grad():
            for name, parameter in named.items():
                parameter.copy_(torch.tensor(weights[name], dtype=torch.float32).reshape(parameter.shape))


def default_spec():
    """The paper's configuration with a random sparse graph (30 services, 35 call edges)."""
    generator = torch.Generator().manual_seed(3)
    services = 30
    edges = set()
    for i in range(1, services):
        edges.add((int(torch.randint(0, i, (1,), generator=generator)), i))
    while len(edges) < 35:
        a, b = (int(v) for v in torch.randint(0, services, (2,), generator=generator))
        if a != b and (b, a) not in edges:
            edges.add((a, b))
    adjacency = [0.0] * (services * services)
    for a, b in edges:
        adjacency[a * services + b] = adjacency[b * services + a] = 1.0
    return {
        "services": services,
        "window": 10,
        "horizon": 3,
        "features": 1,
        "targets": 1,
        "hidden": 48,
        "heads": 4,
        "batchSize": 48,
        "learningRate": 0.001,
        "trainWindows": 1400,
        "models": ["gat-gru", "gru"],
        "adjacency": adjacency,
    }


def attention_mask(spec):
    n = spec["services"]
    adjacency = torch.tensor(spec["adjacency"], dtype=torch.float32).reshape(n, n)
    return ((adjacency > 0) | torch.eye(n, dtype=torch.bool)).float()


def build(spec, kind, mask):
    return RecurrentModel(
        kind,
        spec["services"],
        spec["window"],
        spec["horizon"],
        spec["features"],
        spec["targets"],
        spec["hidden"],
        spec["heads"],
        mask,
    )


def measure(spec, kind, mask, args):
    torch.manual_seed(1)
    count = spec["trainWindows"]
    inputs = torch.rand(count, spec["window"], spec["services"], spec["features"])
    targets = torch.rand(count, spec["horizon"], spec["services"], spec["targets"])
    model = build(spec, kind, mask)
    # tfjs' Adam defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.
    optimizer = torch.optim.Adam(model.parameters(), lr=spec["learningRate"], eps=1e-7)
    batch_size = spec["batchSize"]
    epoch_seconds = []
    loss = math.nan
    for epoch in range(args.warmup + args.epochs):
        started = time.perf_counter()
        order = torch.randperm(count, generator=torch.Generator().manual_seed(epoch + 1))
        loss_sum = 0.0
        for start in range(0, count, batch_size):
            rows = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            batch_loss = F.mse_loss(model(inputs[rows]), targets[rows])
            batch_loss.backward()
            optimizer.step()
            loss_sum += batch_loss.item() * len(rows)
        loss = loss_sum / count
        if epoch >= args.warmup:
            epoch_seconds.append(time.perf_counter() - started)

    one = inputs[:1].clone()
    forecast_ms = []
    # Also the CPU time this process spent on each forecast: on a busy machine it varies far less than the
    # wall time, which includes waiting for a core.
    forecast_cpu_ms = []
    with torch.no_grad():
        for index in range(10 + args.forecasts):
            started = time.perf_counter()
            cpu_started = time.process_time()
            model(one).tolist()
            if index >= 10:
                forecast_ms.append((time.perf_counter() - started) * 1000)
                forecast_cpu_ms.append((time.process_time() - cpu_started) * 1000)
    return {
        "model": kind,
        "trainWindows": count,
        "secondsPerEpoch": statistics.median(epoch_seconds),
        "epochSeconds": epoch_seconds,
        "forecastMs": statistics.median(forecast_ms),
        "forecastCpuMs": statistics.median(forecast_cpu_ms),
        "finalLoss": loss,
    }


def parity(spec, kind, mask, check):
    """Forward pass with the tfjs model's weights on the tfjs benchmark's probe windows."""
    model = build(spec, kind, mask)
    model.load_tfjs_weights(check["weights"])
    probe = torch.tensor(check["inputs"], dtype=torch.float32).reshape(check["shape"])
    with torch.no_grad():
        return model(probe).reshape(-1).tolist()


def blas_info():
    """The BLAS torch was built against (Debian's build says 'generic': whatever libblas.so.3 resolves to)."""
    match = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    info = match.group(1) if match else "unknown"
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            libraries = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        libraries = set()
    # Debian: .../blas/libblas.so.3.* is the netlib reference BLAS, .../openblas-pthread/... is OpenBLAS.
    loaded = ", ".join("/".join(path.split("/")[-2:]) for path in sorted(libraries))
    return f"{info} ({loaded})" if loaded else info


def matmul_gflops(rows, inner, cols, repeats=200):
    """Throughput of one [rows, inner] x [inner, cols] product, the size of the GRU's recurrent matmul."""
    a = torch.rand(rows, inner)
    b = torch.rand(inner, cols)
    for _ in range(10):
        a @ b
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - started)
    return 2 * rows * inner * cols / statistics.median(times) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", help="JSON spec file ('-' for stdin, the default when stdin is not a terminal)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs (median reported)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed warm-up epochs")
    parser.add_argument("--forecasts", type=int, default=50, help="timed single forecasts (median reported)")
    parser.add_argument("--models", help="comma-separated subset of the spec's models (gat-gru, gru)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    spec_path = args.spec if args.spec is not None else (None if sys.stdin.isatty() else "-")
    if spec_path is None:
        spec = default_spec()
    elif spec_path == "-":
        text = sys.stdin.read()
        spec = json.loads(text) if text.strip() else default_spec()
    else:
        with open(spec_path, encoding="utf-8") as file:
            spec = json.load(file)
    kinds = args.models.split(",") if args.models else spec.get("models", ["gat-gru", "gru"])
    unknown = [kind for kind in kinds if kind not in ("gat-gru", "gru")]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}: the reference has gat-gru and gru")
    mask = attention_mask(spec)
    results = []
    for kind in kinds:
        result = measure(spec, kind, mask, args)
        check = spec.get("parity", {}).get(kind)
        if check is not None:
            result["parityOutputs"] = parity(spec, kind, mask, check)
        results.append(result)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "python": sys.version.split()[0],
                "threads": torch.get_num_threads(),
                "blas": blas_info(),
                "matmulGflops": matmul_gflops(
                    spec["batchSize"] * spec["services"], spec["hidden"], 3 * spec["hidden"]
                ),
                "edges": int(sum(1 for weight in spec["adjacency"] if weight > 0)),
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
