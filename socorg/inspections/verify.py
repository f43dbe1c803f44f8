"""Verification of a published proof (socorg verify-draw): recompute the commitment, the seed, every key, the
selection and every inspector assignment from the proof's own inputs, and name the first discrepancy."""

from django.utils.translation import gettext as _

from .draw import ALGORITHM, MIN_PUBLIC_VALUE_LENGTH, PoolHasher, draw_size, run_draw

PROOF_FIELDS = ("algorithm", "plan_uid", "pool", "pool_sha256", "committed_at", "public_value", "seed", "n",
                "per_org", "inspectors", "selected")


class ProofError(Exception):
    """The first discrepancy found in a proof (its message says which and where)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ProofError(message)


def _pool_hash(pool: list) -> str:
    if all(isinstance(uscc, str) and uscc for uscc in pool) and pool == sorted(pool) and len(set(pool)) == len(pool):
        hasher = PoolHasher()
        hasher.add_chunk(pool)
        return hasher.hexdigest()
    previous = None
    for index, uscc in enumerate(pool):  # name the first offending entry
        _require(isinstance(uscc, str) and uscc != "",
                 _("pool[%(i)d] is not a credit code.") % {"i": index})
        _require(previous is None or uscc > previous,
                 _("The pool is not sorted ascending without duplicates at pool[%(i)d] (%(uscc)s).")
                 % {"i": index, "uscc": uscc})
        previous = uscc
    raise ProofError(_("The pool is empty or not a list."))  # not reached: some entry above failed


def verify_proof(proof, *, expected_pool_sha256: str | None = None) -> int:
    """Recompute everything the proof states; raise ProofError naming the first discrepancy. Returns n."""
    _require(isinstance(proof, dict), _("The proof is not a JSON object."))
    missing = [name for name in PROOF_FIELDS if name not in proof]
    _require(not missing, _("Fields missing from the proof: %(fields)s.") % {"fields": ", ".join(missing)})
    _require(proof["algorithm"] == ALGORITHM, _("Unknown algorithm “%(name)s”; expected %(expected)s.")
             % {"name": proof["algorithm"], "expected": ALGORITHM})
    pool = proof["pool"]
    _require(isinstance(pool, list) and len(pool) > 0, _("The pool is empty or not a list."))
    computed = _pool_hash(pool)
    if expected_pool_sha256 is not None:
        _require(str(proof["pool_sha256"]).lower() == expected_pool_sha256.strip().lower(),
                 _("pool_sha256 %(stated)s differs from the commitment published before the draw (%(published)s).")
                 % {"stated": proof["pool_sha256"], "published": expected_pool_sha256})
    _require(computed == proof["pool_sha256"],
             _("The pool does not hash to pool_sha256: a credit code was added, removed or changed (computed "
               "%(computed)s, stated %(stated)s).") % {"computed": computed, "stated": proof["pool_sha256"]})
    public_value = proof["public_value"]
    _require(isinstance(public_value, str) and len(public_value) >= MIN_PUBLIC_VALUE_LENGTH,
             _("public_value must be a string of at least %(n)d characters.") % {"n": MIN_PUBLIC_VALUE_LENGTH})
    plan_uid = str(proof["plan_uid"])
    n, per_org, cap = proof["n"], proof["per_org"], proof.get("max_per_inspector")
    _require(isinstance(n, int) and not isinstance(n, bool) and 0 < n <= len(pool),
             _("n = %(n)s is not between 1 and the pool size.") % {"n": n})
    if proof.get("count") is not None:
        _require(n == proof["count"], _("n = %(n)d differs from the fixed count %(count)s.")
                 % {"n": n, "count": proof["count"]})
    elif proof.get("share") is not None:
        try:
            expected_n = draw_size(len(pool), share=proof["share"])
        except (ArithmeticError, ValueError, TypeError):
            raise ProofError(_("share “%(share)s” is not a number.") % {"share": proof["share"]}) from None
        _require(n == expected_n, _("n = %(n)d differs from ceil(share %(share)s × pool size %(size)d) = "
                                    "%(expected)d.") % {"n": n, "share": proof["share"], "size": len(pool),
                                                         "expected": expected_n})
    _require(isinstance(per_org, int) and per_org >= 2,
             _("per_org = %(k)s: at least 2 inspectors per organization.") % {"k": per_org})
    _require(cap is None or (isinstance(cap, int) and cap > 0),
             _("max_per_inspector = %(cap)s is not a positive number.") % {"cap": cap})
    inspectors = proof["inspectors"]
    _require(isinstance(inspectors, list), _("inspectors is not a list."))
    ids: list[str] = []
    excluded: dict[str, set[str]] = {}
    for index, inspector in enumerate(inspectors):
        _require(isinstance(inspector, dict) and isinstance(inspector.get("id"), str) and inspector["id"] != "",
                 _("inspectors[%(i)d] has no id.") % {"i": index})
        _require(inspector["id"] not in excluded, _("Inspector %(id)s appears twice.") % {"id": inspector["id"]})
        _require(isinstance(inspector.get("excluded_for", []), list),
                 _("inspectors[%(i)d].excluded_for is not a list.") % {"i": index})
        ids.append(inspector["id"])
        excluded[inspector["id"]] = set(inspector.get("excluded_for") or [])
    expected = run_draw(pool=pool, pool_hash=computed, public_value=public_value, plan_uid=plan_uid, n=n,
                        per_org=per_org, inspector_ids=ids, excluded=excluded, cap=cap)
    _require(expected.seed.hex() == proof["seed"],
             _("The seed does not follow from pool_sha256, public_value and plan_uid (computed %(computed)s, stated "
               "%(stated)s): the public value or the plan identifier was changed.")
             % {"computed": expected.seed.hex(), "stated": proof["seed"]})
    stated = proof["selected"]
    _require(isinstance(stated, list), _("selected is not a list."))
    for index, (uscc, key, assigned) in enumerate(expected.selected):
        _require(index < len(stated), _("selected has %(have)d entries; the draw selects %(n)d (next: %(uscc)s).")
                 % {"have": len(stated), "n": n, "uscc": uscc})
        entry = stated[index]
        _require(isinstance(entry, dict), _("selected[%(i)d] is not an object.") % {"i": index})
        _require(entry.get("uscc") == uscc,
                 _("selected[%(i)d] is %(stated)s; the draw selects %(uscc)s there (key %(key)s).")
                 % {"i": index, "stated": entry.get("uscc"), "uscc": uscc, "key": key})
        _require(entry.get("key") == key, _("selected[%(i)d] (%(uscc)s): key %(stated)s should be %(key)s.")
                 % {"i": index, "uscc": uscc, "stated": entry.get("key"), "key": key})
        _require(entry.get("inspectors") == assigned,
                 _("selected[%(i)d] (%(uscc)s): inspectors %(stated)s do not follow from the draw, which assigns "
                   "%(assigned)s.") % {"i": index, "uscc": uscc, "stated": entry.get("inspectors"),
                                       "assigned": assigned})
    _require(len(stated) == n, _("selected has %(have)d entries; the draw selects %(n)d.")
             % {"have": len(stated), "n": n})
    _require(not expected.shortages,
             _("Too few eligible inspectors for: %(list)s.") % {"list": ", ".join(s.uscc for s in expected.shortages)})
    return n
