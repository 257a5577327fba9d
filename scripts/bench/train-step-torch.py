# The PyTorch side of `npm run bench -- train-step`: one training step (forward, v-loss, backward,
# AdamW) of a U-Net of the same shape as src/lib/models/layout.ts builds from the config it is given,
# timed on a fixed number of CPU threads. Only a yardstick for our wasm trainer: it never trains what
# we ship. Run with Debian's python3-torch: /usr/bin/python3 train-step-torch.py '<json>' → one JSON line.
# The JSON holds {model: UNetConfig, batch, resolution, threads, steps, lr, beta1, beta2, eps, weightDecay}.
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


class ResBlock(nn.Module):
    """GN, SiLU, conv3×3, + dense(emb), GN, SiLU, conv3×3, plus a 1×1 skip when cin ≠ cout (layout.ts)."""

    def __init__(self, cin, cout, emb, groups, eps):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(emb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, h, e):
        y = self.conv1(F.silu(self.norm1(h))) + self.temb(e)[:, :, None, None]
        y = self.conv2(F.silu(self.norm2(y)))
        return (self.skip(h) if self.skip is not None else h) + y


class UNet(nn.Module):
    """planUNet + unetLayers of src/lib/models/layout.ts: the same levels, blocks, skips and widths."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        ch_at = [c["baseChannels"] * m for m in c["channelMults"]]
        levels, emb, g, eps = len(ch_at), c["embedDim"], c["groups"], c["normEps"]
        self.time = nn.Sequential(nn.Linear(c["timeFeatures"], emb), nn.SiLU(), nn.Linear(emb, emb))
        self.classes = nn.Embedding(c["classes"] + 1, emb) if c["classes"] > 0 else None
        self.inc = nn.Conv2d(c["imageChannels"] + c["extraChannels"], ch_at[0], 3, padding=1)
        self.down = nn.ModuleList()
        ch = ch_at[0]
        for lvl in range(levels):
            blocks = nn.ModuleList()
            for _ in range(c["resBlocks"][lvl]):
                blocks.append(ResBlock(ch, ch_at[lvl], emb, g, eps))
                ch = ch_at[lvl]
            self.down.append(blocks)
        self.mid = ResBlock(ch, ch, emb, g, eps)
        self.up = nn.ModuleList()
        self.up_conv = nn.ModuleList()
        for lvl in range(levels - 2, -1, -1):
            self.up_conv.append(nn.Conv2d(ch, ch, 3, padding=1) if c["upConv"] else nn.Identity())
            blocks = nn.ModuleList()
            cin = ch + ch_at[lvl]
            for _ in range(c["resBlocks"][lvl]):
                blocks.append(ResBlock(cin, ch_at[lvl], emb, g, eps))
                cin = ch_at[lvl]
            self.up.append(blocks)
            ch = ch_at[lvl]
        self.out_norm = nn.GroupNorm(g, ch_at[0], eps=eps)
        self.out_conv = nn.Conv2d(ch_at[0], c["outChannels"], 3, padding=1)

    def embed(self, t, labels):
        half = self.c["timeFeatures"] // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        arg = (t * self.c["timeScale"])[:, None] * freqs[None, :]
        e = self.time(torch.cat([torch.sin(arg), torch.cos(arg)], 1))
        if self.classes is not None:
            e = e + self.classes(labels)
        return F.silu(e)

    def forward(self, x, t, labels):
        e = self.embed(t, labels)
        h = self.inc(x)
        skips = []
        for lvl, blocks in enumerate(self.down):
            for b in blocks:
                h = b(h, e)
            if lvl < len(self.down) - 1:
                skips.append(h)
                h = F.avg_pool2d(h, 2)
        h = self.mid(h, e)
        for conv, blocks in zip(self.up_conv, self.up):
            h = torch.cat([conv(F.interpolate(h, scale_factor=2, mode="nearest")), skips.pop()], 1)
            for b in blocks:
                h = b(h, e)
        return self.out_conv(F.silu(self.out_norm(h)))


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(1)
    c, b, s = spec["model"], spec["batch"], spec["resolution"]
    net = UNet(c)
    # AdamW decays the rank ≥ 2 weights only, as train/adamw.ts does.
    decay = [p for p in net.parameters() if p.dim() >= 2]
    rest = [p for p in net.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": spec["weightDecay"]}, {"params": rest, "weight_decay": 0.0}],
        lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"])
    times, cpu = [], []  # wall ms, and this process's CPU ms (all threads)
    for _ in range(spec["steps"]):
        x0 = torch.rand(b, c["imageChannels"], s, s) * 2 - 1
        eps = torch.randn_like(x0)
        t = torch.randint(1, 1001, (b,)).float()
        ab = torch.rand(b)[:, None, None, None]  # ᾱ_t: any values in (0, 1) cost the same
        labels = torch.randint(0, c["classes"] + 1, (b,))
        t0, c0 = time.perf_counter(), time.process_time()
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        v = ab.sqrt() * eps - (1 - ab).sqrt() * x0  # v-target (Salimans & Ho 2022)
        loss = F.mse_loss(net(xt, t, labels), v)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    warm = times[1:]
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "batch": b,
        "params": sum(p.numel() for p in net.parameters()),
        "firstMs": times[0], "medianMs": statistics.median(warm), "minMs": min(warm),
        "cpuMs": statistics.median(cpu[1:]),
    }))


if __name__ == "__main__":
    main()
