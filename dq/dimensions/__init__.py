"""The six national data-quality dimensions (domain.md), one module each, in the order of the
annual-report template. Each module's ``assess(context)`` returns its checks, figures and
warnings; ``dq.report.run`` builds the ``Context`` and concatenates."""

from dq.dimensions import aktualitet, kompletthet, korrekthet, relevans, reliabilitet, \
    sammenlignbarhet
from dq.dimensions.context import Assessment, Context, build

MODULES = {
    "kompletthet": kompletthet, "korrekthet": korrekthet, "reliabilitet": reliabilitet,
    "aktualitet": aktualitet, "sammenlignbarhet": sammenlignbarhet, "relevans": relevans,
}

__all__ = ["MODULES", "Assessment", "Context", "build"]
