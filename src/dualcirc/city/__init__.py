"""The city layer: the firm registry and the per-mu (亩均) evaluation of firms (POLICY_SYSTEMS.md §1, §6.1–6.4).

Independent of the input–output engine and measures; it shares the labels, the errors, the CLI (``dualcirc
firms``) and the report writers.  The API a web page calls::

    rules = load_rules("zhejiang-huangyan-2022")            # a preset or a YAML file
    registry = Registry("firms.duckdb")                     # or a postgresql:// URL
    evaluation, run_id = evaluate_year(registry, rules, 2022)
    evaluation.summary("zh"); evaluation.firm_sheet(firm_id, lang="zh")   # JSON-ready dicts
"""

from .evaluate import Evaluation, class_transitions, evaluate, evaluate_year, transition_matrix
from .policy import apply_policy, load_policy
from .records import ImportRejected, read_records
from .registry import Registry
from .rules import RulesError, load_rules, preset_names
from .screening import load_screening, load_targets, rd_coverage, screen, target_gaps, upgrade_candidates
from .synthetic import synthetic_firms

__all__ = ["Evaluation", "ImportRejected", "Registry", "RulesError", "apply_policy", "class_transitions", "evaluate",
           "evaluate_year", "load_policy", "load_rules", "load_screening", "load_targets", "preset_names",
           "rd_coverage", "read_records", "screen", "synthetic_firms", "target_gaps", "transition_matrix",
           "upgrade_candidates"]
