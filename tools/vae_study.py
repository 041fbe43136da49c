"""One VAE of 06's study ("A VAE that draws what it is given"): train a tiny VAE on every pattern group, measure its round trip.

    python tools/vae_study.py --name kl2000 --override '{"steps": 2000}'
    python tools/vae_study.py --name clip2000 --override '{"steps": 2000, "lr_schedule": "cosine", "kl_max": 0, "grad_clip": 1.0}'
    python tools/vae_study.py --name grid2_s1 --override '{"steps": 2000, "seed": 1, "vae": {"latent_grid": 2}}'   # VAE_RECIPE, seed 1

The VAE is `tvf_train --config tempverseformer--all --preset tiny --mode vae_only` with the fields of --override. Its round trip:
256 validation frames per pattern group (the 20th frame of each sequence), encoded to the posterior mean and decoded, scored by 05's
orientation match against the true angle (median error, share of wrong turns above 60 degrees, pixel MSE); and the spread of its
latents (per dimension, the standard deviation of the means over frames; the posterior's own standard deviation); and, over
all groups, the wrong turns per quartile of the triangles' irregularity (how far from equilateral); and the validation MSE at each
evaluation step of its training. Writes OUT/NAME (the run) and OUT/NAME.json. The VAE of a reproduction's run, measured the same way:

    python tools/vae_study.py --name kl2000_s2 --measure seed_runs/long_2/runs/vae

06's strip of truth above round trips:

    python tools/vae_study.py --name nbs/images/vae_round_trip.png --strip "600 steps=OUT/base600" "2,000, seed 4=OUT/kl2000_s4" \
        "2 x 2 grid, seed 4=OUT/grid2_s4"

The study ran two at a time, one thread each.
"""
import argparse, json, time
from pathlib import Path

import torch

from tempverseformer.checkpoint import checkpoint_config, find_checkpoint
from tempverseformer.evaluate import GROUPS, group_data
from tempverseformer.metrics import WRONG_TURN, TrueShapes, mse, orientation_match
from tempverseformer.recipe import load_train_config
from tempverseformer.shapekit import ShapeKit
from tempverseformer.train import Trainer
from tempverseformer.vae import vae_class

@torch.no_grad()
def round_trip(vae, data, n: int = 256, t: int = 8) -> tuple[dict, dict]:
    "Per pattern group: the round trip's median angle error, share of wrong turns and pixel MSE on `n` validation frames; and over "
    "all groups, the share of wrong turns per quartile of the triangles' irregularity (longest side / shortest - 1: 0 is equilateral) "
    "and the wrong turns' median angle error."
    if list(data.shapes) != ['triangle']: raise ValueError(f"the study's frames are triangles; this data draws {data.shapes}")
    out, errors, irregular = {}, [], []
    for g in GROUPS:
        d = group_data(data, g).replace(seed=0)
        b = ShapeKit(d, split='val').batch(0, t=t, batch_size=n)
        k = d.context - 1 + t
        rec = vae.decode(vae.encode(b.frames[:, k], sample=False)[1]).clamp(-1, 1)
        e = orientation_match(rec, TrueShapes(b.shapes, b.angles[:, k], d)).error
        out[g] = dict(median=e.median().item(), wrong=(e > WRONG_TURN).float().mean().item(), mse=mse(rec, b.frames[:, k]).mean().item())
        v = b.shapes.verts[:, :3].double()                               # (n, 3, 2) the triangles' vertices
        sides = (v - v.roll(1, 1)).norm(dim=-1)
        errors.append(e); irregular.append(sides.max(1).values / sides.min(1).values - 1)
    e, r = torch.cat(errors), torch.cat(irregular)
    edges = torch.quantile(r, torch.tensor([0.25, 0.5, 0.75], dtype=r.dtype)).tolist()
    q = torch.bucketize(r, torch.tensor(edges, dtype=r.dtype), right=True)   # quartile 0 (nearest to equilateral) .. 3
    wrong = e > WRONG_TURN
    return out, dict(edges=edges, wrong=[wrong[q == i].float().mean().item() for i in range(4)],
                     wrong_error=e[wrong].median().item() if wrong.any() else None)

def val_mse(run: Path) -> dict:
    "The VAE's validation MSE at each evaluation step of a run (step -> MSE), from its history."
    rows = map(json.loads, (run / 'history.jsonl').read_text().splitlines())
    return {str(r['step']): r['val_vae_mse'] for r in rows if 'val_vae_mse' in r}

@torch.no_grad()
def latent_spread(vae, data, n: int = 32) -> dict:
    "The spread of the posterior means over frames, per dimension (min, median, max), and the posterior's median standard deviation."
    f = ShapeKit(data.replace(seed=0), split='val').batch(0, t=4, batch_size=n).frames.flatten(0, 1)
    _, mean, logvar = vae.encode(f, sample=False)
    s = mean.std(0)
    return dict(min=s.min().item(), median=s.median().item(), max=s.max().item(), posterior_std=(0.5 * logvar).exp().median().item())

@torch.no_grad()
def round_trip_strip(vaes: dict, data, png: str, frames: int = 10):
    "PNG: per pattern group one validation sequence, the truth above each VAE's round trip (`vaes`: label -> VAE)."
    from matplotlib.figure import Figure
    from tempverseformer.preview import frame_grid
    rows, labels = [], []
    for g in GROUPS:
        d = group_data(data, g).replace(seed=0)
        f = ShapeKit(d, split='val').batch(0, t=max(frames - d.context, 1), batch_size=1).frames[0, -frames:]
        rows.append(f); labels.append(f'{g}: truth')
        for name, vae in vaes.items():
            rows.append(vae.decode(vae.encode(f, sample=False)[1]).clamp(-1, 1)); labels.append(name)
    img = frame_grid(torch.stack(rows))
    fig = Figure(figsize=(1.6 + frames * 0.55, len(rows) * 0.55)); ax = fig.subplots()
    ax.imshow(img); ax.set_xticks([]); ax.set_yticks([2 + 34 * i + 16 for i in range(len(rows))], labels, fontsize=7)
    fig.tight_layout(); fig.savefig(png, dpi=100)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--name', required=True); p.add_argument('--out', default='vae_study')
    p.add_argument('--override', default='{}', help="JSON of TrainConfig fields")
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--strip', nargs='+', metavar='LABEL=RUN', help="instead of training: write --name (a PNG) of these runs' round trips")
    p.add_argument('--measure', metavar='RUN', help="instead of training: measure the VAE of this run (a seed's runs/vae) into OUT/NAME.json")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.strip:
        runs = dict(s.split('=', 1) for s in a.strip)
        vaes = {k: vae_class(checkpoint_config(find_checkpoint(r))[0].vae_kind).from_pretrained(find_checkpoint(r) / 'vae').eval() for k, r in runs.items()}
        round_trip_strip(vaes, checkpoint_config(find_checkpoint(next(iter(runs.values()))))[0].data, a.name)
        raise SystemExit
    if a.measure:
        ck = find_checkpoint(a.measure); cfg = checkpoint_config(ck)[0]
        vae = vae_class(cfg.vae_kind).from_pretrained(ck / 'vae').eval()
        summary = json.loads((Path(a.measure) / 'summary.json').read_text())
        rt, by_shape = round_trip(vae, cfg.data)
        res = dict(name=a.name, run=str(a.measure), train_s=round(summary['seconds']), seed=cfg.seed, round_trip=rt, by_shape=by_shape,
                   latents=latent_spread(vae, cfg.data), val_mse=val_mse(Path(a.measure)))
        Path(a.out).mkdir(parents=True, exist_ok=True); (Path(a.out) / f'{a.name}.json').write_text(json.dumps(res))
        print(json.dumps(res)); raise SystemExit
    over = json.loads(a.override)
    cfg = load_train_config('tempverseformer--all', 'tiny', mode='vae_only', perceptual_weight=0.0, sample_every=0, device='cpu', **over)
    run, start = Path(a.out) / a.name, time.time()
    Trainer(cfg, run, progress=False).fit()
    vae = vae_class(cfg.vae_kind).from_pretrained(find_checkpoint(run) / 'vae').eval()
    train_s, (rt, by_shape) = round(time.time() - start), round_trip(vae, cfg.data)
    res = dict(name=a.name, override=over, train_s=train_s, round_trip=rt, by_shape=by_shape,
               latents=latent_spread(vae, cfg.data), val_mse=val_mse(run))
    (Path(a.out) / f'{a.name}.json').write_text(json.dumps(res))
    print(json.dumps(res))
