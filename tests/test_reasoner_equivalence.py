"""The fast closure (reasonable + the rules it lacks) equals owlrl's, the reference.

Runs owlrl on the whole bundled graph (about half a minute here). Ignored, as
the issue allows: owlrl's reflexive owl:sameAs and its triples about literals
(both dropped by gdkg.reason.closure for either engine).
"""

import pytest

from gdkg.reason import closure

reasonable = pytest.importorskip("reasonable", reason="reasonable (a core dependency) is not installed")


def test_fast_closure_equals_owlrl(asserted):
    fast = closure(asserted, "reasonable")
    reference = closure(asserted, "owlrl")
    only_fast = sorted(map(str, fast - reference))[:20]
    only_owlrl = sorted(map(str, reference - fast))[:20]
    assert not only_fast and not only_owlrl, (
        f"{len(fast - reference)} triples only in the fast closure, e.g. {only_fast}; "
        f"{len(reference - fast)} only in owlrl's, e.g. {only_owlrl}")
    assert len(fast) > len(asserted)
