"""Policy engine (profile -> performance plan and attendance rule) and target-mapping engine (canonical -> payload).

A plain library: no Flask, no database, nothing from hub/.
"""

from .catalog import Catalog, CatalogError, check_name
from .errors import InputError, MappingError, PolicyError
from .policy import Policy, load_policy
from .policy_outcome import PolicyOutcome
from .sample import sample_context, sample_document
from .target_mapping import TargetMapping, list_presets, load_mapping

__all__ = [
    "Catalog",
    "CatalogError",
    "InputError",
    "MappingError",
    "Policy",
    "PolicyError",
    "PolicyOutcome",
    "TargetMapping",
    "check_name",
    "list_presets",
    "load_mapping",
    "load_policy",
    "sample_context",
    "sample_document",
]
