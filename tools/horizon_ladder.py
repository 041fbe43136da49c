"""One rung of 06's long-horizon ladder: train a temporal model of the `long` recipe on a frozen VAE, score it per pattern group.

06 ("Long horizons") shows the rungs this measured. Each rung is one process (the rungs ran two at a time, one thread each):

    python tools/horizon_ladder.py --vae VAE_RUN --name cur32_1200 --steps 1200 --t-max 32 --curriculum
    python tools/horizon_ladder.py --vae VAE_RUN --name uni32_600 --steps 600 --t-max 32

VAE_RUN: a vae_only run of the tiny preset on every pattern group (600 steps, seed 0), as `tvf_reproduce --preset long` trains it:
    tvf_train --config tempverseformer--all --preset tiny --mode vae_only --steps 600 --out VAE_RUN
Writes OUT/NAME (the run) and OUT/NAME.json: the median angle error per group and horizon, the model's and copy-last's.
"""
import argparse, json, time
from pathlib import Path

import torch

from tempverseformer.checkpoint import find_checkpoint, load_checkpoint
from tempverseformer.evaluate import GROUPS, evaluate, group_data
from tempverseformer.experiments import LONG
from tempverseformer.recipe import load_train_config
from tempverseformer.train import Trainer

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--vae', required=True, help="the vae_only run whose VAE stays frozen")
p.add_argument('--name', required=True); p.add_argument('--out', default='ladder')
p.add_argument('--model', default='tempverseformer'); p.add_argument('--steps', type=int, required=True)
p.add_argument('--t-max', type=int, required=True); p.add_argument('--curriculum', action='store_true', help="the largest horizon rises 1..t_max in equal shares")
p.add_argument('--batch-size', type=int, default=32); p.add_argument('--threads', type=int, default=1)
p.add_argument('--override', default='{}', help="JSON of further TrainConfig fields")
a = p.parse_args()
torch.set_num_threads(a.threads)
data = dict(batch_size=a.batch_size, t_min=1, t_max=a.t_max, curriculum=[1 / a.t_max] * a.t_max if a.curriculum and a.t_max > 1 else None)
fields = {**LONG['temporal'], **json.loads(a.override)}
fields['data'] = {**fields.get('data', {}), **data}
cfg = load_train_config(f'{a.model}--all', 'tiny', mode='temporal_only', vae_checkpoint=str(find_checkpoint(a.vae) / 'vae'), steps=a.steps,
                        eval_every=a.steps, checkpoint_every=a.steps, sample_every=0, device='cpu', **fields)
run, start = Path(a.out) / a.name, time.time()
Trainer(cfg, run, progress=False).fit()
train_s = time.time() - start
_, _, vae, temporal, _ = load_checkpoint(run)
hs, res = [1, 2, 4, 8, 12, 16, 24, 32], {}
for g in GROUPS:
    rows = evaluate(vae, temporal, group_data(cfg.data, g), hs, batches=1, batch_size=32).rows()
    res[g] = {m: {r['horizon']: round(r['value'], 1) for r in rows if r['model'] == m and r['metric'] == 'angle_error'} for m in ('model', 'copy_last')}
out = dict(name=a.name, argv=vars(a), train_s=round(train_s), eval_s=round(time.time() - start - train_s), res=res)
(Path(a.out) / f'{a.name}.json').write_text(json.dumps(out))
print(json.dumps(out))
