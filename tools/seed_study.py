"""The seed study behind the README's numbers: one reproduction per seed, then their numbers gathered into a fixture.

    python tools/seed_study.py run --experiment long --seeds 0 1 2 3 4 --out seed_runs --jobs 2
    python tools/seed_study.py collect --experiment long --out seed_runs --fixture nbs/fixtures/seeds/long.json

`run` starts `tvf_reproduce --EXPERIMENT --seed S --out OUT/EXPERIMENT_S` for each seed, `--jobs` at a time, each on
`--threads` threads (rerunning resumes, as the tool does); the JSON each prints is kept as OUT/EXPERIMENT_S.json.
`collect` writes, per seed, the wall time, the device, the VAE's last validation MSE, and the rows and summaries of its evaluation (angle error, wrong turns and
MSE, with their intervals; the quick reproduction's table of pattern groups too), which 06 and the README read.
A seed changes every run's initial weights and training data (the VAE's too); the validation sequences are the same for all.
"""
import argparse, json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

KEPT = ('angle_error', 'wrong_turns', 'mse')

def run(experiment: str, seed: int, out: Path, threads: int) -> dict:
    folder, log = out / f'{experiment}_{seed}', out / f'{experiment}_{seed}.log'
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    start = time.time()
    with open(log, 'w') as err:
        p = subprocess.run(['tvf_reproduce', f'--{experiment}', '--seed', str(seed), '--out', str(folder), '--no-progress'],
                           env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    if p.returncode: return dict(seed=seed, failed=p.returncode, log=str(log))
    res = dict(json.loads(p.stdout.strip().splitlines()[-1]), wall_s=round(time.time() - start), threads=threads)
    (out / f'{experiment}_{seed}.json').write_text(json.dumps(res))
    return res

def collect(experiment: str, out: Path) -> dict:
    seeds = {}
    for f in sorted(out.glob(f'{experiment}_*.json')):
        res, folder = json.loads(f.read_text()), out / f.stem
        ev = json.loads((folder / 'eval' / 'metrics.json').read_text())
        vae = json.loads((folder / 'runs' / 'vae' / 'summary.json').read_text())['last_validation']
        entry = dict(seconds=res['seconds'], threads=res.get('threads'), device=ev['device'], torch=ev['torch'], vae_val_mse=vae['val_vae_mse'],
                     rows=[r for r in ev['rows'] if r['metric'] in KEPT], summary=[r for r in ev['summary'] if r['metric'] in KEPT])
        groups = folder / 'eval_groups' / 'metrics.json'
        if groups.is_file():
            g = json.loads(groups.read_text())
            entry.update(group_rows=[r for r in g['rows'] if r['metric'] in KEPT], group_summary=[r for r in g['summary'] if r['metric'] in KEPT])
        seeds[res['seed']] = entry
    return dict(experiment=experiment, seeds=seeds)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('what', choices=['run', 'collect'])
    p.add_argument('--experiment', choices=['quick', 'long'], required=True)
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    p.add_argument('--out', default='seed_runs'); p.add_argument('--fixture')
    p.add_argument('--jobs', type=int, default=1); p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    if a.what == 'run':
        with ThreadPoolExecutor(a.jobs) as ex:
            for r in ex.map(lambda s: run(a.experiment, s, out, a.threads), a.seeds): print(json.dumps(r), flush=True)
    else:
        res = collect(a.experiment, out)
        Path(a.fixture).parent.mkdir(parents=True, exist_ok=True)
        Path(a.fixture).write_text(json.dumps(res))
        print(f"{len(res['seeds'])} seeds of {a.experiment} -> {a.fixture}")
