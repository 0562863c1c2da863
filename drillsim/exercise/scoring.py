"""The drill score 0-100 from KPIs, plan status and injects (weights in resources/data/scoring.yaml).

Each component is a share in [0, 1]; components whose need never arose are left
out and the remaining weights re-normalised, so a drill without a chemical release
is not rewarded or punished for exposure. Formulas: docs/scoring.md.
"""

from __future__ import annotations

from typing import Any

from drillsim.scenario import catalog


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def components(kpis: dict[str, Any], cfg: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    # organisation: injects answered on time, orders not refused
    parts = []
    if kpis.get("injects_expecting"):
        parts.append(kpis["injects_answered_on_time"] / kpis["injects_expecting"])
    orders = kpis.get("orders_accepted", 0) + kpis.get("orders_rejected", 0)
    if orders:
        parts.append(kpis.get("orders_accepted", 0) / orders)
    if parts:
        out["organisation"] = sum(parts) / len(parts)
    # plan: level set on time, plan actions done on time
    parts = []
    if kpis.get("response_level_due") is not None:
        parts.append(1.0 if kpis.get("response_level_on_time") else 0.0)
    if kpis.get("plan_actions_total"):
        parts.append(kpis["plan_actions_done_on_time"] / kpis["plan_actions_total"])
    if parts:
        out["plan"] = sum(parts) / len(parts)
    # rescue: share rescued within 72 h, and the first-response time
    if kpis.get("trapped"):
        share = kpis.get("rescued_within_72h_share") or 0.0
        fr = kpis.get("first_response_min_mean")
        t0, t1 = float(cfg["first_response_target_min"]), float(cfg["first_response_limit_min"])
        speed = 0.0 if fr is None else _clamp((t1 - fr) / (t1 - t0))
        out["rescue"] = 0.7 * share + 0.3 * speed
    if kpis.get("casualties_to_transport"):
        out["medical"] = _clamp(kpis["casualties_transported"] / kpis["casualties_to_transport"])
    parts = []
    if kpis.get("people_to_evacuate"):
        parts.append(_clamp(kpis["people_evacuated"] / kpis["people_to_evacuate"]))
    if kpis.get("people_displaced"):
        parts.append(_clamp(kpis.get("people_sheltered", 0) / kpis["people_displaced"]))
    if parts:
        out["evacuation"] = sum(parts) / len(parts)
    if kpis.get("supplies_requested_t"):
        out["supplies"] = _clamp(kpis["supplies_delivered_t"] / kpis["supplies_requested_t"])
    if kpis.get("chemical_release"):
        pm = float(kpis.get("person_minutes_above_aegl2") or 0.0)
        out["exposure"] = 1.0 / (1.0 + pm / float(cfg["exposure_half_score"]))
    return out


def score(kpis: dict[str, Any]) -> dict[str, Any]:
    """Score from a KPI summary (drillsim.response.kpis.KpiTracker.summary())."""
    cfg = catalog.load_data("scoring")
    comp = components(kpis, cfg)
    weights = cfg["weights"]
    total_w = sum(float(weights[k]) for k in comp)
    value = 100.0 * sum(float(weights[k]) * v for k, v in comp.items()) / total_w if total_w else None
    return {"score": None if value is None else round(value, 1),
            "components": {k: round(v, 4) for k, v in comp.items()},
            "weights": {k: weights[k] for k in comp}}
