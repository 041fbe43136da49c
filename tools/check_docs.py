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

def reading_order_problems() -> list[str]:
    "The site's sidebar (nbs/reading_order.yml, read by _quarto.yml) names every notebook once, and nothing else."
    import yaml
    quarto = yaml.safe_load((ROOT / 'nbs' / '_quarto.yml').read_text())
    if 'reading_order.yml' not in quarto.get('metadata-files', []): return ["nbs/_quarto.yml: metadata-files does not name reading_order.yml"]
    def names(items): return [n for it in items for n in (names(it['contents']) if isinstance(it, dict) else [it])]
    listed = names(yaml.safe_load((ROOT / 'nbs' / 'reading_order.yml').read_text())['website']['sidebar']['contents'])
    notebooks = sorted(p.name for p in (ROOT / 'nbs').glob('*.ipynb'))
    return [f"reading_order.yml: {n} listed {listed.count(n)} times" for n in notebooks if listed.count(n) != 1] + \
           [f"reading_order.yml: {n} is not a notebook" for n in listed if n not in notebooks]

def signature_problems(text: str) -> list[str]:
    "What the pages' signature blocks must not show (24_pages): starred parameters without their stars, Markdown links inside code."
    found = []
    for block in re.findall(r'```python\n(.*?)```', text, re.S):
        for line in block.split('\n'):
            if re.search(r':VAR_(KEYWORD|POSITIONAL)\b', line) or re.search(r'\[`[^`]+`\]\(', line): found.append(line.strip()[:100])
    return found

def problems(out: Path) -> list[str]:
    found = reading_order_problems()
    for nb_path in sorted((ROOT / 'nbs').glob('*.ipynb')):
        text = page_text(out, nb_path.stem)
        if text is None: found.append(f"{nb_path.name}: no page in {out}"); continue
        found += [f"{nb_path.name}: signature shows {line!r}" for line in signature_problems(text)]
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
