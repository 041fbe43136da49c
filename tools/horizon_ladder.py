"""One rung of 06's long-horizon ladder: train a temporal model of the `long` recipe on a frozen VAE, score it per pattern group.

06 ("Long horizons") shows the rungs this measured. Each rung is one process (the rungs ran two at a time, one thread each):

    python tools/horizon_ladder.py --vae VAE_RUN --name std_2400 --steps 2400 --t-max 32 --curriculum --standardize
    python tools/horizon_ladder.py --vae VAE_RUN --name base_2400 --steps 2400 --t-max 32 --curriculum

VAE_RUN: a vae_only run of the tiny preset on every pattern group, e.g. `python tools/vae_study.py --name kl2000 --override
'{"steps": 2000}'`. The latents of 4,096 clips of 44 frames are encoded once per VAE (VAE_RUN/pool32.pt) and shared by its rungs.
--curriculum: the largest horizon rises 1..t_max in equal shares of the steps; with --ramp R, the first R of the steps rise to
t_max - 1 and the rest stay at t_max. Scoring: `evaluate` on 4 x 64 validation sequences per pattern group (seed 0) at
t = 1, 2, 4, 8, 12, 16, 24, 32, with copy-last and the VAE's round trip (ceiling).
Writes OUT/NAME (the run), OUT/NAME.json (median angle error [95% interval] and wrong-turn share per group, model and horizon).
"""
import argparse, json, time
from pathlib import Path

import torch

from tempverseformer.checkpoint import find_checkpoint, load_checkpoint
from tempverseformer.core import merge_dicts
from tempverseformer.evaluate import GROUPS, evaluate, group_data
from tempverseformer.experiments import LONG
from tempverseformer.recipe import encode_clips, load_clips, load_train_config, save_clips
from tempverseformer.train import Trainer
from tempverseformer.vae import vae_class

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--vae', required=True, help="the vae_only run whose VAE stays frozen")
p.add_argument('--name', required=True); p.add_argument('--out', default='ladder')
p.add_argument('--model', default='tempverseformer'); p.add_argument('--steps', type=int, required=True)
p.add_argument('--t-max', type=int, required=True); p.add_argument('--curriculum', action='store_true')
p.add_argument('--ramp', type=float, default=None, help="share of the steps over which the largest horizon rises to t_max - 1")
p.add_argument('--standardize', action='store_true', help="the model sees standardised latents (TemporalConfig.standardize)")
p.add_argument('--batch-size', type=int, default=32); p.add_argument('--threads', type=int, default=1)
p.add_argument('--override', default='{}', help="JSON of further TrainConfig fields")
a = p.parse_args()
torch.set_num_threads(a.threads)
T = a.t_max
cur = None if not a.curriculum or T == 1 else [a.ramp / (T - 1)] * (T - 1) + [1 - a.ramp] if a.ramp is not None else [1 / T] * T
data = dict(batch_size=a.batch_size, t_min=1, t_max=T, curriculum=cur)
fields = merge_dicts({**LONG['temporal'], 'data': data}, json.loads(a.override))
if a.standardize: fields = merge_dicts(fields, dict(temporal=dict(standardize=True)))
vae_dir = str(find_checkpoint(a.vae) / 'vae')
cfg = load_train_config(f'{a.model}--all', 'tiny', mode='temporal_only', vae_checkpoint=vae_dir, steps=a.steps,
                        eval_every=a.steps, checkpoint_every=a.steps, sample_every=0, device='cpu', **fields)
pool_path = Path(a.vae) / 'pool32.pt'
if not pool_path.is_file():
    vae = vae_class(cfg.vae_kind).from_pretrained(vae_dir).eval()
    save_clips(encode_clips(vae, cfg.data.replace(t_max=32, curriculum=None), cfg.latent_pool), pool_path)
run, start = Path(a.out) / a.name, time.time()
Trainer(cfg, run, progress=False, pool=load_clips(pool_path)).fit()
train_s = time.time() - start
_, _, vae, temporal, _ = load_checkpoint(run)
hs, res = [1, 2, 4, 8, 12, 16, 24, 32], {}
for g in GROUPS:
    rows = evaluate(vae, temporal, group_data(cfg.data, g).replace(seed=0), hs, batches=4, batch_size=64, ceiling=True).rows()
    res[g] = {m: {r['horizon']: [round(r['value'], 1), round(r['lo'], 1), round(r['hi'], 1)] for r in rows if r['model'] == m and r['metric'] == 'angle_error'}
              for m in ('model', 'copy_last', 'ceiling')}
    res[g]['wrong_turns'] = {r['horizon']: round(r['value'], 3) for r in rows if r['model'] == 'model' and r['metric'] == 'wrong_turns'}
out = dict(name=a.name, argv=vars(a), train_s=round(train_s), eval_s=round(time.time() - start - train_s), res=res)
(Path(a.out) / f'{a.name}.json').write_text(json.dumps(out))
print(json.dumps(out))
