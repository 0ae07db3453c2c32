"""``tools/test.py --dump``: MMEngine's ``DumpResults`` written through a temporary name."""
from mmaction.registry import METRICS
from mmengine.evaluator import DumpResults
from mmengine.fileio import dump
from mmengine.logging import print_log

from ...utils.atomic_files import atomic_path


@METRICS.register_module()
class AtomicDumpResults(DumpResults):
    """Dump the test predictions (a list of data-sample dicts) to ``out_file_path`` (.pkl) as
    ``DumpResults`` does, but atomically: the pickle is written to ``{path}.tmp-{pid}.pkl``,
    flushed and renamed, so a run killed while dumping leaves the previous file (or none),
    never a truncated one that ``tools/report.py`` would read.

    Still a ``DumpResults``: the teacher's evaluation in a distiller run leaves it out
    (``engine/loops/teacher_metrics.py``).
    """

    def compute_metrics(self, results: list) -> dict:
        with atomic_path(self.out_file_path, suffix='.pkl') as tmp:
            dump(results, tmp)
        print_log(f'Results has been saved to {self.out_file_path}.', logger='current')
        return {}
