"""Batches over tables x years x measures x scenarios on dask.distributed (METHODS.md 8.4; docs/batch.md).

>>> from dualcirc.batch import load_spec, run_batch, read_results
>>> report = run_batch("batch.yaml")                 # doctest: +SKIP  (resumes where a previous run stopped)
>>> read_results(report.output, "kww")               # doctest: +SKIP
"""
from .measures import known_measures, register_measure
from .plan import Part, Task, plan
from .runner import BatchReport, read_results, run_batch
from .spec import BatchSpec, load_spec, spec_from_dict

__all__ = ["BatchReport", "BatchSpec", "Part", "Task", "known_measures", "load_spec", "plan", "read_results",
           "register_measure", "run_batch", "spec_from_dict"]
