"""Checks of the notebooks as sources:
- building the docs never reruns an experiment: `nbdev_docs` executes every cell that holds an import (besides exported cells and
  `show_doc` calls), so a cell with an import must hold nothing but imports;
- every "section N" a notebook names exists: a heading `## N. ...` of that notebook, or of the notebook named just before it
  ("`03_reversible`, section 8");
- no committed output is a traceback: a run that failed and was saved leaves its error in the docs, and a cell that prints
  nothing when it passes keeps it until it is cleared.
Usage: python tools/check_notebooks.py [NOTEBOOK ...]   (default: every notebook under nbs/); exits 1 on a finding."""
import ast, json, re, sys
from pathlib import Path

EXPORTED = ('export', 'exports', 'exporti', 'exec_doc')

def directives(src: str) -> set[str]:
    return {l[2:].strip().split()[0] for l in src.splitlines() if l.startswith('#|') and l[2:].strip()}

def mixed_cells(path: Path) -> list[str]:
    "First lines of the code cells of `path` that mix imports with other statements (what `nbdev_docs` would execute whole)."
    found = []
    for cell in json.loads(path.read_text())['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] != 'code' or directives(src) & set(EXPORTED) or 'nbdev_export()' in src: continue
        try: tree = ast.parse(src)
        except SyntaxError: continue                                     # magics: nbdev does not parse them either
        nodes = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes) and not all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes):
            found.append(next(l for l in src.splitlines() if not l.startswith('#|')))
    return found

SECTION_HEADING = re.compile(r'^#{2,3} (\d+)\. ', re.M)
SECTION_REF = re.compile(r'(?:(\d\d(?:_\w+)?)`?(?:\'s)?,? )?\bsections? (\d+(?:(?:, | and | or |-)\d+)*)(?: of `?(\d\d_\w+))?')

def sections(path: Path) -> set[int]:
    "The numbers of a notebook's numbered sections (`## 3. Title`)."
    return {int(n) for c in json.loads(path.read_text())['cells'] if c['cell_type'] == 'markdown'
            for n in SECTION_HEADING.findall(''.join(c['source']))}

def bad_section_refs(path: Path) -> list[str]:
    "The 'section N' references of `path` (prose and code) that name no section of the notebook they point into."
    nbs, found = path.parent, []
    for cell in json.loads(path.read_text())['cells']:
        for m in SECTION_REF.finditer(''.join(cell['source'])):
            named = m[3] or m[1]                                           # 'section 8 of `03_reversible`', '03_reversible, section 8', '03, section 8'
            target = next(iter(nbs.glob(f'{named}*.ipynb')), None) if named else path
            have = sections(target) if target else set()
            missing = [n for n in map(int, re.findall(r'\d+', m[2])) if n not in have]
            if missing: found.append(f"{m[0]!r} names no section {missing} of {target.name if target else named}")
    return found

def error_outputs(path: Path) -> list[str]:
    "First lines of the cells of `path` whose saved outputs hold an error or a traceback."
    return [next((l for l in ''.join(c['source']).splitlines() if not l.startswith('#|')), '')
            for c in json.loads(path.read_text())['cells'] for o in c.get('outputs', [])[:1]
            if any(o2['output_type'] == 'error' or 'Traceback (most recent call last)' in ''.join(o2.get('text', '')) for o2 in c['outputs'])]

if __name__ == '__main__':
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path(__file__).parent.parent.joinpath('nbs').glob('*.ipynb'))
    bad = [(p, line) for p in paths for line in mixed_cells(p)]
    for p, line in bad: print(f"{p}: a cell mixes imports with other code (nbdev_docs would run it): {line[:80]}", file=sys.stderr)
    refs = [(p, r) for p in paths for r in bad_section_refs(p)]
    for p, r in refs: print(f"{p}: {r}", file=sys.stderr)
    errors = [(p, line) for p in paths for line in error_outputs(p)]
    for p, line in errors: print(f"{p}: a saved output is an error (run the notebook again, or clear it): {line[:80]}", file=sys.stderr)
    if bad or refs or errors: sys.exit(1)
    print(f"{len(paths)} notebooks: every cell with an import holds only imports; every section named exists; no saved output is an error")
