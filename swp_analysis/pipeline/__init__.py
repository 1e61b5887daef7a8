"""Build the board's report: ingest, execute notebooks with papermill, export one HTML file.

``build()`` is what ``swp build`` runs:

1. validate every input, collecting all problems (nothing is built from bad input);
2. ingest the police data into ``data/processed`` (cached by the inputs' sha256);
3. execute each notebook top to bottom in a fresh kernel with papermill, independent notebooks
   concurrently, each result cached under a key of its source, parameters, inputs and library;
4. splice the executed notebooks into one document and export it in-process with nbconvert and
   our template (one template load per build);
5. write ``manifest.json`` and move everything into place only when all of that succeeded.

A failing notebook leaves the previous report untouched; the error names the notebook, the cell
and where the partially executed notebook was kept.
"""

from .builder import BuildResult, build
from .cache import library_fingerprint, notebook_keys, prune_cache
from .execute import Executed, execute_one, interpreter_kernel_manager
from .export import Exporter, combine, contents_list
from .notebooks import NOTEBOOKS, SPLICE_TAGS, SUMMARY, NotebookSpec, notebooks_dir

__all__ = [
    "NOTEBOOKS",
    "SPLICE_TAGS",
    "SUMMARY",
    "BuildResult",
    "Executed",
    "Exporter",
    "NotebookSpec",
    "build",
    "combine",
    "contents_list",
    "execute_one",
    "interpreter_kernel_manager",
    "library_fingerprint",
    "notebook_keys",
    "notebooks_dir",
    "prune_cache",
]
