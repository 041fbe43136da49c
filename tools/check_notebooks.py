"""Checks that building the docs never reruns an experiment: `nbdev_docs` executes every cell that holds an import
(besides exported cells and `show_doc` calls), so a cell with an import must hold nothing but imports.
Usage: python tools/check_notebooks.py [NOTEBOOK ...]   (default: every notebook under nbs/); exits 1 on a finding."""
import ast, json, sys
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

if __name__ == '__main__':
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path(__file__).parent.parent.joinpath('nbs').glob('*.ipynb'))
    bad = [(p, line) for p in paths for line in mixed_cells(p)]
    for p, line in bad: print(f"{p}: a cell mixes imports with other code (nbdev_docs would run it): {line[:80]}", file=sys.stderr)
    if bad: sys.exit(1)
    print(f"{len(paths)} notebooks: every cell with an import holds only imports")
