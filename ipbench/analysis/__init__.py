"""Pilot analyses of the regional IP layout (issue 5), one module per job.

* :mod:`~ipbench.analysis.concentration` — shares, Gini, HHI, CR-n, location quotients
* :mod:`~ipbench.analysis.dynamics` — growth, CAGR, D trajectories, elasticity, centres of gravity
* :mod:`~ipbench.analysis.quality` — invention share, patents per R&D, per 10,000 people, composite
* :mod:`~ipbench.analysis.intensive` — IP-intensive industries/regions with evidence
* :mod:`~ipbench.analysis.peers` — gaps to best and reference, ranks among peers
* :mod:`~ipbench.analysis.guidance` — guidance catalogue (导向目录) and its Excel export
* :mod:`~ipbench.analysis.targets` — plan targets: attainment, projections, on-track
* :mod:`~ipbench.analysis.interpretation` — bilingual :class:`Sentence` and matching sentence

Every module has ``describe_*`` functions returning a bilingual :class:`Sentence`.
"""

from ipbench.analysis.interpretation import Sentence

__all__ = ["Sentence"]
