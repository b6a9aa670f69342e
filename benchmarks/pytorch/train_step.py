"""The reference point for Inlier's training-step benchmark: the same decoder-clm step in PyTorch.

Mirrors plugins/models DecoderClm + TrainStage exactly in shape and work: pre-LN causal decoder,
learned positions, one-hot token embedding (a product, as Inlier does it), Q/K/V/out and FFN
linears with bias, sigmoid-approximated GELU (ND4J's `gelu`), final LayerNorm, LM head with
bias, mean next-token cross-entropy, global-norm gradient clipping at 1.0 and AdamW.
Prints one Markdown table row per size; timings as in the Java harness: wall median/p10/p90 and
the calling thread's CPU time, after warm-up steps that are discarded.

Usage: /usr/bin/python3 train_step.py --threads 1 --sizes a,b --warmup 10 --steps 30 (run.sh calls it)
(python3-torch and OpenBLAS from Debian: `apt-get install python3-torch libopenblas0-pthread`; without
OpenBLAS, Debian's PyTorch runs on the reference BLAS, ≈ 7× slower here).
"""
import argparse
import math
import statistics
import time

import torch
from torch import nn

SIZES = {  # name: (layers, hidden, heads, ffn, seq, batch); vocabulary 84 as the Brown corpus
    "a": (2, 128, 4, 512, 64, 16),
    "b": (4, 256, 4, 1024, 64, 16),
}
VOCAB = 84


class Block(nn.Module):
    def __init__(self, d, h, f):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(d, f), nn.Linear(f, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        a = self.ln1(x)
        split = lambda y: y.view(b, t, self.h, d // self.h).transpose(1, 2)
        q, k, v = split(self.q(a)), split(self.k(a)), split(self.v(a))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.h) + mask
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out(context)
        hidden = self.fc1(self.ln2(x))
        return x + self.fc2(hidden * torch.sigmoid(1.702 * hidden))


class Decoder(nn.Module):
    def __init__(self, layers, d, h, f, t):
        super().__init__()
        self.embed = nn.Parameter(torch.randn(VOCAB, d) * 0.02)
        self.position = nn.Parameter(torch.randn(t, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, h, f) for _ in range(layers))
        self.final_ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB)
        self.register_buffer("mask", torch.full((t, t), -1e9).triu(1))

    def forward(self, tokens):
        x = nn.functional.one_hot(tokens, VOCAB).float() @ self.embed + self.position
        for block in self.blocks:
            x = block(x, self.mask)
        return self.head(self.final_ln(x))


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench(name, warmup, steps):
    layers, d, h, f, t, b = SIZES[name]
    torch.manual_seed(0)
    model = Decoder(layers, d, h, f, t)
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss()
    walls, cpus = [], []
    for i in range(warmup + steps):
        windows = torch.randint(0, VOCAB, (b, t + 1))
        start_wall, start_cpu = time.perf_counter(), time.thread_time()
        logits = model(windows[:, :-1])
        loss = loss_fn(logits.reshape(-1, VOCAB), windows[:, 1:].reshape(-1))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        if i >= warmup:
            walls.append(time.perf_counter() - start_wall)
            cpus.append(time.thread_time() - start_cpu)
    median = statistics.median(walls)
    print(f"| {name} | {torch.get_num_threads()} | {median * 1e3:.1f} ms | {percentile(walls, 0.1) * 1e3:.1f} ms "
          f"| {percentile(walls, 0.9) * 1e3:.1f} ms | {statistics.median(cpus) * 1e3:.1f} ms | {b * t / median:,.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sizes", default="a,b")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"BLAS: {torch.__config__.show().split('BLAS_INFO=')[-1].split(',')[0]}")
    print("| size | threads | step wall median | p10 | p90 | calling-thread CPU | tokens/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.sizes.split(","):
        bench(name, args.warmup, args.steps)


if __name__ == "__main__":
    main()
