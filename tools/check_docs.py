"""Checks a docs build: every notebook has its page, and every function and class a module exports has its API documentation there.
Usage: python tools/check_docs.py DIR   (DIR: `_proc` after `nbdev_proc_nbs`, or `_docs` after `nbdev_docs`); exits 1 on a finding."""
import importlib, inspect, json, re, sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

def page_text(out: Path, stem: str) -> str | None:
    "The text of a notebook's page in the build: the processed notebook (_proc) or the rendered HTML (_docs)."
    for p in (out / f'{stem}.ipynb', out / f'{stem}.html'):
        if p.is_file():
            if p.suffix == '.html': return p.read_text()
            nb = json.loads(p.read_text())
            return '\n'.join(''.join(o.get('data', {}).get('text/markdown', '')) + ''.join(c['source'])
                             for c in nb['cells'] for o in (c.get('outputs') or [{}]))
    return None

def problems(out: Path) -> list[str]:
    found = []
    for nb_path in sorted((ROOT / 'nbs').glob('*.ipynb')):
        text = page_text(out, nb_path.stem)
        if text is None: found.append(f"{nb_path.name}: no page in {out}"); continue
        m = re.search(r'#\|\s*default_exp\s+(\w+)', nb_path.read_text())
        if not m: continue
        mod = importlib.import_module(f'tempverseformer.{m.group(1)}')
        for name in getattr(mod, '__all__', []):
            obj = getattr(mod, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)): continue   # constants and type aliases: shown in their code, as nbdev does
            if not re.search(rf'(#+ {re.escape(name)}\b|id="{re.escape(name.lower())}")', text):
                found.append(f"{nb_path.name}: no API documentation of {name}")
    return found

if __name__ == '__main__':
    out = Path(sys.argv[1] if len(sys.argv) > 1 else '_proc')
    bad = problems(out)
    for line in bad: print(line, file=sys.stderr)
    if bad: sys.exit(1)
    print(f"{out}: a page for each of the {len(list((ROOT / 'nbs').glob('*.ipynb')))} notebooks, with API documentation of every exported function and class")
