"""The mutation check: plant plausible bugs one at a time and run the notebook that owns each; every bug must make it fail.

Each mutant replaces one piece of code (found exactly once) in a module of the package and in the export cell of its notebook
alike, since a notebook runs its own source, then runs that notebook with `nbdev_test` in a scratch copy of the repository.
A mutant that leaves its notebook passing has *survived*: a test is missing there. Add the test; do not delete the mutant.

    python tools/mutants.py                 # each notebook once unmutated, then every mutant, two at a time (about 12 minutes on two cores)
    python tools/mutants.py --list          # what is planted where
    python tools/mutants.py --only metrics  # the mutants of one module (or names containing the word)

Contributors: a new module gets its mutants here, written from its code as someone who wants its tests to fail would write them
(an off-by-one frame, a wrong sign, a state not restored, a boundary moved, a term dropped). Exit status 1 when a mutant survives.
"""
from __future__ import annotations
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

@dataclass
class Mutant:
    name: str       # short and unique
    module: str     # the module under tempverseformer/ (without .py)
    old: str        # code found exactly once in the module and in its notebook
    new: str        # the bug
    why: str = ''   # what a user would see if it shipped

MUTANTS = [
    # shapekit: the data every number depends on
    Mutant('decel-accelerates', 'shapekit', "growth = torch.where(acc, a, torch.where(dec, 1 / d.clamp_min(1), 1.0))",
           "growth = torch.where(acc, a, torch.where(dec, d.clamp_min(1), 1.0))", "deceleration speeds the shape up"),
    Mutant('interruption-phase', 'shapekit', "moving = torch.where(itr[:, None], (i // p_itr.clamp_min(1)[:, None]) % 2 == 0, True)",
           "moving = torch.where(itr[:, None], (i // p_itr.clamp_min(1)[:, None]) % 2 == 1, True)", "an interrupted shape starts standing"),
    Mutant('coverage-shift', 'shapekit', "off = 0.5 + (ey * rx - ex * ry) / m", "off = 0.4 + (ey * rx - ex * ry) / m", "every edge drawn 0.1 px inside"),
    Mutant('polygon-symmetry', 'shapekit', "sym[poly] = 360.0 / self.valid[poly].sum(1).double()",
           "sym[poly] = 180.0 / self.valid[poly].sum(1).double()", "a polygon's symmetry halved"),
    Mutant('curriculum-boundary', 'shapekit', "return c.t_min + int((step >= bounds).sum())", "return c.t_min + int((step > bounds).sum())",
           "the curriculum's horizon rises one step late"),
    # metrics
    Mutant('angle-not-folded', 'metrics', "error = torch.where(period > 0, torch.minimum(r, period - r), torch.zeros_like(r))",
           "error = torch.where(period > 0, r, torch.zeros_like(r))", "a shape 10 degrees behind counts as 350 off"),
    Mutant('wrong-turn-boundary', 'metrics', "vals['wrong_turns'].append((match.error > WRONG_TURN).float().cpu())",
           "vals['wrong_turns'].append((match.error >= WRONG_TURN).float().cpu())", "exactly 60 degrees off counted as a wrong turn"),
    Mutant('interval-one-sided', 'metrics', "torch.tensor([(1 - level) / 2, (1 + level) / 2], dtype=torch.float64)",
           "torch.tensor([1 - level, (1 + level) / 2], dtype=torch.float64)", "a 92.5% interval called 95%"),
    Mutant('mse-absolute', 'metrics', "return (p - t).square().flatten(1).mean(1)", "return (p - t).abs().flatten(1).mean(1)", "MSE is the mean absolute error"),
    Mutant('ssim-border', 'metrics', "return full[..., 5:-5, 5:-5].mean(dim=(1, 2, 3))", "return full[..., 4:-4, 4:-4].mean(dim=(1, 2, 3))",
           "SSIM averaged over reflected borders"),
    # evaluate
    Mutant('copy-last-frame', 'evaluate', "if baseline: metrics.update('copy_last', t, frames[:, N - 1], target, truth)",
           "if baseline: metrics.update('copy_last', t, frames[:, N - 2], target, truth)", "copy-last copies the frame before the last"),
    Mutant('target-off-by-one', 'evaluate', "target, save = frames[:, N - 1 + t], samples_dir is not None and k < samples",
           "target, save = frames[:, N + t], samples_dir is not None and k < samples", "every model scored against the frame after its target"),
    Mutant('ceiling-wrong-frame', 'evaluate', "metrics.update(ceilings[id(v)], t, v.decode(v.encode(target, sample=False)[1]), target, truth)",
           "metrics.update(ceilings[id(v)], t, v.decode(v.encode(frames[:, N - 1], sample=False)[1]), target, truth)", "the ceiling is copy-last's round trip"),
    Mutant('groups-own-data', 'evaluate', "data = cfg.data if g == pattern else group_data(cfg.data, g)", "data = cfg.data",
           "every group's rows scored on the run's own group"),
    # recipe
    Mutant('window-off-by-one', 'recipe', "if isinstance(clip, LatentClips): return clip[:, :N].draw(sample), clip[:, t:t + N].draw(sample)",
           "if isinstance(clip, LatentClips): return clip[:, :N].draw(sample), clip[:, t - 1:t - 1 + N].draw(sample)", "the model learns t - 1 steps ahead"),
    Mutant('loss-raw-units', 'recipe', "if cfg.temporal.standardize: pred, z_out = pred / temporal.latent_scale, z_out / temporal.latent_scale",
           "if cfg.temporal.standardize: pred, z_out = pred, z_out", "a standardised model's loss weighs the large latent dimensions"),
    Mutant('new-frames-old', 'recipe', "new = lambda a, b: Fn.mse_loss(a[:, -min(t, N):], b[:, -min(t, N):])",
           "new = lambda a, b: Fn.mse_loss(a[:, :min(t, N)], b[:, :min(t, N)])", "the extra weight lands on the copied frames"),
    Mutant('kl-ramp-origin', 'recipe', "return cfg.kl_max * (step / end if cfg.kl_schedule == 'article' else (step - cfg.kl_start) / cfg.kl_warmup)",
           "return cfg.kl_max * (step / end if cfg.kl_schedule == 'article' else step / cfg.kl_warmup)", "the ramp jumps at kl_start"),
    Mutant('cosine-sign', 'recipe', "return cfg.lr * 0.5 * (1 + math.cos(math.pi * min(step, cfg.steps) / cfg.steps))",
           "return cfg.lr * 0.5 * (1 - math.cos(math.pi * min(step, cfg.steps) / cfg.steps))", "the learning rate rises from 0"),
    Mutant('precedence', 'recipe', "for layer in layers + [overrides]: merged = merge_dicts(merged, layer)",
           "for layer in [overrides] + layers: merged = merge_dicts(merged, layer)", "a preset overrides what the user set"),
    Mutant('pool-last-start', 'recipe', "start = int(torch.randint(0, self.clips.shape[1] - c.context - t + 1, (1,), generator=gen))",
           "start = int(torch.randint(0, self.clips.shape[1] - c.context - t, (1,), generator=gen))", "the pool's last window is never drawn"),
    # checkpoint
    Mutant('optimizer-state-lost', 'checkpoint', "torch.save(optimizer.state_dict(), tmp / 'optimizer.pt')",
           "torch.save(dict(optimizer.state_dict(), state={}), tmp / 'optimizer.pt')", "a resumed run restarts Adam's moments"),
    Mutant('rng-not-restored', 'checkpoint', "    torch.set_rng_state(s['torch'])\n", "    pass\n", "a resumed run draws other dropout masks"),
    Mutant('keeps-one-more', 'checkpoint', "for old in sorted(p for p in ckpt_root.glob('step-*') if p.is_dir())[:-keep]: shutil.rmtree(old)",
           "for old in sorted(p for p in ckpt_root.glob('step-*') if p.is_dir())[:-keep - 1]: shutil.rmtree(old)", "one checkpoint too many on disk"),
    # train
    Mutant('lr-one-step-ahead', 'train', "for group in self.opt.param_groups: group['lr'] = learning_rate(self.step, cfg)",
           "for group in self.opt.param_groups: group['lr'] = learning_rate(self.step + 1, cfg)", "the schedule runs a step ahead"),
    Mutant('optimizer-skipped', 'train', "self.opt.step(); self.opt.zero_grad(set_to_none=True)", "self.opt.zero_grad(set_to_none=True)",
           "the parameters never move, yet the loss is logged"),
    Mutant('vae-not-frozen', 'train', "vae = vae_class(cfg.vae_kind).from_pretrained(cfg.vae_checkpoint).requires_grad_(False).eval()",
           "vae = vae_class(cfg.vae_kind).from_pretrained(cfg.vae_checkpoint).eval()", "temporal_only hands the frozen VAE to the optimizer too"),
    Mutant('vae-mismatch-unnamed', 'train', "+ ', '.join(f\"{k} = {held.get(k)!r} there, {asked.get(k)!r} here\" for k in held | asked if held.get(k) != asked.get(k))",
           "+ ''", "a refused VAE checkpoint does not say which fields differ"),
    # reversible: the engine
    Mutant('dx2-wrong-term', 'reversible', "dx2 = self.grad_step(f, dy1, dy2)", "dx2 = self.grad_step(f, dy1, dy1)", "the lower stream's gradient is the upper one's"),
    Mutant('rebuild-call-numbers', 'reversible', "for i in reversed(range(plan.t * K)): y, dy = plan.blocks[i % K].backward_pass(y, dy, run, 1 + 2 * i)",
           "for i in reversed(range(plan.t * K)): y, dy = plan.blocks[i % K].backward_pass(y, dy, run, 2 * i)", "the rebuild replays another call's dropout"),
    Mutant('buffers-not-restored', 'reversible', "for m, n, b, copy in saved: b.copy_(copy); setattr(m, n, b)",
           "for m, n, b, copy in saved: setattr(m, n, b)", "BatchNorm statistics updated twice per step"),
    # the engine's own modules: randomness replay, PaReprop, compiled sub-blocks, drift
    Mutant('call-seed-unmixed', 'replay', "z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64", "z = (z ^ (z >> 27)) & _M64",
           "call seeds lose splitmix64's second multiply"),
    Mutant('pareprop-call-numbers', 'pareprop', "run, 1 + 2 * i + (sub == 'G'))", "run, 1 + 2 * i + (sub == 'F'))",
           "PaReprop rebuilds F with G's call number (another dropout mask)"),
    Mutant('compiled-own-random', 'compiled', "options={'fallback_random': True}", "options={'fallback_random': False}",
           "compiled sub-blocks draw inductor's random numbers, not the reseeded generator's"),
    Mutant('drift-inverse-order', 'drift', "for b in reversed(blocks): state = b.inverse(state, run)", "for b in blocks: state = b.inverse(state, run)",
           "reconstruction_error inverts the stack in the forward order"),
    # revbench: the baseline every ratio is against
    Mutant('plain-loop-skips-g', 'revbench', "for block in self.blocks: a = a + block.F(b); b = b + block.G(a)",
           "for block in self.blocks: a = a + block.F(b)", "the plain loop drops G: a cheaper baseline, every ratio flattered"),
    # temporal and layers
    Mutant('positions-dropped', 'temporal', "h = self.proj(z) + self.pos", "h = self.proj(z)", "the model cannot tell the window's frames apart"),
    Mutant('standardized-answer-raw', 'temporal', "return self.net((z - self.latent_mean) / self.latent_scale, t) * self.latent_scale + self.latent_mean",
           "return self.net((z - self.latent_mean) / self.latent_scale, t)", "a standardised model answers in its own units, not the VAE's"),
    Mutant('vanilla-ignores-t', 'temporal', "        for _ in range(t):\n            for block in self.blocks: h = block(h)",
           "        for _ in range(1):\n            for block in self.blocks: h = block(h)", "the vanilla transformer predicts one step ahead, whatever t"),
    Mutant('drop-path-unscaled', 'layers', "return x * keep / (1 - self.p)", "return x * keep", "stochastic depth shrinks the residual branch"),
    Mutant('attention-no-prenorm', 'layers', "q, k, v = self.qkv(self.norm(x)).view(B, N, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)",
           "q, k, v = self.qkv(x).view(B, N, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)", "attention without its LayerNorm"),
    # memory, experiments, viewer, core
    Mutant('budget-boundary', 'memory', "if r['oom'] or r[measure] > budget_bytes: break", "if r['oom'] or r[measure] >= budget_bytes: break",
           "a step that fits the budget exactly is refused"),
    Mutant('rerun-retrains', 'experiments', "if summary.is_file() and json.loads(summary.read_text())['steps'] >= cfg.steps: return run_dir",
           "if summary.is_file() and json.loads(summary.read_text())['steps'] > cfg.steps: return run_dir", "a finished reproduction trains again"),
    Mutant('seeds-upper-median', 'experiments', "value=sorted(v.values())[(len(v) - 1) // 2]", "value=sorted(v.values())[len(v) // 2]",
           "with an even number of seeds the reported seed is the upper one"),
    Mutant('study-recipe-reshaped', 'experiments', "STUDY_RECIPE = dict(vae_steps=600, models=('tempverseformer', 'vanilla_transformer'),",
           "STUDY_RECIPE = dict(vae=dict(steps=600), runs=('tempverseformer', 'vanilla_transformer'),",
           "the studies' recipe in the quick recipe's shape: the slow cells of 11, 12 and 13 fail on its keys"),
    Mutant('temporal-forgets-vae-grid', 'experiments', "seed=seed, **vae, **{**recipe['temporal'], 'data': data})",
           "seed=seed, **{**recipe['temporal'], 'data': data})", "the long recipe's temporal runs refuse its 2 x 2 grid VAE"),
    Mutant('group-table-no-interval', 'experiments', "return v + (f\" [{r['lo']:.{digits}f}, {r['hi']:.{digits}f}]\" if interval and r.get('lo') is not None else '')",
           "return v", "the reports drop every interval"),
    Mutant('strip-labels-upright', 'viewer', "axs[r, 0].set_ylabel(labels[r], fontsize=10, rotation=0, ha='right', va='center', labelpad=6)",
           "axs[r, 0].set_ylabel(labels[r], fontsize=10)", "long row names overlap"),
    Mutant('merge-shallow', 'core', "out[k] = merge_dicts(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v",
           "out[k] = v", "an override of one data field drops the others"),
]

def notebook_of(module: str) -> Path:
    "The notebook a module is exported from (its header names it)."
    head = (ROOT / 'tempverseformer' / f'{module}.py').read_text().split('\n', 6)
    m = next((re.search(r'File to edit: \.\./nbs/(\S+\.ipynb)', l) for l in head if 'File to edit' in l), None)
    if m is None: raise ValueError(f"tempverseformer/{module}.py names no notebook")
    return ROOT / 'nbs' / m[1]

def _cells_with(nb: dict, text: str) -> list[int]:
    return [i for i, c in enumerate(nb['cells']) if text in ''.join(c['source'])]

def check(m: Mutant) -> str | None:
    "Why the mutant cannot be planted (its code is not found exactly once), or None."
    mod = (ROOT / 'tempverseformer' / f'{m.module}.py').read_text()
    nb = json.loads(notebook_of(m.module).read_text())
    if mod.count(m.old) != 1: return f"found {mod.count(m.old)} times in tempverseformer/{m.module}.py"
    if len(_cells_with(nb, m.old)) != 1 or sum(''.join(c['source']).count(m.old) for c in nb['cells']) != 1:
        return f"not found exactly once in {notebook_of(m.module).name}"
    return None

def plant(m: Mutant, root: Path):
    "Write the mutant into the copy at `root`: the module and its notebook's export cell."
    mod = root / 'tempverseformer' / f'{m.module}.py'
    mod.write_text(mod.read_text().replace(m.old, m.new))
    nb_path = root / 'nbs' / notebook_of(m.module).name
    nb = json.loads(nb_path.read_text())
    i = _cells_with(nb, m.old)[0]
    nb['cells'][i]['source'] = ''.join(nb['cells'][i]['source']).replace(m.old, m.new).splitlines(keepends=True)
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False))

def scratch_copy(into: Path) -> Path:
    "A copy of what the notebooks need: the package, the notebooks (fixtures, images) and settings.ini."
    for d in ('tempverseformer', 'nbs'): shutil.copytree(ROOT / d, into / d, ignore=shutil.ignore_patterns('__pycache__', '.ipynb_checkpoints'))
    shutil.copy(ROOT / 'settings.ini', into / 'settings.ini')
    return into

def run(m: Mutant | None, timeout: int, notebook: str | None = None) -> dict:
    "Plant `m` in a fresh copy and run its notebook; killed when the notebook fails. `m=None`: the unmutated `notebook` (the baseline)."
    start, nb_name = time.time(), notebook_of(m.module).name if m else notebook
    with tempfile.TemporaryDirectory(prefix=f"mutant-{m.name if m else 'baseline'}-") as d:
        root = scratch_copy(Path(d))
        if m: plant(m, root)
        env = dict(os.environ, PYTHONPATH=str(root), MPLBACKEND='Agg', WANDB_MODE='disabled', OMP_NUM_THREADS='1')
        try:
            p = subprocess.run([sys.executable, '-m', 'nbdev.test', '--path', str(root / 'nbs' / nb_name)],
                               cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
            lines = p.stderr.strip().splitlines() or ['']
            killed, how = p.returncode != 0, next((l for l in reversed(lines) if 'Error' in l and not l.startswith('KeyError: \'__builtins')), lines[-1]).strip()[:120]   # what failed (not dynamo's teardown noise)
        except subprocess.TimeoutExpired: killed, how = True, f'timed out after {timeout} s'
    return dict(name=m.name if m else 'baseline', module=m.module if m else '', notebook=nb_name, killed=killed, seconds=round(time.time() - start), how=how)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--only', help="mutants of this module, or whose name contains this")
    p.add_argument('--workers', type=int, default=2, help="mutants run at once, each on one thread (default: %(default)s)")
    p.add_argument('--timeout', type=int, default=600, help="seconds a notebook may run (default: %(default)s)")
    p.add_argument('--list', action='store_true', help="list the mutants and exit")
    p.add_argument('--no-baseline', action='store_true', help="skip the first pass that runs each notebook unmutated (a notebook that fails anyway kills every mutant)")
    p.add_argument('--json', help="also write the results to this file")
    a = p.parse_args(argv)
    chosen = [m for m in MUTANTS if not a.only or a.only in (m.module, ) or a.only in m.name]
    if a.list:
        for m in chosen: print(f"{m.module:12s} {m.name:24s} {notebook_of(m.module).name:22s} {m.why}")
        print(f"{len(chosen)} mutants over {len({m.module for m in chosen})} modules"); return 0
    stale = [(m.name, why) for m in chosen if (why := check(m))]
    if stale:
        for name, why in stale: print(f"stale mutant {name}: its code is {why}", file=sys.stderr)
        return 2
    start = time.time()
    if not a.no_baseline:                                   # a kill counts only if the notebook passes without the bug
        notebooks = sorted({notebook_of(m.module).name for m in chosen})
        with ThreadPoolExecutor(a.workers) as ex: failing = [r for r in ex.map(lambda n: run(None, a.timeout, n), notebooks) if r['killed']]
        for r in failing: print(f"baseline: {r['notebook']} fails without any mutant: {r['how']}", file=sys.stderr)
        if failing: return 2
        print(f"baseline: {len(notebooks)} notebooks pass unmutated ({time.time() - start:.0f} s)", flush=True)
    with ThreadPoolExecutor(a.workers) as ex:
        results = []
        for r in ex.map(lambda m: run(m, a.timeout), chosen):
            results.append(r)
            print(f"{'killed  ' if r['killed'] else 'SURVIVED'} {r['module']:12s} {r['name']:24s} {r['seconds']:4d} s  {r['how'] if r['killed'] else ''}", flush=True)
    survived = [r for r in results if not r['killed']]
    print(f"{len(results) - len(survived)} of {len(results)} mutants killed over {len({r['module'] for r in results})} modules "
          f"in {time.time() - start:.0f} s" + (f"; survived: {', '.join(r['name'] for r in survived)}" if survived else ''))
    if a.json: Path(a.json).write_text(json.dumps(dict(results=results, seconds=round(time.time() - start)), indent=1))
    return 1 if survived else 0

if __name__ == '__main__': sys.exit(main())
